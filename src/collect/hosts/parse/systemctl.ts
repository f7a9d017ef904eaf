// `systemctl show UNIT -p … --timestamp=unix` → typed record. systemd prints Key=Value lines in its
// own order (not the order asked for); "[not set]", empty values and UINT64_MAX mean "no value";
// a unit that does not exist still prints its properties, with LoadState=not-found.

export const SHOW_PROPERTIES = [
  'LoadState',
  'ActiveState',
  'SubState',
  'ActiveEnterTimestamp',
  'ActiveExitTimestamp',
  'NRestarts',
  'MemoryCurrent',
  'CPUUsageNSec',
  'MainPID',
] as const;

export type UnitState = 'active' | 'inactive' | 'failed' | 'activating' | 'deactivating' | 'reloading' | 'not-installed' | 'unknown';

export interface UnitShow {
  loadState: string | null;
  activeState: string | null;
  subState: string | null;
  activeEnterTimestamp: number | null; // epoch ms
  activeExitTimestamp: number | null;
  nRestarts: number | null;
  memoryBytes: number | null;
  cpuUsageNSec: number | null;
  mainPid: number | null;
  state: UnitState;
  /** Every Key=Value line as printed. */
  raw: Record<string, string>;
}

/** Parses Key=Value lines (the value is everything after the first "="). Later duplicates win. */
export function parseKeyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const l = line.replace(/\r$/, '');
    const i = l.indexOf('=');
    if (i <= 0) continue;
    out[l.slice(0, i)] = l.slice(i + 1);
  }
  return out;
}

const UINT64_MAX = '18446744073709551615';

function isUnset(v: string | undefined): boolean {
  return v === undefined || v === '' || v === '[not set]' || v === 'n/a' || v === UINT64_MAX || v === 'infinity';
}

function parseCount(v: string | undefined): number | null {
  if (isUnset(v) || !/^\d+$/.test(v!)) return null;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * A systemd timestamp: "@1700000000" (--timestamp=unix), "@1700000000.123456", or the default
 * "Mon 2024-01-15 10:00:00 UTC" (only UTC/GMT zones, since other zone names are ambiguous; the
 * fallback command runs with TZ=UTC). Returns epoch ms, or null for unset or unreadable values.
 */
export function parseSystemdTimestamp(v: string | undefined): number | null {
  if (isUnset(v)) return null;
  const s = v!.trim();
  let m = /^@(\d+)(?:\.(\d{1,9}))?$/.exec(s);
  if (m) {
    const secs = Number(m[1]);
    if (secs === 0) return null; // systemd prints 0 for "never" in some versions
    const frac = m[2] ? Number(`0.${m[2]}`) : 0;
    return Math.round((secs + frac) * 1000);
  }
  m = /^(?:[A-Z][a-z]{2} )?(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? (UTC|GMT)$/.exec(s);
  if (m) {
    const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
    return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], ms);
  }
  return null;
}

const STATES: Record<string, UnitState> = {
  active: 'active',
  inactive: 'inactive',
  failed: 'failed',
  activating: 'activating',
  deactivating: 'deactivating',
  reloading: 'reloading',
  refreshing: 'reloading',
};

/** The unit's state for people and rules: not-found is "not installed", never "inactive". */
export function unitStateOf(loadState: string | null, activeState: string | null): UnitState {
  if (loadState === 'not-found') return 'not-installed';
  if (activeState === null) return 'unknown';
  return STATES[activeState] ?? 'unknown';
}

export function parseSystemctlShow(text: string): UnitShow {
  const raw = parseKeyValues(text);
  const str = (k: string) => (isUnset(raw[k]) ? null : raw[k]);
  const loadState = str('LoadState');
  const activeState = str('ActiveState');
  const pid = parseCount(raw.MainPID);
  return {
    loadState,
    activeState,
    subState: str('SubState'),
    activeEnterTimestamp: parseSystemdTimestamp(raw.ActiveEnterTimestamp),
    activeExitTimestamp: parseSystemdTimestamp(raw.ActiveExitTimestamp),
    nRestarts: parseCount(raw.NRestarts),
    memoryBytes: parseCount(raw.MemoryCurrent),
    cpuUsageNSec: parseCount(raw.CPUUsageNSec),
    mainPid: pid === 0 ? null : pid,
    state: unitStateOf(loadState, activeState),
    raw,
  };
}

/** `systemctl show A B …` prints one block per unit, separated by a blank line, in argument order. */
export function splitShowBlocks(text: string): string[] {
  return text.split(/\n\s*\n/).filter((b) => b.trim() !== '');
}

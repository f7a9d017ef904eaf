// Number and time formatting for people: fixed decimals, no locale (the same record renders the same
// bytes on every machine), and a missing value always says why.
import { formatDuration } from '../plan/duration';
import { isNum } from '../plan/units';
import type { Reading } from '../artifacts/records/common';
import type { RuleOutcome } from '../model/rule-result';


/** A reading's number, or null. */
export function num(r: Reading | null | undefined): number | null {
  return r && isNum(r.value) ? r.value : null;
}

/** Fixed decimals, trimmed of a trailing ".0…" only when the number is whole. */
export function fixed(v: number, digits = 2): string {
  if (Number.isInteger(v)) return String(v);
  const abs = Math.abs(v);
  // small numbers keep their first significant digits (0.00042 % must not print as 0.00 %)
  const d = abs > 0 && abs < 10 ** -digits ? Math.min(6, Math.ceil(-Math.log10(abs)) + 1) : digits;
  return v.toFixed(d);
}

export function fmtNumber(v: number | null | undefined, unit = '', digits = 2): string {
  if (!isNum(v)) return 'n/a';
  return `${fixed(v, digits)}${unit}`;
}

export function fmtPct(v: number | null | undefined, digits = 2): string {
  return fmtNumber(v, '%', digits);
}

export function fmtMs(v: number | null | undefined): string {
  if (!isNum(v)) return 'n/a';
  return v >= 1000 ? `${fixed(v / 1000, 2)}s` : `${fixed(v, v < 10 ? 2 : 1)}ms`;
}

export function fmtBytes(v: number | null | undefined): string {
  if (!isNum(v)) return 'n/a';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let x = v;
  let i = 0;
  while (Math.abs(x) >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return `${i === 0 ? String(Math.round(x)) : x.toFixed(1)} ${units[i]}`;
}

export type Unit = 'pct' | 'ms' | 'bytes' | 'count' | 'plain' | 'load';

export function fmtValue(v: number | null | undefined, unit: Unit): string {
  switch (unit) {
    case 'pct': return fmtPct(v);
    case 'ms': return fmtMs(v);
    case 'bytes': return fmtBytes(v);
    case 'count': return isNum(v) ? String(Math.round(v)) : 'n/a';
    case 'load': return fmtNumber(v, '', 2);
    case 'plain': return fmtNumber(v);
  }
}

/** "12.5ms" or "no data (host dgx-2 unreachable)"; a caveat on a present value is appended in brackets when asked. */
export function fmtReading(r: Reading | null | undefined, unit: Unit, withCaveat = false): string {
  if (!r) return 'no data';
  if (r.value === null) return `no data (${r.reason})`;
  const s = fmtValue(r.value, unit);
  return withCaveat && r.reason ? `${s} (${r.reason})` : s;
}

/**
 * A duration for people: plan/duration's formatDuration ("24h", "1h5m30s", "250ms"; hours are not
 * folded into days). With `wholeHoursInWords`, a whole number of hours reads "24 hours" (the emails).
 */
export function fmtDur(ms: number, opts: { wholeHoursInWords?: boolean } = {}): string {
  if (opts.wholeHoursInWords && ms > 0 && Number.isInteger(ms / 3_600_000)) return `${ms / 3_600_000} hours`;
  return formatDuration(ms);
}

/** "2026-01-23 10:00:00 UTC" from an ISO time. */
export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return 'n/a';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export const OUTCOME_MARK: Record<RuleOutcome, string> = {
  pass: '✅',
  fail: '❌',
  inconclusive: '❔',
  error: '⚠️',
  waived: '➖',
};

/** The spec's two marks: ✅ only for a pass (or a waiver, which says so), ❌ for everything else. */
export function passMark(outcome: RuleOutcome): '✅' | '❌' {
  return outcome === 'pass' || outcome === 'waived' ? '✅' : '❌';
}

export const VERDICT_MARK = { PASS: '✅', WARNING: '⚠️', FAIL: '❌' } as const;

/** Columns a string takes in a terminal: wide emoji count 2, variation selectors 0. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp === 0xfe0f || cp === 0x200d) continue;
    w += cp >= 0x1f000 || cp === 0x2705 || cp === 0x274c || cp === 0x2754 || cp === 0x2796 || cp === 0x26a0 ? 2 : 1;
  }
  return w;
}

/** Pads to a display width (the text files use monospace columns). */
export function pad(s: string, width: number, right = false): string {
  const len = displayWidth(s);
  if (len >= width) return s;
  return right ? ' '.repeat(width - len) + s : s + ' '.repeat(width - len);
}

/** A monospace table: header row, a rule, the rows; numbers right-aligned when `alignRight[i]`. */
export function textTable(header: string[], rows: string[][], alignRight: boolean[] = []): string[] {
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const line = (cells: string[]) => cells.map((c, i) => pad(c ?? '', widths[i], alignRight[i])).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

/** Markdown table cell: no pipes or newlines inside. */
export function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function mdTable(header: string[], rows: string[][], alignRight: boolean[] = []): string[] {
  return [
    `| ${header.map(mdCell).join(' | ')} |`,
    `| ${header.map((_, i) => (alignRight[i] ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`),
  ];
}

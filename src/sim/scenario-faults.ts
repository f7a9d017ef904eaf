// The fault kinds of a scenario file: what each does (FaultEffect), what it applies to (its scope),
// how its value is written and parsed, and the one line that describes a placed fault. Pure; the
// file's structure and its checks against the plan are scenario.ts.
import { formatDuration, parseDuration } from '../plan/duration';

export const FAULT_KINDS = [
  'latency',
  'errors',
  'drop-replies',
  'crash',
  'stop',
  'single-publish',
  'memory-growth',
  'load',
  'disk-fill',
  'host-down',
  'nats-down',
  'corrupt-payload',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultTarget {
  host?: string;
  agent?: string;
}

/** What a fault does, with its value parsed into a number in a fixed unit. */
export type FaultEffect =
  /** Added to every probe reply's latency. */
  | { fault: 'latency'; latencyMs: number }
  /** Error log lines per second (real time) per targeted unit. */
  | { fault: 'errors'; perSecond: number }
  /** Share of probe requests left unanswered. */
  | { fault: 'drop-replies'; pct: number }
  /**
   * The unit fails and systemd restarts it; with `for`, again every `intervalMs` (real time) for that
   * long. null: the default loop, every 10 s but at least 3 crashes in the window.
   */
  | { fault: 'crash'; intervalMs: number | null }
  /** The unit stays down (for `for`, or to the end). */
  | { fault: 'stop' }
  /** Events are published on one pattern only (dual publishing broken). */
  | { fault: 'single-publish'; only: 'legacy' | 'unified' }
  /** Each targeted unit's memory grows by this many bytes per plan hour. */
  | { fault: 'memory-growth'; bytesPerPlanHour: number }
  /** The load average the host shows. */
  | { fault: 'load'; load1: number }
  /** The share of the agent install path's file system in use. */
  | { fault: 'disk-fill'; pct: number }
  /** SSH unreachable: connections refused, or (hang) accepted and never answered. */
  | { fault: 'host-down'; mode: 'refuse' | 'hang' }
  /** The NATS server stops; with `for`, it is started again after. */
  | { fault: 'nats-down' }
  /** Share of probe replies and event payloads that are not valid JSON. */
  | { fault: 'corrupt-payload'; pct: number };

/** What a fault applies to: agent instances (host × agent), hosts, or the NATS server. */
export type FaultScope = 'unit' | 'host' | 'server';

export interface FaultRule {
  scope: FaultScope;
  /** How its value is written, for messages. */
  example: string;
  value: 'required' | 'optional' | 'none';
  /** Parses the value; a string is the problem. */
  parse(value: string | number | undefined, hasFor: boolean): FaultEffect | string;
}

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

function numberWith(value: string | number | undefined, suffix: RegExp): number | null {
  if (typeof value === 'number') return null; // a unit is required
  if (typeof value !== 'string') return null;
  const m = suffix.exec(value.trim());
  if (!m) return null;
  const n = Number(m[1]);
  return Number.isFinite(n) ? n : null;
}

/** A percentage above 0 and at most 100 ("5%"), or the problem with `value`. */
function percent(kind: string, example: string, value: string | number | undefined): number | string {
  const n = numberWith(value, /^(\d+(?:\.\d+)?)\s*%$/);
  if (n === null) return `${kind} takes a percentage like "${example}", got ${show(value)}`;
  if (n > 100 || n <= 0) return `${kind} takes a percentage above 0 and at most 100, got ${show(value)}`;
  return n;
}

/** A fault whose value is a share in percent above 0 and at most 100. */
function percentRule(fault: 'drop-replies' | 'disk-fill' | 'corrupt-payload', scope: FaultScope, example: string): FaultRule {
  return {
    scope,
    example,
    value: 'required',
    parse(v) {
      const p = percent(fault, example, v);
      return typeof p === 'string' ? p : { fault, pct: p };
    },
  };
}

export function show(v: unknown): string {
  return v === undefined ? 'nothing' : JSON.stringify(v);
}

export const FAULT_RULES: Record<FaultKind, FaultRule> = {
  latency: {
    scope: 'unit',
    example: '150ms',
    value: 'required',
    parse(v) {
      const ms = typeof v === 'string' ? parseDuration(v) : null;
      if (ms === null || ms <= 0) return `latency takes a duration above zero like "150ms", got ${show(v)}`;
      return { fault: 'latency', latencyMs: ms };
    },
  },
  errors: {
    scope: 'unit',
    example: '30/s',
    value: 'required',
    parse(v) {
      const m = typeof v === 'string' ? /^(\d+(?:\.\d+)?)\s*\/\s*(s|m|h)$/.exec(v.trim()) : null;
      if (!m || Number(m[1]) <= 0) return `errors takes a rate above zero like "30/s" (or "/m", "/h"; real time), got ${show(v)}`;
      const per = { s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'];
      return { fault: 'errors', perSecond: Number(m[1]) / per };
    },
  },
  'drop-replies': percentRule('drop-replies', 'unit', '5%'),
  crash: {
    scope: 'unit',
    example: '30s',
    value: 'optional',
    parse(v, hasFor) {
      if (v === undefined) return { fault: 'crash', intervalMs: null };
      if (!hasFor) return 'crash takes a value only with "for" (the interval between crashes of a crash loop, real time, e.g. "30s")';
      const ms = typeof v === 'string' ? parseDuration(v) : null;
      if (ms === null || ms < 500) return `crash takes a crash-loop interval of at least 500ms like "30s" (real time), got ${show(v)}`;
      return { fault: 'crash', intervalMs: ms };
    },
  },
  stop: {
    scope: 'unit',
    example: '',
    value: 'none',
    parse: () => ({ fault: 'stop' }),
  },
  'single-publish': {
    scope: 'unit',
    example: 'legacy',
    value: 'optional',
    parse(v) {
      if (v === undefined || v === 'legacy' || v === 'unified') return { fault: 'single-publish', only: v ?? 'legacy' };
      return `single-publish takes the one pattern still published, "legacy" (default) or "unified", got ${show(v)}`;
    },
  },
  'memory-growth': {
    scope: 'unit',
    example: '4GB',
    value: 'required',
    parse(v) {
      const m = typeof v === 'string' ? /^(\d+(?:\.\d+)?)\s*([KMGT]i?B|B)(?:\s*\/\s*h)?$/i.exec(v.trim()) : null;
      const bytes = m ? Number(m[1]) * SIZE_UNITS[m[2].toLowerCase()] : NaN;
      if (!m || !(bytes > 0)) return `memory-growth takes a size per plan hour like "4GB" (B, KB, MB, GB, TB or KiB … TiB), got ${show(v)}`;
      return { fault: 'memory-growth', bytesPerPlanHour: bytes };
    },
  },
  load: {
    scope: 'host',
    example: '3.5',
    value: 'required',
    parse(v) {
      const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : NaN;
      if (!Number.isFinite(n) || n < 0 || n > 10_000) return `load takes the load average to show, a number like 3.5, got ${show(v)}`;
      return { fault: 'load', load1: n };
    },
  },
  'disk-fill': percentRule('disk-fill', 'host', '95%'),
  'host-down': {
    scope: 'host',
    example: 'refuse',
    value: 'optional',
    parse(v) {
      if (v === undefined || v === 'refuse' || v === 'hang') return { fault: 'host-down', mode: v ?? 'refuse' };
      return `host-down takes "refuse" (default: connections refused) or "hang" (accepted, never answered), got ${show(v)}`;
    },
  },
  'nats-down': {
    scope: 'server',
    example: '',
    value: 'none',
    parse: () => ({ fault: 'nats-down' }),
  },
  'corrupt-payload': percentRule('corrupt-payload', 'unit', '10%'),
};

/** The interval of a crash loop (`crash` with `for` and no value), real time; shortened so a loop has at least 3 crashes. */
export const DEFAULT_CRASH_INTERVAL_MS = 10_000;
export const MIN_CRASHES_PER_LOOP = 3;

export function faultScope(kind: FaultKind): FaultScope {
  return FAULT_RULES[kind].scope;
}

function targetText(t: FaultTarget): string {
  if (t.agent && t.host) return `${t.agent}@${t.host}`;
  if (t.agent) return `${t.agent} on every host`;
  if (t.host) return `every agent on ${t.host}`;
  return 'every agent on every host';
}

export function describeFault(f: FaultEffect, target: FaultTarget, atMs: number, forMs: number | null): string {
  const scope = FAULT_RULES[f.fault].scope;
  const where = scope === 'server' ? 'the NATS server' : scope === 'host' ? (target.host ?? 'every host') : targetText(target);
  const when = `T+${formatDuration(atMs)}${forMs === null ? '' : ` for ${formatDuration(forMs)}`}`;
  const what = (() => {
    switch (f.fault) {
      case 'latency':
        return `latency +${f.latencyMs}ms`;
      case 'errors':
        return `errors ${+f.perSecond.toFixed(3)}/s`;
      case 'drop-replies':
        return `drop-replies ${f.pct}%`;
      case 'crash':
        return forMs === null ? 'crash' : `crash loop${f.intervalMs === null ? '' : ` every ${formatDuration(f.intervalMs)}`}`;
      case 'stop':
        return 'stop';
      case 'single-publish':
        return `single-publish (${f.only} only)`;
      case 'memory-growth':
        return `memory-growth ${+(f.bytesPerPlanHour / 1e9).toFixed(3)}GB/h`;
      case 'load':
        return `load ${f.load1}`;
      case 'disk-fill':
        return `disk-fill ${f.pct}%`;
      case 'host-down':
        return `host-down (${f.mode})`;
      case 'nats-down':
        return 'nats-down';
      case 'corrupt-payload':
        return `corrupt-payload ${f.pct}%`;
    }
  })();
  return `${what} on ${where}, ${when}`;
}

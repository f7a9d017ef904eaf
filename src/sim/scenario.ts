// Scenario files: faults for the simulated fleet, in plan time, read from YAML and validated against
// the plan before anything starts (docs/demo.md, "Scenario files"):
//
//   name: some-name
//   faults:
//     - at: 3h                      # offset from monitoring start (plan time)
//       for: 2h                     # optional; default: to the end
//       target: { agent: network-expert, host: dgx-1 }   # either omitted = all; control agents too
//       fault: latency              # see FAULTS
//       value: 150ms                # the fault's size, in its own unit
//
// Times (`at`, `for`) are plan time and are divided by the wave's time scale when placed; rates in
// values (errors per second, the crash-loop interval) are real time, like the simulated traffic.
// This module is pure: parsing, validation and placing faults on the wall clock. The runner that
// applies them to a running fleet is scenario-runner.ts.
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { formatDuration, parseDuration } from '../plan/duration';
import type { Plan } from '../plan/schema';

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

export type ScenarioFault = FaultEffect & {
  /** Position in the file's `faults` list (0-based). */
  index: number;
  /** Offset from monitoring start, plan time, ms. */
  atMs: number;
  /** How long, plan time, ms; null: to the end. */
  forMs: number | null;
  /** Empty: everything the fault applies to. */
  target: FaultTarget;
  /** One line describing it ("latency +150ms on network-expert@dgx-1, T+3h for 2h"). */
  describe: string;
};

export interface Scenario {
  name: string;
  /** Where it was read from (for messages). */
  file: string;
  faults: ScenarioFault[];
}

export class ScenarioError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid scenario\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ScenarioError';
  }
}

/** What a fault applies to: agent instances (host × agent), hosts, or the NATS server. */
type Scope = 'unit' | 'host' | 'server';

interface KindRule {
  scope: Scope;
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

function percent(kind: string, example: string, value: string | number | undefined, allowZero = false): number | string {
  const n = numberWith(value, /^(\d+(?:\.\d+)?)\s*%$/);
  if (n === null) return `${kind} takes a percentage like "${example}", got ${show(value)}`;
  if (n > 100 || (!allowZero && n <= 0)) return `${kind} takes a percentage above 0 and at most 100, got ${show(value)}`;
  return n;
}

function show(v: unknown): string {
  return v === undefined ? 'nothing' : JSON.stringify(v);
}

const KINDS: Record<FaultKind, KindRule> = {
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
  'drop-replies': {
    scope: 'unit',
    example: '5%',
    value: 'required',
    parse(v) {
      const p = percent('drop-replies', '5%', v);
      return typeof p === 'string' ? p : { fault: 'drop-replies', pct: p };
    },
  },
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
  'disk-fill': {
    scope: 'host',
    example: '95%',
    value: 'required',
    parse(v) {
      const p = percent('disk-fill', '95%', v);
      return typeof p === 'string' ? p : { fault: 'disk-fill', pct: p };
    },
  },
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
  'corrupt-payload': {
    scope: 'unit',
    example: '10%',
    value: 'required',
    parse(v) {
      const p = percent('corrupt-payload', '10%', v);
      return typeof p === 'string' ? p : { fault: 'corrupt-payload', pct: p };
    },
  },
};

/** The interval of a crash loop (`crash` with `for` and no value), real time; shortened so a loop has at least 3 crashes. */
export const DEFAULT_CRASH_INTERVAL_MS = 10_000;
export const MIN_CRASHES_PER_LOOP = 3;

export function faultScope(kind: FaultKind): Scope {
  return KINDS[kind].scope;
}

// ── the file's structure (zod); the meaning of each fault is checked after ─────────────────────────

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const timeField = z.union([z.string(), z.number()]);
const rawFault = z.strictObject({
  at: timeField,
  for: timeField.optional(),
  target: z.strictObject({ agent: z.string().optional(), host: z.string().optional() }).optional(),
  fault: z.string(),
  value: z.union([z.string(), z.number()]).optional(),
});
const rawScenario = z.strictObject({
  name: z.string().regex(NAME, { message: 'expected a name of letters, digits, ".", "_", "-" (max 64)' }),
  faults: z.array(rawFault),
});
type RawFault = z.infer<typeof rawFault>;

function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(root)';
}

function planTime(v: string | number | undefined, field: string, problems: string[], allowZero: boolean): number | null {
  if (v === undefined) return null;
  const ms = typeof v === 'number' ? (v === 0 ? 0 : null) : parseDuration(v);
  if (ms === null) {
    problems.push(`${field}: expected a plan-time duration like "3h", "90m" or "1h30m"${typeof v === 'number' ? ' (a number needs a unit)' : ''}, got ${show(v)}`);
    return null;
  }
  if (!allowZero && ms <= 0) {
    problems.push(`${field}: expected a duration above zero, got ${show(v)}`);
    return null;
  }
  return ms;
}

function targetText(t: FaultTarget): string {
  if (t.agent && t.host) return `${t.agent}@${t.host}`;
  if (t.agent) return `${t.agent} on every host`;
  if (t.host) return `every agent on ${t.host}`;
  return 'every agent on every host';
}

export function describeFault(f: FaultEffect, target: FaultTarget, atMs: number, forMs: number | null): string {
  const scope = KINDS[f.fault].scope;
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

function checkNames(target: FaultTarget, scope: Scope, at: string, plan: Plan | null, problems: string[]): void {
  if (!plan) return;
  const agents = [...plan.agents.underTest, ...plan.agents.control].map((a) => a.name);
  const hosts = plan.hosts.map((h) => h.name);
  if (target.host !== undefined && scope !== 'server' && !hosts.includes(target.host))
    problems.push(`${at}.target.host: unknown host "${target.host}"; the plan's hosts are ${hosts.join(', ')}`);
  if (target.agent !== undefined && scope === 'unit' && !agents.includes(target.agent))
    problems.push(`${at}.target.agent: unknown agent "${target.agent}"; the plan's agents are ${agents.join(', ')}`);
}

function checkFault(raw: RawFault, i: number, plan: Plan | null, problems: string[]): ScenarioFault | null {
  const at = `faults[${i}]`;
  const before = problems.length;
  const atMs = planTime(raw.at, `${at}.at`, problems, true);
  const forMs = planTime(raw.for, `${at}.for`, problems, false);
  if (plan && atMs !== null && atMs >= plan.wave.duration)
    problems.push(`${at}.at: ${formatDuration(atMs)} is not before the wave's end (${formatDuration(plan.wave.duration)})`);

  const target: FaultTarget = { ...(raw.target?.host !== undefined ? { host: raw.target.host } : {}), ...(raw.target?.agent !== undefined ? { agent: raw.target.agent } : {}) };
  if (!(FAULT_KINDS as readonly string[]).includes(raw.fault)) {
    problems.push(`${at}.fault: unknown fault "${raw.fault}"; expected one of ${FAULT_KINDS.join(', ')}`);
    checkNames(target, 'unit', at, plan, problems);
    return null;
  }
  const kind = raw.fault as FaultKind;
  const rule = KINDS[kind];

  if (rule.scope === 'server' && (target.host !== undefined || target.agent !== undefined))
    problems.push(`${at}.target: ${kind} applies to the whole NATS server; leave the target out`);
  if (rule.scope === 'host' && target.agent !== undefined)
    problems.push(`${at}.target.agent: ${kind} applies to a host, not an agent; give only target.host (or no target for every host)`);
  checkNames(target, rule.scope, at, plan, problems);

  let effect: FaultEffect | null = null;
  if (rule.value === 'none' && raw.value !== undefined) problems.push(`${at}.value: ${kind} takes no value`);
  else if (rule.value === 'required' && raw.value === undefined) problems.push(`${at}.value: ${kind} needs a value like "${rule.example}"`);
  else {
    const parsed = rule.parse(raw.value, raw.for !== undefined);
    if (typeof parsed === 'string') problems.push(`${at}.value: ${parsed}`);
    else effect = parsed;
  }
  if (problems.length > before || !effect || atMs === null) return null;
  return { ...effect, index: i, atMs, forMs, target, describe: describeFault(effect, target, atMs, forMs) };
}

/**
 * Validates parsed scenario data. With a plan, its hosts and agents are checked too (unknown ones
 * are errors) and no fault may start at or after the wave's end. Throws ScenarioError listing every
 * problem, one line each, naming the field.
 */
export function parseScenario(data: unknown, plan: Plan | null, file = 'scenario'): Scenario {
  if (data === null || data === undefined || typeof data !== 'object' || Array.isArray(data))
    throw new ScenarioError(file, ['(root): expected a YAML mapping with "name" and "faults"']);
  const result = rawScenario.safeParse(data);
  if (!result.success)
    throw new ScenarioError(
      file,
      result.error.issues.map((issue) => {
        const field = fieldPath(issue.path);
        if (issue.code === 'unrecognized_keys') return `${field}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
        if ((issue.code === 'invalid_type' || issue.code === 'invalid_union') && issue.input === undefined) return `${field}: missing`;
        return `${field}: ${issue.message}`;
      }),
    );
  const problems: string[] = [];
  const faults = result.data.faults.map((f, i) => checkFault(f, i, plan, problems));
  if (problems.length) throw new ScenarioError(file, problems);
  return { name: result.data.name, file, faults: faults as ScenarioFault[] };
}

export function parseScenarioText(text: string, plan: Plan | null, file = 'scenario'): Scenario {
  if (text.trim() === '') throw new ScenarioError(file, ['(root): the file is empty']);
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) throw new ScenarioError(file, doc.errors.map((e) => `(yaml): ${e.message.split('\n')[0]}`));
  return parseScenario(doc.toJS(), plan, file);
}

export function loadScenario(file: string, plan: Plan | null): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ScenarioError(file, [`(file): cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`]);
  }
  return parseScenarioText(text, plan, file);
}

// ── placing faults on the wall clock ──────────────────────────────────────────────────────────────

export interface PlacedFault {
  fault: ScenarioFault;
  /** Epoch ms, real time. */
  startMs: number;
  /** Epoch ms, real time; null: to the end (until the runner stops). */
  endMs: number | null;
}

/** Plan time → wall clock: every offset and length divided by the time scale (product.md, Semantics). */
export function placeFaults(scenario: Scenario, startAtMs: number, timeScale: number): PlacedFault[] {
  if (!(timeScale > 0)) throw new Error(`time scale must be above zero, got ${timeScale}`);
  return scenario.faults.map((fault) => {
    const startMs = startAtMs + fault.atMs / timeScale;
    return { fault, startMs, endMs: fault.forMs === null ? null : startMs + fault.forMs / timeScale };
  });
}

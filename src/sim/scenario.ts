// Scenario files: faults for the simulated fleet, in plan time, read from YAML and validated against
// the plan before anything starts (docs/demo.md, "Scenario files"):
//
//   name: some-name
//   faults:
//     - at: 3h                      # offset from monitoring start (plan time)
//       for: 2h                     # optional; default: to the end
//       target: { agent: network-expert, host: dgx-1 }   # either omitted = all; control agents too
//       fault: latency              # see FAULT_KINDS (scenario-faults.ts)
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
import { describeFault, FAULT_KINDS, FAULT_RULES, show, type FaultEffect, type FaultKind, type FaultScope, type FaultTarget } from './scenario-faults';

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

function checkNames(target: FaultTarget, scope: FaultScope, at: string, plan: Plan | null, problems: string[]): void {
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
  const rule = FAULT_RULES[kind];

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

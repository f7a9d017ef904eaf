// From observations to Measurements (see rules.ts): one value per metric of the registry
// (src/plan/metrics.ts), for a window (tick / checkpoint / wave) and a scope (the agents under test,
// or the control agents — control measurements raise alerts but never judge the wave). Missing data
// gives value null with a note; a failed collection gives an error; partial data gives a bound
// (rules.ts decides with it when it can). Pure: no I/O, no clock — every time comes from the
// observations and the context. One file per family; the table below is keyed by the registry's
// names, so a metric without a measurement does not compile.
import type { Plan } from '../../plan/schema';
import { PER_AGENT_METRICS, type MetricName } from '../../plan/metrics';
import type { Measurements } from '../rules';
import { isCheckpoint, type Observation, type Role } from '../observations';
import { selectWindow, type WindowKind } from '../windows';
import { MEASURE_DEFAULTS, TEST_SCOPE, type Calc, type JudgeContext, type Measures, type Scope } from './context';
import { AGENT_MEASURES } from './agents';
import { ERROR_MEASURES } from './errors';
import { PROBE_MEASURES } from './probes';
import { LATENCY_MEASURES } from './latency';
import { NATS_MEASURES } from './nats';
import { SYSTEM_MEASURES } from './system';
import { COMPARE_MEASURES } from './compare';
import { CLUSTER_MEASURES } from './clusters';
import { WATCH_MEASURES } from './watch';
import { expectedInstances } from '../../model/instance';

const METRIC_FUNCTIONS: Measures = {
  ...AGENT_MEASURES,
  ...CLUSTER_MEASURES,
  ...ERROR_MEASURES,
  ...PROBE_MEASURES,
  ...LATENCY_MEASURES,
  ...NATS_MEASURES,
  ...SYSTEM_MEASURES,
  ...COMPARE_MEASURES,
  ...WATCH_MEASURES,
};

/**
 * Every metric for one window and scope. `history` is every observation so far (the T+0 baseline,
 * ticks and checkpoints alike, in any order); the window is taken from its newest entries.
 * Pass `only` to compute a subset.
 */
export function measure(ctx: JudgeContext, history: readonly Observation[], window: WindowKind, scope: Scope = TEST_SCOPE, only?: readonly MetricName[]): Measurements {
  const sel = selectWindow(history, window, ctx.startMs);
  // a scope narrowed to some agents gets the per-agent metrics only (clusters are built from those)
  const names = (only ?? (Object.keys(METRIC_FUNCTIONS) as MetricName[])).filter((n) => !scope.agents || PER_AGENT_METRICS.has(n));
  const out: Measurements = {};
  if (!sel) {
    for (const n of names) out[n] = { value: null, samples: 0, note: window === 'checkpoint' ? 'no checkpoint observation yet' : 'no observation yet' };
    return out;
  }
  const agentNames = (scope.role === 'test' ? ctx.plan.agents.underTest : ctx.plan.agents.control).map((a) => a.name).filter((a) => !scope.agents || scope.agents.includes(a));
  const names2 = new Set(agentNames);
  const c: Calc = {
    ctx,
    plan: ctx.plan,
    opts: { ...MEASURE_DEFAULTS, ...(ctx.options ?? {}) },
    scope,
    sel,
    agentNames,
    expected: expectedInstances(ctx.plan, [scope.role]).filter((i) => names2.has(i.agent)),
    inScope: (x) => x.role === scope.role && names2.has(x.agent),
    endMs: ctx.endMs ?? ctx.startMs + ctx.plan.wave.duration,
    memo: new Map(),
    remeasure: (h, w, s, only) => measure(ctx, h, w, s, only),
  };
  for (const n of names) {
    try {
      out[n] = METRIC_FUNCTIONS[n](c, history);
    } catch (err) {
      out[n] = { value: null, samples: 0, error: `judge failed to compute ${n}: ${(err as Error).message}` };
    }
  }
  return out;
}

/** The metrics the plan's alert rules and rollback criteria read (what a monitor tick must compute). */
export function tickMetrics(plan: Plan): MetricName[] {
  return [...new Set([...plan.alerts, ...plan.rollback.criteria].map((r) => r.metric))];
}

/** The measurements every rule window needs, for both scopes (checkpoint only once there is one). */
export function measureAll(
  ctx: JudgeContext,
  history: readonly Observation[],
  opts: { windows?: readonly WindowKind[]; only?: readonly MetricName[] } = {},
): Record<Role, Partial<Record<WindowKind, Measurements>>> {
  const hasCp = history.some(isCheckpoint);
  const out: Record<Role, Partial<Record<WindowKind, Measurements>>> = { test: {}, control: {} };
  for (const role of ['test', 'control'] as const)
    for (const w of opts.windows ?? (['tick', 'checkpoint', 'wave'] as const))
      if (w !== 'checkpoint' || hasCp) out[role][w] = measure(ctx, history, w, { role }, opts.only);
  return out;
}


// What every measurement function shares: the judge's context and options, the scope, the window
// selected, and the small helpers for partial results. Pure: no I/O, no clock.
import type { Plan } from '../../plan/schema';
import { comparedQuantity, type MetricName } from '../../plan/metrics';
import type { Measurement, Measurements } from '../rules';
import type { Observation, Role } from '../observations';
import type { WindowKind, WindowSelection } from '../windows';
import { samplesByInstance } from '../uptime';

export interface MeasureOptions {
  /** Tolerated difference between a host's clock and the worker's when the sample carries no reading of it (restart detection at the first sample). */
  clockSkewMs?: number;
  confLevel?: number;
  /** Latency samples needed on each side for a degradation judgement. */
  degradationMinSamples?: number;
  /** Samples needed per cohort for test-vs-control overheads (Kayenta: 50). */
  compareMinSamples?: number;
  /** Samples needed for a percentile: p99.9 needs 1000 (product.md). */
  percentileMinSamples?: { p50: number; p99: number; p999: number };
  /** Smallest CPU difference between the cohorts that counts (default: the registry's floor). */
  cpuMinDifferencePct?: number;
  /** Smallest memory difference between the cohorts that counts (default: the registry's floor). */
  memoryMinDifferenceBytes?: number;
  leakMinPoints?: number;
  anomalyMinPoints?: number;
  anomalyThreshold?: number;
}

export const MEASURE_DEFAULTS: Required<MeasureOptions> = {
  clockSkewMs: 60_000,
  confLevel: 0.98,
  degradationMinSamples: 20,
  compareMinSamples: 50,
  percentileMinSamples: { p50: 5, p99: 20, p999: 1000 },
  cpuMinDifferencePct: comparedQuantity('compare.cpu_overhead_pct').noiseFloor,
  memoryMinDifferenceBytes: comparedQuantity('compare.memory_overhead_pct').noiseFloor,
  leakMinPoints: 6,
  anomalyMinPoints: 10,
  anomalyThreshold: 3.5,
};

export interface JudgeContext {
  plan: Plan;
  /** Monitoring start (T+0), ms. */
  startMs: number;
  /** Planned end of the wave (extendWave moves it); default startMs + plan.wave.duration. */
  endMs?: number;
  options?: MeasureOptions;
}

export interface Scope {
  role: Role;
  /** Narrow to these agents (a cluster, one agent). */
  agents?: string[];
}

export const TEST_SCOPE: Scope = { role: 'test' };
export const CONTROL_SCOPE: Scope = { role: 'control' };

export interface Calc {
  ctx: JudgeContext;
  plan: Plan;
  opts: Required<MeasureOptions>;
  scope: Scope;
  sel: WindowSelection;
  agentNames: string[];
  /** host/agent keys the plan expects in scope. */
  expected: { host: string; agent: string }[];
  inScope: (x: { agent: string; role: Role }) => boolean;
  endMs: number;
  /** Per-call cache of shared intermediate results (samples per instance, restart events). */
  memo: Map<string, unknown>;
  /** The judge's measure() with this context, for metrics built from other metrics (clusters). */
  remeasure: (history: readonly Observation[], window: WindowKind, scope: Scope, only: readonly MetricName[]) => Measurements;
}

export function memo<T>(c: Calc, key: string, f: () => T): T {
  if (!c.memo.has(key)) c.memo.set(key, f());
  return c.memo.get(key) as T;
}

export const fmtPct = (x: number) => `${+x.toFixed(4)} %`;

export function partial(m: Measurement, missing: string[], failed: string[], what = 'state'): Measurement {
  const notes = [m.note, missing.length ? `no ${what} reported for ${missing.join(', ')}` : ''].filter(Boolean).join('; ');
  return { ...m, note: notes || undefined, error: failed.length ? `${what} not collected: ${failed.join(', ')}` : undefined };
}

export function instanceSamples(c: Calc) {
  return memo(c, 'samples', () => samplesByInstance(c.sel.history, (s) => c.inScope(s)));
}

export type RunState = boolean | 'nodata' | 'error';

/** Trailing run of observations (ending at the window's last) for which `test` is true; anything else breaks it. */
export function trailingRun(c: Calc, test: (o: Observation) => RunState, what: string): Measurement {
  const hist = c.sel.history.filter((o) => o.kind !== 'baseline' || o === c.sel.current);
  const cur = test(c.sel.current);
  if (cur === 'error') return { value: null, samples: 0, error: `not collected in the newest observation (${what})` };
  if (cur === 'nodata') return { value: null, samples: 0, note: `not reported in the newest observation (${what})` };
  let run = 0;
  for (let i = hist.length - 1; i >= 0; i--) {
    if (test(hist[i]) !== true) break;
    run++;
  }
  return { value: run, samples: run, note: run ? `${run} consecutive observation(s) ${what}` : `not ${what}` };
}

/** How a metric is measured: a function of the window selected (and, for clusters, all of history). */
export type MeasureFn = (c: Calc, history: readonly Observation[]) => Measurement;
/** One family's measurements, keyed by the registry's names. */
export type Measures<N extends MetricName = MetricName> = Record<N, MeasureFn>;

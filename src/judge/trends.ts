// Trends across monitor samples and checkpoints: the memory slope per hour with its confidence
// interval and projected exhaustion (the leak test behind memory.leak_count, and the one memory-growth
// estimator), the latency change between two checkpoints, restart and error trends.
// Missing checkpoint data is a gap, never invented. A metric's better direction is in the registry
// (src/plan/metrics.ts).
import { isCheckpoint, type HostSample, type Observation } from './observations';
import { linearFit, type LinearFit } from './stats/regression';
import { mannWhitneyU } from './stats/mann-whitney';
import { hodgesLehmann } from './stats/hodges-lehmann';
import { isActive, samplesByInstance, type TimedSample } from './uptime';

const HOUR = 3_600_000;

// ---- memory slope and leak ------------------------------------------------------------------------

export interface MemoryTrend {
  points: number;
  slopeBytesPerHour: number | null;
  lowerBytesPerHour: number | null;
  upperBytesPerHour: number | null;
  confLevel: number;
  /** The slope's confidence interval is above zero. */
  confident: boolean;
  /** When the host's free memory would be used up at the fitted slope; null when not growing or unknown. */
  projectedExhaustionAt: number | null;
  /** true: confident growth exhausting the host before the wave ends; null: cannot tell. */
  leak: boolean | null;
  note: string;
}

/** One memory reading of an instance: `hours` on the caller's clock; `run` changes when the unit restarts. */
export interface GrowthPoint {
  hours: number;
  memoryBytes: number | null;
  active: boolean;
  run: number | string | null;
}

/**
 * The memory-growth estimator (the leak test and the reports' memory trends both use it): the
 * readings of the instance's current run — active, with memory, since its last restart (a restart
 * resets memory) — fitted by least squares, the slope per hour with its confidence interval.
 * `fit` is null with fewer than 3 readings in the run.
 */
export function memoryGrowth(points: readonly GrowthPoint[], confLevel = 0.98): { points: number; fit: LinearFit | null } {
  const known = points.filter((p) => p.active && p.memoryBytes !== null);
  const last = known[known.length - 1];
  const run = last ? known.filter((p) => p.run === last.run) : [];
  if (run.length === 0) return { points: 0, fit: null };
  const h0 = run[0].hours;
  return { points: run.length, fit: linearFit(run.map((p) => p.hours - h0), run.map((p) => p.memoryBytes as number), confLevel) };
}

/**
 * Fits memory over time for one instance's current run (memoryGrowth) and projects the host's free
 * memory to exhaustion.
 */
export function memoryLeak(
  samples: readonly TimedSample[],
  host: HostSample | null,
  nowMs: number,
  endMs: number,
  opts: { minPoints?: number; confLevel?: number } = {},
): MemoryTrend {
  const minPoints = opts.minPoints ?? 6;
  const confLevel = opts.confLevel ?? 0.98;
  const growth = memoryGrowth(
    samples.filter((s) => s.at <= nowMs).map((s) => ({ hours: (s.at - nowMs) / HOUR, memoryBytes: s.memoryBytes, active: isActive(s), run: s.activeEnterTimestamp })),
    confLevel,
  );
  const empty: MemoryTrend = { points: growth.points, slopeBytesPerHour: null, lowerBytesPerHour: null, upperBytesPerHour: null, confLevel, confident: false, projectedExhaustionAt: null, leak: null, note: '' };
  if (growth.points < minPoints) return { ...empty, note: `${growth.points} memory samples since the last start (need ${minPoints})` };
  const fit = growth.fit;
  if (!fit) return { ...empty, note: 'memory samples at a single instant' };
  const trend: MemoryTrend = {
    ...empty,
    slopeBytesPerHour: fit.slope,
    lowerBytesPerHour: fit.lower,
    upperBytesPerHour: fit.upper,
    confident: fit.lower > 0,
  };
  const mib = (b: number) => `${(b / 1024 / 1024).toFixed(2)} MiB`;
  const slopeText = `${mib(fit.slope)}/h [${mib(fit.lower)}, ${mib(fit.upper)}] (${Math.round(confLevel * 100)} % CI, ${growth.points} points)`;
  if (!trend.confident) return { ...trend, leak: false, note: `no confident growth: ${slopeText}` };
  if (!host || host.memoryTotalBytes == null || host.memoryUsedPct === null) return { ...trend, note: `growing ${slopeText}; host memory size unknown: cannot project` };
  const free = host.memoryTotalBytes * (1 - host.memoryUsedPct / 100);
  const projectedExhaustionAt = nowMs + (free / fit.slope) * HOUR;
  const leak = projectedExhaustionAt <= endMs;
  return {
    ...trend,
    projectedExhaustionAt,
    leak,
    note: `growing ${slopeText}; ${mib(free)} free on ${host.host} → exhausted ${new Date(projectedExhaustionAt).toISOString()}, ${leak ? 'before' : 'after'} the wave ends (${new Date(endMs).toISOString()})`,
  };
}

// ---- checkpoint latency ----------------------------------------------------------------------------

export type TrendDirection = 'improving' | 'degrading' | 'stable' | 'unknown';

export interface LatencyComparison {
  agent: string;
  from: string;
  to: string;
  samples: { from: number; to: number };
  shiftMs: number | null;
  lowerMs: number | null;
  upperMs: number | null;
  pValue: number | null;
  significant: boolean | null;
}

/** Statistical significance of the latency change between two checkpoints' full probes, per agent. */
export function compareCheckpointLatency(a: Observation, b: Observation, agents: readonly string[], confLevel = 0.98): LatencyComparison[] {
  const name = (o: Observation) => (isCheckpoint(o) ? o.name : o.kind);
  return agents.map((agent) => {
    const x = b.probes.filter((p) => p.agent === agent).flatMap((p) => p.latenciesMs ?? []);
    const y = a.probes.filter((p) => p.agent === agent).flatMap((p) => p.latenciesMs ?? []);
    if (x.length < 2 || y.length < 2) return { agent, from: name(a), to: name(b), samples: { from: y.length, to: x.length }, shiftMs: null, lowerMs: null, upperMs: null, pValue: null, significant: null };
    const mw = mannWhitneyU(x, y);
    const hl = hodgesLehmann(x, y, confLevel);
    return { agent, from: name(a), to: name(b), samples: { from: y.length, to: x.length }, shiftMs: hl.estimate, lowerMs: hl.lower, upperMs: hl.upper, pValue: mw.pValue, significant: mw.pValue < 1 - confLevel };
  });
}

// ---- series with gaps ------------------------------------------------------------------------------

export interface SeriesPoint {
  at: number;
  value: number | null;
  /** No data here: a gap, shown as such. */
  gap?: boolean;
}

// ---- trend report ------------------------------------------------------------------------------------

export interface WindowCount {
  /** Checkpoint name (or "tick") ending the window. */
  window: string;
  from: number;
  to: number;
  value: number | null;
}

export interface TrendReport {
  memory: ({ instance: string } & MemoryTrend)[];
  /** Restarts seen per checkpoint window. */
  restarts: WindowCount[];
  /** Errors per checkpoint window, and the slope of errors per 5 minutes over monitor ticks. */
  errors: WindowCount[];
  errorSlopePerHour: { slope: number; lower: number; upper: number; direction: TrendDirection } | null;
  /** Memory per instance over time, with gaps where a sample is missing. */
  memorySeries: Record<string, SeriesPoint[]>;
}

export function trendReport(
  history: readonly Observation[],
  opts: { startMs: number; endMs: number; inScope: (x: { agent: string; role: 'test' | 'control' }) => boolean; hosts: readonly string[]; confLevel?: number; minPoints?: number },
): TrendReport {
  const all = [...history].sort((a, b) => a.at - b.at);
  const now = all.length ? all[all.length - 1].at : opts.startMs;
  const byInst = samplesByInstance(all, (s) => opts.inScope(s));
  const memory = [...byInst].map(([instance, samples]) => {
    const host = [...all].reverse().map((o) => o.hosts.find((h) => h.host === samples[0]?.host && h.reachable)).find((h) => h) ?? null;
    return { instance, ...memoryLeak(samples, host, now, opts.endMs, { confLevel: opts.confLevel, minPoints: opts.minPoints }) };
  });
  const memorySeries: Record<string, SeriesPoint[]> = {};
  for (const [instance, samples] of byInst)
    memorySeries[instance] = samples.map((s) => (s.memoryBytes === null || s.state === 'unknown' ? { at: s.at, value: null, gap: true } : { at: s.at, value: s.memoryBytes }));

  const cps = all.filter(isCheckpoint);
  const restarts: WindowCount[] = [];
  const errors: WindowCount[] = [];
  let from = opts.startMs;
  for (const cp of cps) {
    const inWin = all.filter((o) => o.at > from && o.at <= cp.at);
    let r = 0;
    for (const samples of byInst.values()) {
      const win = samples.filter((s) => s.at <= cp.at && s.state !== 'unknown');
      for (let i = 1; i < win.length; i++) {
        if (win[i].at <= from) continue;
        const p = win[i - 1];
        const s = win[i];
        const dN = s.nRestarts !== null && p.nRestarts !== null ? Math.max(0, s.nRestarts - p.nRestarts) : 0;
        const changed = s.activeEnterTimestamp !== null && p.activeEnterTimestamp !== null && s.activeEnterTimestamp !== p.activeEnterTimestamp;
        r += dN > 0 ? dN : changed || (isActive(p) && !isActive(s)) ? 1 : 0;
      }
    }
    restarts.push({ window: cp.name, from, to: cp.at, value: r });
    const errObs = cp.errors ? [cp] : inWin.filter((o) => o.errors);
    const counts = errObs.flatMap((o) => (o.errors ?? []).filter((e) => opts.inScope(e)).map((e) => e.count));
    errors.push({ window: cp.name, from, to: cp.at, value: counts.length === 0 || counts.some((c) => c === null) ? null : counts.reduce((s: number, c) => s + (c as number), 0) });
    from = cp.at;
  }

  const ticks = all.filter((o) => o.kind === 'tick' && o.errors && o.windowMs > 0);
  const pts = ticks
    .map((o) => {
      const c = (o.errors ?? []).filter((e) => opts.inScope(e)).map((e) => e.count);
      return c.some((x) => x === null) ? null : { at: o.at, v: ((c as number[]).reduce((s, x) => s + x, 0) * 300_000) / o.windowMs };
    })
    .filter((p): p is { at: number; v: number } => p !== null);
  const fit = pts.length >= 3 ? linearFit(pts.map((p) => (p.at - opts.startMs) / HOUR), pts.map((p) => p.v), opts.confLevel ?? 0.98) : null;
  const errorSlopePerHour = fit
    ? { slope: fit.slope, lower: fit.lower, upper: fit.upper, direction: (fit.lower > 0 ? 'degrading' : fit.upper < 0 ? 'improving' : 'stable') as TrendDirection }
    : null;
  return { memory, restarts, errors, errorSlopePerHour, memorySeries };
}

// Test vs control, and checkpoint vs the wave's T+0 baseline, through the canary judge — the
// spec's comparison metrics (error rate, latency, memory, CPU, uptime) as Kayenta-style metrics:
// latency is critical (a degradation vetoes); errors and uptime are counts judged by CLES.
// The result is the content of comparison.json; it informs, the plan's criteria decide.
import type { Plan } from '../plan/schema';
import { judgeCanary, type CanaryInput, type CanaryJudgeOptions, type CanaryJudgement, type CanaryMetricConfig } from './canary-judge';
import { isCheckpoint, type Observation, type Role } from './observations';
import { selectWindow, type WindowKind } from './windows';
import { isActive } from './uptime';

const MiB = 1024 * 1024;

export function comparisonMetrics(plan: Plan): Record<'latency' | 'errorRate' | 'memory' | 'cpu' | 'uptime', CanaryMetricConfig> {
  return {
    latency: { name: 'latency_ms', direction: 'increase', critical: true, effectSize: 'meanRatio', maxRelativeChange: 0.2, minAbsoluteDifference: plan.nats.probe.minLatencyDifferenceMs },
    errorRate: { name: 'error_rate_pct', direction: 'increase', effectSize: 'cles', clesMargin: 0.1, nanStrategy: 'remove' },
    memory: { name: 'memory_bytes', direction: 'increase', effectSize: 'meanRatio', maxRelativeChange: 0.1, minAbsoluteDifference: 10 * MiB },
    cpu: { name: 'cpu_pct', direction: 'increase', effectSize: 'meanRatio', maxRelativeChange: 0.05, minAbsoluteDifference: 1 },
    uptime: { name: 'active', direction: 'decrease', effectSize: 'cles', clesMargin: 0.05 },
  };
}

function cohort(obs: readonly Observation[], role: Role) {
  const agents = obs.flatMap((o) => o.agents.filter((a) => a.role === role && a.state !== 'unknown'));
  const latency = obs.flatMap((o) => o.probes.filter((p) => p.role === role).flatMap((p) => p.latenciesMs ?? []));
  const errorRate: number[] = [];
  for (const o of obs) {
    if (!o.errors || !o.messages) continue;
    for (const m of o.messages.filter((x) => x.role === role)) {
      const errs = o.errors.filter((e) => e.role === role && e.agent === m.agent && (m.host === undefined || e.host === m.host));
      if (m.messages === null || m.messages === 0 || errs.some((e) => e.count === null)) continue;
      errorRate.push((100 * errs.reduce((s, e) => s + (e.count as number), 0)) / m.messages);
    }
  }
  return {
    latency,
    errorRate,
    memory: agents.filter(isActive).map((a) => a.memoryBytes).filter((v): v is number => v !== null),
    cpu: agents.filter(isActive).map((a) => a.cpuPct).filter((v): v is number => v !== null),
    uptime: agents.map((a) => (isActive(a) ? 1 : 0)),
  };
}

/** Agents under test against control agents over a window (default: the newest checkpoint's). */
export function compareTestVsControl(plan: Plan, history: readonly Observation[], startMs: number, window: WindowKind = 'checkpoint', opts: CanaryJudgeOptions = {}): CanaryJudgement | null {
  const sel = selectWindow(history, window, startMs);
  if (!sel) return null;
  const obs = sel.inWindow.filter((o) => o.kind !== 'baseline');
  const t = cohort(obs, 'test');
  const c = cohort(obs, 'control');
  const cfg = comparisonMetrics(plan);
  const inputs: CanaryInput[] = (Object.keys(cfg) as (keyof typeof cfg)[]).map((k) => ({ config: cfg[k], test: t[k], control: c[k] }));
  return judgeCanary(inputs, opts);
}

/**
 * The newest checkpoint (its full probe and the agent samples of its window) against the T+0
 * baseline observation: latency, memory and CPU of the agents under test.
 */
export function compareToBaseline(plan: Plan, history: readonly Observation[], startMs: number, opts: CanaryJudgeOptions = {}): CanaryJudgement | null {
  const baseline = history.find((o) => o.kind === 'baseline');
  const sel = selectWindow(history, 'checkpoint', startMs);
  if (!baseline || !sel || !isCheckpoint(sel.current)) return null;
  const cur = cohort([sel.current], 'test');
  const base = cohort([baseline], 'test');
  const cfg = comparisonMetrics(plan);
  return judgeCanary(
    [
      { config: cfg.latency, test: cur.latency, control: base.latency },
      { config: cfg.memory, test: cohort(sel.inWindow, 'test').memory, control: base.memory },
      { config: cfg.cpu, test: cohort(sel.inWindow, 'test').cpu, control: base.cpu },
    ],
    { minSamples: 20, ...opts },
  );
}

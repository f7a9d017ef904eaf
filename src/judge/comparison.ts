// Test vs control through the canary judge — the only test-vs-control comparison: the reports render
// it. The spec's comparison metrics (error rate, latency, memory, CPU, uptime) as Kayenta-style
// metrics: latency is critical (a degradation vetoes); errors and uptime are counts judged by CLES.
// The absolute floors are the registry's (src/plan/metrics.ts).
// The result is the content of comparison.json; it informs, the plan's criteria decide.
import type { Plan } from '../plan/schema';
import { comparedQuantity, noiseFloor } from '../plan/metrics';
import { judgeCanary, type CanaryInput, type CanaryJudgeOptions, type CanaryJudgement, type CanaryMetricConfig } from './canary-judge';
import { type Observation, type Role } from './observations';
import { selectWindow, type WindowKind } from './windows';
import { isActive } from './uptime';

export function comparisonMetrics(plan: Plan): Record<'latency' | 'errorRate' | 'memory' | 'cpu' | 'uptime', CanaryMetricConfig> {
  return {
    latency: { name: 'latency_ms', direction: 'increase', critical: true, effectSize: 'meanRatio', maxRelativeChange: 0.2, minAbsoluteDifference: noiseFloor('probe.p50_ms', plan) },
    errorRate: { name: 'error_rate_pct', direction: 'increase', effectSize: 'cles', clesMargin: 0.1, nanStrategy: 'remove' },
    memory: { name: 'memory_bytes', direction: 'increase', effectSize: 'meanRatio', maxRelativeChange: 0.1, minAbsoluteDifference: comparedQuantity('compare.memory_overhead_pct').noiseFloor },
    cpu: { name: 'cpu_pct', direction: 'increase', effectSize: 'meanRatio', maxRelativeChange: 0.05, minAbsoluteDifference: comparedQuantity('compare.cpu_overhead_pct').noiseFloor },
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

// What the judge sees at a checkpoint beyond its criteria, for people to read (the reports' findings):
// memory trends and leaks and the error trend over the wave so far, anomalies and restarts inside the
// checkpoint's window, and the latency shift against the previous checkpoint that had a full probe.
// Only agents under test, as for the criteria. Pure: the same history gives the same analysis.
import type { Plan } from '../plan/schema';
import { detectAnomalies, type Anomaly } from './anomalies';
import { MEASURE_DEFAULTS } from './measure/context';
import { isCheckpoint, type Observation } from './observations';
import { compareCheckpointLatency, trendReport, type LatencyComparison, type TrendReport } from './trends';
import { restartEvents, samplesByInstance, type RestartEvent } from './uptime';
import { selectWindow } from './windows';

export interface CheckpointAnalysis {
  /** Over the wave up to the checkpoint. */
  trends: TrendReport;
  /** Inside the checkpoint's window (since the previous checkpoint). */
  anomalies: Anomaly[];
  restarts: RestartEvent[];
  /** Against the previous checkpoint with probe latencies; empty when there is none. */
  latency: LatencyComparison[];
  /** The plan's minimum latency difference that matters. */
  minLatencyDifferenceMs: number;
}

export interface AnalysisContext {
  plan: Plan;
  /** Monitoring start (T+0), ms. */
  startMs: number;
  /** Planned end of the wave (leak projection); default startMs + plan.wave.duration. */
  endMs?: number;
}

const underTest = (x: { role: string }) => x.role === 'test';

/** The analysis at the newest checkpoint of `history`; null when the history holds no checkpoint. */
export function analyseCheckpoint(ctx: AnalysisContext, history: readonly Observation[]): CheckpointAnalysis | null {
  const win = selectWindow(history, 'checkpoint', ctx.startMs);
  if (!win) return null;
  const { plan, startMs } = ctx;
  const d = MEASURE_DEFAULTS;
  const hosts = plan.hosts.map((h) => h.name);
  const trends = trendReport(win.history, { startMs, endMs: ctx.endMs ?? startMs + plan.wave.duration, inScope: underTest, hosts, confLevel: d.confLevel, minPoints: d.leakMinPoints });
  const anomalies = detectAnomalies(
    win.inWindow.filter((o) => o.kind !== 'baseline'),
    { inScope: underTest, hosts, minPoints: d.anomalyMinPoints, threshold: d.anomalyThreshold, minLatencyDifferenceMs: plan.nats.probe.minLatencyDifferenceMs },
  ).anomalies;
  const restarts = [...samplesByInstance(win.history, underTest).values()]
    .flatMap((samples) => restartEvents(samples, startMs, d.clockSkewMs))
    .filter((e) => e.seenAt > win.from && e.seenAt <= win.to);
  const earlier = win.history.filter(isCheckpoint).filter((o) => o.at < win.to);
  const withProbes = [...earlier].reverse().find((o) => o.probes.some((p) => (p.latenciesMs?.length ?? 0) > 0));
  const agents = plan.agents.underTest.map((a) => a.name);
  const latency = withProbes && win.checkpoint ? compareCheckpointLatency(withProbes, win.checkpoint, agents, d.confLevel) : [];
  return { trends, anomalies, restarts, latency, minLatencyDifferenceMs: plan.nats.probe.minLatencyDifferenceMs };
}

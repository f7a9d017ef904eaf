// The judge's trend, anomaly, leak, restart and latency output (src/judge/trends.ts, anomalies.ts,
// uptime.ts) as the checkpoint's findings. Scopes are "agent@host" for instances, the host name, or
// "wave". Pure.
import type { Finding } from '../artifacts/records/judgement';
import type { Anomaly } from '../judge/anomalies';
import type { LatencyComparison, TrendReport } from '../judge/trends';
import type { RestartEvent } from '../judge/uptime';
import { MiB } from '../plan/units';
import { iso, isoOrNull } from './readings';
import { instanceKey } from '../model/instance';

export interface JudgeFindingsInput {
  trends?: TrendReport | null;
  anomalies?: readonly Anomaly[] | null;
  restarts?: readonly RestartEvent[] | null;
  /** compareCheckpointLatency between two checkpoints. */
  latency?: readonly LatencyComparison[] | null;
  /** The plan's minimum latency difference that matters (nats.probe.minLatencyDifferenceMs). */
  minLatencyDifferenceMs?: number;
}

/** Instance series names of the anomaly detector: "memory network-expert@dgx-1", "load1 dgx-2", "errors/5min tdd-expert". */
function anomalyScope(series: string): string {
  const i = series.lastIndexOf(' ');
  return i < 0 ? series : series.slice(i + 1);
}

export function toFindings(input: JudgeFindingsInput): Finding[] {
  const out: Finding[] = [];
  for (const m of input.trends?.memory ?? []) {
    if (m.leak === true)
      out.push({ kind: 'leak', severity: 'critical', scope: m.instance, at: isoOrNull(m.projectedExhaustionAt), message: `memory leak: ${m.note}` });
    else if (m.confident && m.slopeBytesPerHour !== null)
      out.push({ kind: 'memory-growth', severity: 'warning', scope: m.instance, at: null, message: `memory growing ${(m.slopeBytesPerHour / MiB).toFixed(2)} MiB/h: ${m.note}` });
  }
  const slope = input.trends?.errorSlopePerHour;
  if (slope && slope.direction === 'degrading')
    out.push({ kind: 'trend', severity: 'warning', scope: 'wave', at: null, message: `errors per 5 minutes rising ${slope.slope.toFixed(3)}/h [${slope.lower.toFixed(3)}, ${slope.upper.toFixed(3)}]` });
  for (const a of input.anomalies ?? []) out.push({ kind: 'anomaly', severity: 'warning', scope: anomalyScope(a.series), at: iso(a.at), message: a.description });
  for (const e of input.restarts ?? [])
    out.push({
      kind: 'restart',
      severity: 'critical',
      scope: instanceKey(e.host, e.agent),
      at: iso(e.seenAt),
      message: `${e.kind === 'down' ? 'down' : `${e.count} restart(s)`}: ${e.detail}`,
    });
  const minDiff = input.minLatencyDifferenceMs ?? 5;
  for (const l of input.latency ?? [])
    if (l.significant && l.shiftMs !== null && l.shiftMs >= minDiff)
      out.push({
        kind: 'degradation',
        severity: 'warning',
        scope: l.agent,
        at: null,
        message: `latency ${l.from} → ${l.to} shifted +${l.shiftMs.toFixed(2)} ms [${(l.lowerMs ?? NaN).toFixed(2)}, ${(l.upperMs ?? NaN).toFixed(2)}] (p=${(l.pValue ?? NaN).toPrecision(3)}, ${l.samples.from}/${l.samples.to} samples)`,
      });
  return out;
}

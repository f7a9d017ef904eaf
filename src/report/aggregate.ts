// The checkpoint folders' JSON documents: comparison.json (test vs control at a checkpoint) and
// aggregate_metrics.json (the checkpoints aggregated). Pure: records in, objects out.
import { checkpointFolder } from '../artifacts/layout';
import { FILE_SCHEMA_VERSION } from '../artifacts/records/common';
import type { CheckpointRecord } from '../artifacts/records/checkpoint';
import type { MonitorSample } from '../artifacts/records/monitor';
import type { WaveRecord } from '../artifacts/records/wave';
import type { Plan } from '../plan/schema';
import { compareCheckpoints } from './compare';
import { isNum } from '../plan/units';
import { num } from './format';
import { comparisonOf, roleSummary } from './rollup';
import { instanceSeries, tickSeries } from './series';
import { max, mean, sum } from './stats';
import type { Timebase } from './trends-text';

/** comparison.json: test vs control at a checkpoint. */
export function renderComparisonJson(r: CheckpointRecord): object {
  const cmp = comparisonOf(r);
  return {
    schema: 'wavewatch.comparison',
    schemaVersion: FILE_SCHEMA_VERSION,
    wave: r.wave,
    checkpoint: r.checkpoint,
    collection: r.collection,
    collectedAt: r.finishedAt,
    source: r.comparison ? 'judge' : 'none',
    testAgents: roleSummary(r, 'test').agents,
    controlAgents: roleSummary(r, 'control').agents,
    rows: cmp.rows,
    ...(cmp.note ? { note: cmp.note } : {}),
    roles: { test: roleSummary(r, 'test'), control: roleSummary(r, 'control') },
  };
}

/** aggregate_metrics.json: all checkpoints aggregated, the wave's statistics, and the checkpoint comparison. */
export function renderAggregateMetrics(plan: Plan, checkpoints: CheckpointRecord[], samples: MonitorSample[], wave: WaveRecord | null, tb: Timebase): object {
  const monitoringStart = tb.monitoringStart;
  const cmp = compareCheckpoints(checkpoints, plan);
  const last = checkpoints[checkpoints.length - 1];
  const testRoll = checkpoints.map((c) => roleSummary(c, 'test'));
  const errors = sum(testRoll.map((r) => num(r.errors)));
  const messages = sum(testRoll.map((r) => num(r.messages)));
  const sent = sum(checkpoints.flatMap((c) => c.probes.filter((p) => p.role === 'test').map((p) => p.sent)));
  const received = sum(checkpoints.flatMap((c) => c.probes.filter((p) => p.role === 'test').map((p) => p.received)));
  const inst = instanceSeries(samples, tb.timeScale);
  const ticks = tickSeries(samples, 'test');
  return {
    schema: 'wavewatch.aggregate-metrics',
    schemaVersion: FILE_SCHEMA_VERSION,
    wave: plan.wave.name,
    waveId: wave?.waveId ?? last?.waveId ?? null,
    monitoringStart,
    through: last?.finishedAt ?? null,
    verdict: wave?.verdict ?? null,
    checkpoints: checkpoints.map((c) => ({
      checkpoint: c.checkpoint,
      collection: c.collection,
      folder: checkpointFolder(c.checkpoint, c.collection),
      finishedAt: c.finishedAt,
      verdict: c.verdict,
      headline: c.headline,
      roles: { test: roleSummary(c, 'test'), control: roleSummary(c, 'control') },
    })),
    totals: {
      note: 'sums over the checkpoint windows (each measures since the previous checkpoint); uptime and memory trends from the monitor samples; memory slopes per hour of plan time',
      timeScale: tb.timeScale,
      errors,
      messages,
      errorRatePct: errors !== null && messages ? (errors / messages) * 100 : null,
      probesSent: sent,
      probesReceived: received,
      deliveryPct: sent ? ((received ?? 0) / sent) * 100 : null,
      latencyP50MsMax: max(testRoll.map((r) => num(r.latencyP50MsMax))),
      latencyP99MsMax: max(testRoll.map((r) => num(r.latencyP99MsMax))),
      latencyP50MsMean: mean(testRoll.map((r) => num(r.latencyP50MsMax))),
      restarts: last ? num(roleSummary(last, 'test').restarts) : null,
      load1Max: max(checkpoints.flatMap((c) => c.hosts.map((h) => num(h.load1)))),
      memoryUsedPctMax: max(checkpoints.flatMap((c) => c.hosts.map((h) => num(h.memory.usedPct)))),
      dualPublishPctMin: min0(checkpoints.map((c) => num(c.nats.dualPublishPct))),
      agentRefPctMin: min0(checkpoints.map((c) => num(c.nats.agentRefPct))),
      monitorSamples: samples.length,
      tickErrors: sum(ticks.map((t) => t.errors)),
      instances: inst.map((s) => ({
        instance: s.key,
        role: s.role,
        uptimePct: s.uptimePct,
        memoryBytesMin: minOf(s.points.map((p) => p.memoryBytes)),
        memoryBytesMax: max(s.points.map((p) => p.memoryBytes)),
        memorySlopeBytesPerHour: s.memorySlopePerHour,
        memoryR2: s.memoryR2,
      })),
    },
    testVsControl: last ? comparisonOf(last) : null,
    checkpointComparison: cmp,
    criteria: wave?.criteria.length ? wave.criteria : last?.criteria ?? [],
    alerts: wave?.alerts ?? [],
  };
}

function min0(v: (number | null)[]): number | null {
  const x = v.filter(isNum);
  return x.length ? Math.min(...x) : null;
}
const minOf = min0;

// Checkpoint comparison (the spec's compare-checkpoints): the same metrics at each checkpoint,
// deltas, direction (improving / degrading / stable), and significance where counts allow a test.
import type { CheckpointRecord } from '../artifacts/types';
import type { Plan } from '../plan/schema';
import { isNum, num, type Unit } from './format';
import { headline, roleSummary } from './rollup';
import { delta, max, twoProportionZTest, type Direction } from './stats';

export interface MetricDef {
  key: string;
  label: string;
  unit: Unit;
  better: 'lower' | 'higher';
  /** Absolute change below which a difference is noise. */
  absMin: number;
  value(r: CheckpointRecord): number | null;
  /** Successes and trials for a two-proportion test between two checkpoints, when the metric is a rate of counts. */
  counts?(r: CheckpointRecord): { x: number; n: number } | null;
}

export function comparedMetrics(plan: Plan | null): MetricDef[] {
  const latencyMin = plan?.nats.probe.minLatencyDifferenceMs ?? 5;
  const test = (r: CheckpointRecord) => roleSummary(r, 'test');
  return [
    { key: 'uptime_pct', label: 'Agent uptime (min)', unit: 'pct', better: 'higher', absMin: 0.01, value: (r) => num(headline(r).uptimePct) },
    { key: 'restarts', label: 'Restarts (test)', unit: 'count', better: 'lower', absMin: 0, value: (r) => num(test(r).restarts) },
    {
      key: 'error_rate_pct',
      label: 'Error rate',
      unit: 'pct',
      better: 'lower',
      absMin: 0.01,
      value: (r) => num(test(r).errorRatePct),
      counts: (r) => {
        const t = test(r);
        const x = num(t.errors);
        const n = num(t.messages);
        return x !== null && n !== null && n > 0 ? { x, n } : null;
      },
    },
    { key: 'errors', label: 'Errors (test)', unit: 'count', better: 'lower', absMin: 0, value: (r) => num(test(r).errors) },
    {
      key: 'delivery_pct',
      label: 'Message delivery',
      unit: 'pct',
      better: 'higher',
      absMin: 0,
      value: (r) => num(test(r).deliveryPct),
      counts: (r) => {
        const probes = r.probes.filter((p) => p.role === 'test');
        const n = probes.reduce((s, p) => s + p.sent, 0);
        return n > 0 ? { x: probes.reduce((s, p) => s + p.received, 0), n } : null;
      },
    },
    { key: 'latency_p50_ms', label: 'Latency p50 (worst agent)', unit: 'ms', better: 'lower', absMin: latencyMin, value: (r) => num(test(r).latencyP50MsMax) },
    { key: 'latency_p99_ms', label: 'Latency p99 (worst agent)', unit: 'ms', better: 'lower', absMin: latencyMin, value: (r) => num(test(r).latencyP99MsMax) },
    { key: 'memory_bytes', label: 'Memory per instance (mean)', unit: 'bytes', better: 'lower', absMin: 16 * 1024 * 1024, value: (r) => num(test(r).memoryBytesMean) },
    { key: 'cpu_pct', label: 'CPU per instance (mean)', unit: 'pct', better: 'lower', absMin: 1, value: (r) => num(test(r).cpuPctMean) },
    { key: 'dual_publish_pct', label: 'Dual publishing', unit: 'pct', better: 'higher', absMin: 0.1, value: (r) => num(r.nats.dualPublishPct) },
    { key: 'agent_ref_pct', label: 'Agent-ref traffic', unit: 'pct', better: 'higher', absMin: 0.5, value: (r) => num(r.nats.agentRefPct) },
    { key: 'load1_max', label: 'System load (max)', unit: 'load', better: 'lower', absMin: 0.2, value: (r) => max(r.hosts.map((h) => num(h.load1))) },
    { key: 'memory_used_pct_max', label: 'Host memory used (max)', unit: 'pct', better: 'lower', absMin: 1, value: (r) => max(r.hosts.map((h) => num(h.memory.usedPct))) },
    { key: 'disk_used_pct_max', label: 'Disk used (max)', unit: 'pct', better: 'lower', absMin: 1, value: (r) => max(r.hosts.map((h) => num(h.disk.usedPct))) },
  ];
}

export interface ComparisonLine {
  key: string;
  label: string;
  unit: Unit;
  /** One value per checkpoint, in checkpoint order. */
  values: (number | null)[];
  /** Last checkpoint against the one before it. */
  delta: number | null;
  deltaPct: number | null;
  direction: Direction;
  /** Last against first: the trend over all compared checkpoints. */
  overall: Direction;
  /** p-value of the last change when the metric is a rate of counts; null when not testable. */
  pValue: number | null;
  significant: boolean | null;
}

export interface CheckpointComparison {
  checkpoints: string[];
  lines: ComparisonLine[];
}

/** Compares checkpoint records in the order given (oldest first). */
export function compareCheckpoints(records: CheckpointRecord[], plan: Plan | null): CheckpointComparison {
  const lines = comparedMetrics(plan).map((m): ComparisonLine => {
    const values = records.map((r) => m.value(r));
    const n = values.length;
    const last = n >= 2 ? delta(values[n - 2], values[n - 1], m.better, { absMin: m.absMin }) : delta(null, null, m.better);
    const overall = n >= 2 ? delta(values[0], values[n - 1], m.better, { absMin: m.absMin }).direction : 'n/a';
    let pValue: number | null = null;
    let significant: boolean | null = null;
    if (m.counts && n >= 2) {
      const a = m.counts(records[n - 2]);
      const b = m.counts(records[n - 1]);
      const t = a && b ? twoProportionZTest(a.x, a.n, b.x, b.n) : null;
      if (t) {
        pValue = t.p;
        significant = t.p < 0.05;
      } else if (a && b && isNum(last.delta) && last.delta === 0) {
        significant = false;
      }
    }
    // a change that a test calls noise is not a direction
    const direction = significant === false && last.direction !== 'n/a' ? 'stable' : last.direction;
    return { key: m.key, label: m.label, unit: m.unit, values, delta: last.delta, deltaPct: last.deltaPct, direction, overall, pValue, significant };
  });
  return { checkpoints: records.map((r) => (r.collection ? `${r.checkpoint}.recollect-${r.collection}` : r.checkpoint)), lines };
}

// Checkpoint comparison (the spec's compare-checkpoints): the same metrics at each checkpoint,
// deltas, direction (improving / degrading / stable), and significance where counts allow a test.
// What each row is about (unit, better direction, noise floor) is the metric registry's.
import type { CheckpointRecord } from '../artifacts/records/checkpoint';
import type { Plan } from '../plan/schema';
import { comparedQuantity, metricFacts, noiseFloor, type MetricName, type MetricUnit } from '../plan/metrics';
import { comparisonRowUnit } from '../observe/control-comparison';
import { isNum } from '../plan/units';
import { num, type Unit } from './format';
import { roleSummary } from './rollup';
import { delta, max, type Direction } from './stats';
import { twoProportionZTest } from '../judge/stats/two-proportion';

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

/** The registry's unit as the report formats it (a rate and seconds print as plain numbers). */
export function reportUnit(u: MetricUnit): Unit {
  return u === 'rate' || u === 'seconds' ? 'plain' : u;
}

/** How a test-vs-control row (comparison.json) is formatted: the unit of its registry metric. */
export function comparisonRowFormat(rowMetric: string): Unit {
  return reportUnit(comparisonRowUnit(rowMetric));
}

type Row = Pick<MetricDef, 'key' | 'label' | 'value' | 'counts'>;

/** A registry metric's better direction, noise floor and unit, as a report's row of changes needs them. */
export function rowFacts(metric: MetricName, plan: Plan | null = null): [better: 'lower' | 'higher', absMin: number, unit: Unit] {
  const f = metricFacts(metric);
  if (f.better === 'none') throw new Error(`${metric} has no better direction: a change of it is neither better nor worse`);
  return [f.better, noiseFloor(metric, plan), reportUnit(f.unit)];
}

/** The same for the per-instance quantity a test-vs-control metric compares (memory, CPU per instance). */
export function quantityFacts(metric: 'compare.cpu_overhead_pct' | 'compare.memory_overhead_pct'): [better: 'lower' | 'higher', absMin: number, unit: Unit] {
  const q = comparedQuantity(metric);
  const [better] = rowFacts(metric);
  return [better, q.noiseFloor, reportUnit(q.unit)];
}

/** A row about a registry metric: unit, better direction and noise floor are the registry's. */
function ofMetric(metric: MetricName, plan: Plan | null, row: Row): MetricDef {
  const [better, absMin, unit] = rowFacts(metric, plan);
  return { ...row, unit, better, absMin };
}

/** A row about the per-instance quantity a test-vs-control metric compares. */
function ofQuantity(metric: 'compare.cpu_overhead_pct' | 'compare.memory_overhead_pct', row: Row): MetricDef {
  const [better, absMin, unit] = quantityFacts(metric);
  return { ...row, unit, better, absMin };
}

/** The report's rows; each row's unit, direction and noise floor come from the metric registry (src/plan/metrics.ts). */
export function comparedMetrics(plan: Plan | null): MetricDef[] {
  const test = (r: CheckpointRecord) => roleSummary(r, 'test');
  return [
    ofMetric('agents.uptime_pct', plan, { key: 'uptime_pct', label: 'Agent uptime (min)', value: (r) => num(r.headline.uptimePct) }),
    ofMetric('agents.restarts', plan, { key: 'restarts', label: 'Restarts (test)', value: (r) => num(test(r).restarts) }),
    ofMetric('errors.rate_pct', plan, {
      key: 'error_rate_pct',
      label: 'Error rate',
      value: (r) => num(test(r).errorRatePct),
      counts: (r) => {
        const t = test(r);
        const x = num(t.errors);
        const n = num(t.messages);
        return x !== null && n !== null && n > 0 ? { x, n } : null;
      },
    }),
    ofMetric('errors.count', plan, { key: 'errors', label: 'Errors (test)', value: (r) => num(test(r).errors) }),
    ofMetric('probe.delivery_pct', plan, {
      key: 'delivery_pct',
      label: 'Message delivery',
      value: (r) => num(test(r).deliveryPct),
      counts: (r) => {
        const probes = r.probes.filter((p) => p.role === 'test');
        const n = probes.reduce((s, p) => s + p.sent, 0);
        return n > 0 ? { x: probes.reduce((s, p) => s + p.received, 0), n } : null;
      },
    }),
    ofMetric('probe.p50_ms', plan, { key: 'latency_p50_ms', label: 'Latency p50 (worst agent)', value: (r) => num(test(r).latencyP50MsMax) }),
    ofMetric('probe.p99_ms', plan, { key: 'latency_p99_ms', label: 'Latency p99 (worst agent)', value: (r) => num(test(r).latencyP99MsMax) }),
    ofQuantity('compare.memory_overhead_pct', { key: 'memory_bytes', label: 'Memory per instance (mean)', value: (r) => num(test(r).memoryBytesMean) }),
    ofQuantity('compare.cpu_overhead_pct', { key: 'cpu_pct', label: 'CPU per instance (mean)', value: (r) => num(test(r).cpuPctMean) }),
    ofMetric('nats.dual_publish_pct', plan, { key: 'dual_publish_pct', label: 'Dual publishing', value: (r) => num(r.nats.dualPublishPct) }),
    ofMetric('nats.agent_ref_pct', plan, { key: 'agent_ref_pct', label: 'Agent-ref traffic', value: (r) => num(r.nats.agentRefPct) }),
    ofMetric('system.load1_max', plan, { key: 'load1_max', label: 'System load (max)', value: (r) => max(r.hosts.map((h) => num(h.load1))) }),
    ofMetric('system.memory_used_pct_max', plan, { key: 'memory_used_pct_max', label: 'Host memory used (max)', value: (r) => max(r.hosts.map((h) => num(h.memory.usedPct))) }),
    ofMetric('system.disk_used_pct_max', plan, { key: 'disk_used_pct_max', label: 'Disk used (max)', value: (r) => max(r.hosts.map((h) => num(h.disk.usedPct))) }),
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

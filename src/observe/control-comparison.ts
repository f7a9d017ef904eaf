// The judge's test-vs-control output (src/judge/comparison.ts compareTestVsControl, a Kayenta-style
// CanaryJudgement) as the checkpoint's ControlComparison (comparison.json, the emails, the report).
// Pure.
import type { CanaryJudgement, MetricJudgement } from '../judge/canary-judge';
import type { ComparisonRow, ControlComparison } from '../artifacts/records/judgement';
import type { Reading } from '../artifacts/records/common';
import { comparedQuantity, metricFacts, type MetricUnit } from '../plan/metrics';
import { isNum, reading } from './readings';

/**
 * The canary metric names (comparison.ts comparisonMetrics) → the comparison rows' names, how each
 * side is summarised, and the registry metric (or compared quantity) whose unit the row has.
 */
const ROWS: Record<string, { metric: string; stat: 'median' | 'mean'; scale: number; what: string; unit: MetricUnit }> = {
  latency_ms: { metric: 'latency_p50_ms', stat: 'median', scale: 1, what: 'median probe latency', unit: metricFacts('probe.p50_ms').unit },
  error_rate_pct: { metric: 'error_rate_pct', stat: 'mean', scale: 1, what: 'mean error rate per agent and window', unit: metricFacts('errors.rate_pct').unit },
  memory_bytes: { metric: 'memory_bytes', stat: 'mean', scale: 1, what: 'mean memory per instance sample', unit: comparedQuantity('compare.memory_overhead_pct').unit },
  cpu_pct: { metric: 'cpu_pct', stat: 'mean', scale: 1, what: 'mean CPU per instance sample', unit: comparedQuantity('compare.cpu_overhead_pct').unit },
  active: { metric: 'uptime_pct', stat: 'mean', scale: 100, what: 'share of instance samples active', unit: metricFacts('agents.active_pct').unit },
};

/** The unit of a comparison row (by its name in comparison.json); a count when the row is unknown. */
export function comparisonRowUnit(rowMetric: string): MetricUnit {
  return Object.values(ROWS).find((r) => r.metric === rowMetric)?.unit ?? 'count';
}

const METHOD = 'Mann-Whitney U + Hodges-Lehmann CI + effect size (canary judge)';

function side(m: MetricJudgement, which: 'test' | 'control', stat: 'median' | 'mean', scale: number): Reading {
  const s = m[which];
  const v = s[stat];
  return reading(isNum(v) ? v * scale : null, s.n === 0 ? 'no samples' : `no ${stat}`, { samples: s.n });
}

function row(m: MetricJudgement): ComparisonRow {
  const def = ROWS[m.name] ?? { metric: m.name, stat: 'mean' as const, scale: 1, what: m.name, unit: 'count' as const };
  const test = side(m, 'test', def.stat, def.scale);
  const control = side(m, 'control', def.stat, def.scale);
  let deltaPct: Reading;
  if (test.value === null || control.value === null) deltaPct = { value: null, reason: m.classification === 'Nodata' ? m.reason || 'no data' : 'a side has no value' };
  else if (control.value === 0) deltaPct = { value: null, reason: 'control is 0: a relative change is undefined' };
  else deltaPct = { value: ((test.value - control.value) / Math.abs(control.value)) * 100, reason: `${def.what}; ${m.reason}` };
  const tested = m.classification !== 'Nodata';
  return {
    metric: def.metric,
    test,
    control,
    deltaPct,
    // A difference counts only when significance, effect size and the absolute minimum agree (product.md).
    significant: tested ? m.classification === 'High' || m.classification === 'Low' : null,
    method: tested ? METHOD : 'none',
    pValue: tested && isNum(m.pValue) ? Math.min(1, Math.max(0, m.pValue)) : null,
  };
}

/** null in, null out (no comparison at this checkpoint: the reports say so). */
export function toControlComparison(j: CanaryJudgement | null | undefined): ControlComparison | null {
  if (!j) return null;
  const rows = j.metrics.map(row);
  const noData = j.metrics.filter((m) => m.classification === 'Nodata').map((m) => ROWS[m.name]?.metric ?? m.name);
  const note = [
    `canary judge: score ${j.score === null ? 'n/a' : j.score.toFixed(1)} (${j.classification})${j.vetoedBy.length ? `, vetoed by ${j.vetoedBy.join(', ')}` : ''}`,
    `${Math.round(j.confLevel * 100)} % confidence, at least ${j.minSamples} samples per side`,
    'significant = a change with evidence (significance, effect size and absolute minimum agree)',
    noData.length ? `no data for ${noData.join(', ')}` : '',
  ].filter(Boolean).join('; ');
  return { rows, note };
}

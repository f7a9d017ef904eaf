// A plan rule (`metric op threshold`) judged against a measured value. The four outcomes follow
// Argo Rollouts: no data is inconclusive (never a pass), a collection error is an error (never a fail).
import type { PlanRule } from '../plan/schema';

export type RuleOutcome = 'pass' | 'fail' | 'inconclusive' | 'error' | 'waived';

/** One metric's value as measured, with what it rests on. */
export interface Measurement {
  /** null when there is no data to compute it from. */
  value: number | null;
  /** How many samples or units the value rests on (0 with null). */
  samples: number;
  /** Set when the data could not be collected; the rule is then an error, not a fail. */
  error?: string;
  /** Why the value is missing or what it is made of, for people. */
  note?: string;
}

export type Measurements = Partial<Record<PlanRule['metric'], Measurement>>;

export interface RuleResult {
  id: string;
  title: string;
  metric: string;
  op: string;
  threshold: number;
  window: string;
  outcome: RuleOutcome;
  value: number | null;
  samples: number;
  note?: string;
  waiver?: { reason: string; by: string };
}

export function compare(value: number, op: PlanRule['op'], threshold: number): boolean {
  switch (op) {
    case '<': return value < threshold;
    case '<=': return value <= threshold;
    case '>': return value > threshold;
    case '>=': return value >= threshold;
    case '==': return value === threshold;
    case '!=': return value !== threshold;
  }
}

/**
 * Judges a success criterion: pass when `value op threshold` holds. For alert and rollback rules the
 * same comparison means "fires"; `evaluateRule` reports the comparison's truth as pass/fail and the
 * caller reads it in its own sense (see `rulefires`).
 */
export function evaluateRule(rule: PlanRule, measurements: Measurements): RuleResult {
  const m = measurements[rule.metric];
  const base = { id: rule.id, title: rule.title, metric: rule.metric, op: rule.op, threshold: rule.threshold, window: rule.window };
  if (!m) return { ...base, outcome: 'inconclusive', value: null, samples: 0, note: 'no data: not collected yet' };
  if (m.error) return { ...base, outcome: 'error', value: null, samples: m.samples, note: m.error };
  if (m.value === null || !Number.isFinite(m.value))
    return { ...base, outcome: 'inconclusive', value: null, samples: m.samples, note: m.note ?? 'no data' };
  return { ...base, outcome: compare(m.value, rule.op, rule.threshold) ? 'pass' : 'fail', value: m.value, samples: m.samples, note: m.note };
}

/** An alert or rollback rule fires when its comparison holds on real data; no data never fires. */
export function ruleFires(rule: PlanRule, measurements: Measurements): RuleResult & { fires: boolean } {
  const r = evaluateRule(rule, measurements);
  return { ...r, fires: r.outcome === 'pass' };
}

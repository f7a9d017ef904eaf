// A plan rule (`metric op threshold`) judged against a measured value. The four outcomes follow
// Argo Rollouts: no data is inconclusive (never a pass), a collection error is an error (never a fail).
import type { PlanRule } from '../plan/schema';
import type { RuleOutcome, RuleResult } from '../model/rule-result';

// Declared with the model (src/model/rule-result.ts); re-exported for the judge's callers.
export type { RuleOutcome, RuleResult };

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
  /**
   * Set when part of the data is missing: the true value is at least (lower) or at most (upper)
   * `value`. A rule is then decided only when every value beyond the bound decides it the same way
   * (e.g. one host known down makes "inactive > 0" fire though another host is unreachable);
   * otherwise it is an error (with `error`) or inconclusive.
   */
  bound?: 'lower' | 'upper';
  /**
   * What a rollback criterion on this metric judges instead of this measurement, when one reading is
   * not enough to undo a wave: probe loss counts for a rollback only once confirmed (a re-probe lost
   * too, and more than the control agents; judge/measure/probes.ts). Alerts still judge the reading itself.
   */
  rollback?: Measurement;
  /** A reading that does not count for a rollback but should be looked at (e.g. loss on test and control alike: the rig or NATS). */
  warning?: string;
  /**
   * The value rests on watch events that were all over by the window's end: the first began at
   * startMs, the last ended at endMs. An alert firing on it fires and resolves in the same tick
   * (alerts.ts), naming the episode, since no later tick will see it.
   */
  over?: { startMs: number; endMs: number };
}

export type Measurements = Partial<Record<PlanRule['metric'], Measurement>>;

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
  const hasValue = m.value !== null && Number.isFinite(m.value);
  if (m.error && (!hasValue || !m.bound)) return { ...base, outcome: 'error', value: null, samples: m.samples, note: m.error };
  if (!hasValue) return { ...base, outcome: 'inconclusive', value: null, samples: m.samples, note: m.note ?? 'no data' };
  const value = m.value as number;
  const note = [m.note, m.error].filter(Boolean).join('; ') || undefined;
  if (m.bound) {
    const decided = decideWithBound(value, m.bound, rule.op, rule.threshold);
    if (decided === null)
      return { ...base, outcome: m.error ? 'error' : 'inconclusive', value, samples: m.samples, note: `${m.bound === 'lower' ? 'at least' : 'at most'} ${value}: undecided${note ? `; ${note}` : ''}` };
    return { ...base, outcome: decided ? 'pass' : 'fail', value, samples: m.samples, note: `${m.bound === 'lower' ? 'at least' : 'at most'} ${value}${note ? `; ${note}` : ''}` };
  }
  return { ...base, outcome: compare(value, rule.op, rule.threshold) ? 'pass' : 'fail', value, samples: m.samples, note };
}

/**
 * The comparison's truth when the true value is only known to be ≥ (lower) or ≤ (upper) `bound`:
 * true/false when every possible value gives the same answer, else null.
 */
export function decideWithBound(bound: number, kind: 'lower' | 'upper', op: PlanRule['op'], threshold: number): boolean | null {
  // the answers at the bound and at the far end (±∞) must agree, and for == / != the range must
  // exclude the threshold
  const far = kind === 'lower' ? Infinity : -Infinity;
  const includesThreshold = kind === 'lower' ? bound <= threshold : bound >= threshold;
  if (op === '==' || op === '!=') return includesThreshold ? null : op === '!=';
  const atBound = compare(bound, op, threshold);
  const atFar = compare(far, op, threshold);
  return atBound === atFar ? atBound : null;
}

/** An alert or rollback rule fires when its comparison holds on real data; no data never fires. */
export function ruleFires(rule: PlanRule, measurements: Measurements): RuleResult & { fires: boolean } {
  const r = evaluateRule(rule, measurements);
  return { ...r, fires: r.outcome === 'pass' };
}

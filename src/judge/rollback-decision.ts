// The rollback decision: the plan's rollback criteria evaluated on the measurements of the agents
// under test (control agents never trigger it: a rollback would not touch them), each decision with
// its evidence, and the action softened by the wave's policy (product.md, Semantics):
// auto = the plan as written; hold = every rollback becomes hold; observe = everything is observe.
import type { Plan, PlanRollbackCriterion, RuleAction } from '../plan/schema';
import { ruleFires, type Measurements, type RuleResult } from './rules';
import type { WindowKind } from './windows';
import type { Policy } from '../model/vocabulary';
import type { Waiver } from './verdict';

const RANK: Record<RuleAction, number> = { observe: 0, page: 1, hold: 2, rollback: 3 };

/** The policy can only soften an action, never harden it. */
export function effectiveAction(action: RuleAction, policy: Policy): RuleAction {
  if (policy === 'observe') return 'observe';
  if (policy === 'hold' && action === 'rollback') return 'hold';
  return action;
}

export function strongest(actions: readonly RuleAction[]): RuleAction | 'none' {
  let best: RuleAction | 'none' = 'none';
  for (const a of actions) if (best === 'none' || RANK[a] > RANK[best]) best = a;
  return best;
}

export interface RollbackTrigger {
  rule: string;
  title: string;
  window: WindowKind;
  plannedAction: RuleAction;
  action: RuleAction;
  result: RuleResult;
  /** For people (the incident email, the status, the decision document). */
  evidence: string;
}

export interface RollbackDecision {
  /** The strongest effective action among the criteria that fired; 'none' when none fired. */
  action: RuleAction | 'none';
  policy: Policy;
  triggers: RollbackTrigger[];
  /** Criteria that could not be judged (no data or a collection error): never a trigger. */
  undecided: RuleResult[];
  /** Readings a criterion's metric showed that do not count for a rollback (e.g. unconfirmed probe loss): for people. */
  warnings: string[];
  reason: string;
}

export function evidenceOf(r: RuleResult): string {
  return `${r.title}: ${r.metric} = ${r.value ?? 'n/a'} (${r.op} ${r.threshold}, ${r.window} window, ${r.samples} samples)${r.note ? ` — ${r.note}` : ''}`;
}

/** The measurements a rollback criterion on `metric` judges: the metric's `rollback` measurement when it has one (confirmed probe loss), else its reading. */
export function forRollback(measurements: Measurements, metric: PlanRollbackCriterion['metric']): Measurements {
  const own = measurements[metric];
  return own?.rollback ? { ...measurements, [metric]: own.rollback } : measurements;
}

export interface DecideOptions {
  /** The criteria to judge (default: the plan's rollback criteria). */
  criteria?: readonly PlanRollbackCriterion[];
  /** Criteria an operator waived: when one fires it is a warning with its waiver, never a trigger. */
  waivers?: readonly Waiver[];
}

/**
 * Evaluates every rollback criterion on the measurements of its window (agents under test).
 * A window not given is not judged now (e.g. no checkpoint yet). A waived criterion does not roll
 * the wave back: the waiver is the operator saying "I know, go on", and the wave verdict already
 * discounts it (judgeWave); a rollback it had waived would contradict the verdict.
 */
export function decideRollback(
  plan: Plan,
  measurements: Partial<Record<WindowKind, Measurements>>,
  policy: Policy = 'auto',
  { criteria = plan.rollback.criteria, waivers = [] }: DecideOptions = {},
): RollbackDecision {
  const triggers: RollbackTrigger[] = [];
  const undecided: RuleResult[] = [];
  const warnings: string[] = [];
  for (const rule of criteria) {
    const all = measurements[rule.window];
    if (!all) continue;
    const m = forRollback(all, rule.metric);
    const warning = m[rule.metric]?.warning;
    if (warning) warnings.push(`${rule.title}: ${warning}`);
    const r = ruleFires(rule, m);
    const waiver = r.fires ? [...waivers].reverse().find((w) => w.criterion === rule.id) : undefined;
    if (waiver) warnings.push(`${rule.title}: fired but waived by ${waiver.by} (${waiver.reason}): ${evidenceOf(r)}`);
    else if (r.fires) {
      const action = effectiveAction(rule.action, policy);
      triggers.push({ rule: rule.id, title: rule.title, window: rule.window, plannedAction: rule.action, action, result: r, evidence: evidenceOf(r) });
    } else if (r.outcome === 'inconclusive' || r.outcome === 'error') undecided.push(r);
  }
  const action = strongest(triggers.map((t) => t.action));
  const reason = triggers.length
    ? `${action}${policy !== 'auto' ? ` (policy ${policy})` : ''}: ${triggers.map((t) => t.evidence).join('; ')}`
    : `no rollback criterion fired${undecided.length ? ` (${undecided.length} undecided: ${undecided.map((u) => u.id).join(', ')})` : ''}${warnings.length ? `; warning: ${warnings.join('; ')}` : ''}`;
  return { action, policy, triggers, undecided, warnings, reason };
}

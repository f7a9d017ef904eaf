// One test per rule of plans/wave2.yaml (criteria, alert rules, rollback criteria): on crafted data
// each rule passes on a healthy wave, fails (or, for alert and rollback rules, fires) when its data
// is broken, and is inconclusive when its data is missing — never a pass without data.
import { measure } from '../../src/judge/measure';
import { TEST_SCOPE } from '../../src/judge/measure/context';
import { evaluateRule } from '../../src/judge/rules';
import { forRollback } from '../../src/judge/rollback-decision';
import type { PlanRule } from '../../src/plan/schema';
import { ctx, healthyHistory, HOUR, plan, checkpointAt } from './fixtures';
import { CASES, type Case, type Mut } from './breaches';

const rollbackIds = new Set(plan.rollback.criteria.map((r) => r.id));

function judgeAt(rule: PlanRule, at: number, mut?: Mut) {
  const h = healthyHistory(at);
  mut?.(h);
  const m = measure(ctx, h, rule.window, TEST_SCOPE, [rule.metric]);
  // a rollback criterion judges what decideRollback judges (confirmed probe loss)
  return evaluateRule(rule, rollbackIds.has(rule.id) ? forRollback(m, rule.metric) : m);
}

const when = (rule: PlanRule, c: Case) => c.at ?? ('checkpoints' in rule && rule.checkpoints.length ? checkpointAt(rule.checkpoints[0]) : 2 * HOUR);

describe('every rule of plans/wave2.yaml has a case', () => {
  test('criteria, alerts and rollback criteria', () => {
    const ids = [...plan.criteria, ...plan.alerts, ...plan.rollback.criteria].map((r) => r.id);
    expect(ids.filter((id) => !CASES[id])).toEqual([]);
    expect(ids.length).toBeGreaterThanOrEqual(40);
  });
});

describe.each(plan.criteria.map((r) => [r.id, r] as const))('criterion %s', (id, rule) => {
  const c = CASES[id];
  test('passes on a healthy wave', () => expect(judgeAt(rule, when(rule, c))).toMatchObject({ outcome: 'pass' }));
  test('fails on broken data', () => expect(judgeAt(rule, when(rule, c), c.fail)).toMatchObject({ outcome: 'fail' }));
  test('is inconclusive without data', () => expect(judgeAt(rule, when(rule, c), c.inconclusive)).toMatchObject({ outcome: 'inconclusive' }));
});

describe.each([...plan.alerts, ...plan.rollback.criteria].map((r) => [r.id, r] as const))('rule %s', (id, rule) => {
  const c = CASES[id];
  // for alert and rollback rules the comparison holding means "fires": pass = fires
  test('does not fire on a healthy wave', () => expect(judgeAt(rule, when(rule, c)).outcome).toBe('fail'));
  test('fires on broken data', () => expect(judgeAt(rule, when(rule, c), c.fail).outcome).toBe('pass'));
  test('is inconclusive without data (never fires)', () => expect(judgeAt(rule, when(rule, c), c.inconclusive).outcome).toBe('inconclusive'));
});

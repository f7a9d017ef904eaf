// The one checkpoint-verdict rule (judge/verdict.ts) on crafted criteria, where the report's former
// copy disagreed: a primary *error* is WARNING (not FAIL) and a firing alert does not change it; a
// checkpoint whose collection failed is recorded as missing data (errors → WARNING), not FAIL; one
// waiver check and one waiver rule, also used by the workflow.
import { applyWaivers, checkpointVerdict, checkpointVerdictReason, unjudgedCheckpoint, validateWaiver, type JudgedCriterion } from '../../src/judge/verdict';
import { plan } from './fixtures';

const base = { title: 't', metric: 'm', op: '<', threshold: 1, window: 'checkpoint', value: 0, samples: 1 };
const crit = (id: string, outcome: JudgedCriterion['outcome'], primary: boolean): JudgedCriterion => ({ ...base, id, outcome, primary, ...(outcome === 'error' ? { value: null, note: 'ssh timeout' } : {}) });

describe('checkpointVerdict', () => {
  test('PASS, WARNING, FAIL', () => {
    expect(checkpointVerdict([crit('a', 'pass', true)]).verdict).toBe('PASS');
    expect(checkpointVerdict([crit('a', 'inconclusive', true)]).verdict).toBe('WARNING');
    expect(checkpointVerdict([crit('a', 'fail', false)]).verdict).toBe('WARNING');
    expect(checkpointVerdict([crit('a', 'fail', true)]).verdict).toBe('FAIL');
  });

  test('a primary criterion in error is WARNING (no data is not a failure)', () => {
    const v = checkpointVerdict([crit('a', 'error', true)]);
    expect(v).toEqual({ verdict: 'WARNING', reasons: ['a error: ssh timeout'] });
  });

  test('the reason line', () => {
    expect(checkpointVerdictReason([])).toBe('every criterion passed');
    expect(checkpointVerdictReason(['x', 'y'])).toBe('x; y');
  });
});

describe('unjudgedCheckpoint: a checkpoint whose collection failed', () => {
  test('each criterion it lists is an error with the failure; the verdict is WARNING', () => {
    const listed = plan.criteria.filter((c) => c.checkpoints.includes('T+6h'));
    expect(listed.length).toBeGreaterThan(0);
    const j = unjudgedCheckpoint(plan, 'T+6h', 'collection failed after retries: boom');
    expect(j.verdict).toBe('WARNING');
    expect(j.criteria.map((c) => [c.id, c.outcome, c.value, c.note, c.primary])).toEqual(listed.map((c) => [c.id, 'error', null, 'collection failed after retries: boom', c.primary]));
    expect(j.rollbackFired).toEqual([]);
  });

  test('a checkpoint listing no criterion is still WARNING, saying why', () => {
    const j = unjudgedCheckpoint(plan, 'no-such-checkpoint', 'collection failed after retries: boom');
    expect(j).toMatchObject({ verdict: 'WARNING', criteria: [], reasons: ['no data: collection failed after retries: boom'] });
  });

  test('waivers apply as at any checkpoint', () => {
    const id = plan.criteria.find((c) => c.checkpoints.includes('T+6h'))!.id;
    const j = unjudgedCheckpoint(plan, 'T+6h', 'down', [{ criterion: id, reason: 'known outage', by: 'alice' }]);
    expect(j.criteria.find((c) => c.id === id)).toMatchObject({ outcome: 'waived', waiver: { reason: 'known outage', by: 'alice' } });
  });
});

describe('waivers', () => {
  test('a rollback criterion may be waived (the judge honours it), an unknown id may not', () => {
    expect(validateWaiver(plan, { criterion: plan.rollback.criteria[0].id, reason: 'planned restart' })).toBeNull();
    expect(validateWaiver(plan, { criterion: 'no-such-rule', reason: 'x' })).toMatch(/^unknown criterion "no-such-rule"/);
  });

  test('applyWaivers marks what it changed and keeps a pass', () => {
    const [w, p] = applyWaivers([crit('a', 'fail', true), crit('b', 'pass', true)], [{ criterion: 'a', reason: 'r', by: 'bob' }, { criterion: 'b', reason: 'r', by: 'bob' }]);
    expect(w).toMatchObject({ outcome: 'waived', waiver: { reason: 'r', by: 'bob' }, note: 'waived (was fail) by bob: r' });
    expect(p.outcome).toBe('pass');
  });
});

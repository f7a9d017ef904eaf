// One unreadable host must not blind the error-rate rollback (issue 12, decisions-turn2 Trust): the
// rate is errors ÷ messages over the hosts read, the hosts not read are named in the evidence, and
// the criterion is inconclusive only when no host was read.
import { measure } from '../../src/judge/measure';
import { TEST_SCOPE } from '../../src/judge/measure/context';
import { decideRollback } from '../../src/judge/rollback-decision';
import { toObservation } from '../../src/observe';
import type { Observation } from '../../src/judge/observations';
import { ctx, healthyHistory, HOUR, last, plan } from './fixtures';
import { H, MIN, makeCollection, wave2Plan } from '../observe/fixtures';

const rollbackErrorRate = plan.rollback.criteria.find((r) => r.id === 'rollback-error-rate')!;

/** The collector's shape: messages per instance (agent@host), 1000 per instance in the tick. */
function perInstanceMessages(h: Observation[]) {
  for (const o of h)
    if (o.messages) o.messages = plan.hosts.flatMap((host) => o.messages!.map((m) => ({ ...m, host: host.name, messages: 1000 })));
}

/** The newest tick: dgx-3 cannot be read over SSH, and network-expert logs 60 errors on dgx-1 (1.5 % of the 4000 messages read). */
function oneHostDown(h: Observation[]) {
  const o = last(h);
  for (const e of o.errors!) {
    if (e.host === 'dgx-3') Object.assign(e, { count: null, error: 'ssh dgx-3: connect ETIMEDOUT' });
    if (e.host === 'dgx-1' && e.agent === 'network-expert') e.count = 60;
  }
}

describe('errors.rate_pct with a host not read', () => {
  it('judges the hosts read: errors and messages of dgx-3 left out alike, dgx-3 named, the rollback fires', () => {
    const h = healthyHistory(2 * HOUR);
    perInstanceMessages(h);
    oneHostDown(h);
    const m = measure(ctx, h, 'tick', TEST_SCOPE, ['errors.rate_pct'])['errors.rate_pct']!;
    // 2 agents under test × 2 hosts read × 1000 messages; 60 errors
    expect(m.value).toBeCloseTo((100 * 60) / 4000, 10);
    expect(m.samples).toBe(4000);
    expect(m.error).toBeUndefined();
    expect(m.note).toMatch(/network-expert@dgx-3 \(errors: ssh dgx-3: connect ETIMEDOUT\)/);
    expect(m.note).toMatch(/tdd-expert@dgx-3/);
    const d = decideRollback(plan, { tick: { 'errors.rate_pct': m } }, 'auto', { criteria: [rollbackErrorRate] });
    expect(d.action).toBe('rollback');
    expect(d.triggers[0].evidence).toMatch(/dgx-3/);
  });

  it('a healthy rate on the hosts read does not fire', () => {
    const h = healthyHistory(2 * HOUR);
    perInstanceMessages(h);
    for (const e of last(h).errors!) if (e.host === 'dgx-3') Object.assign(e, { count: null, error: 'unreachable' });
    const m = measure(ctx, h, 'tick', TEST_SCOPE, ['errors.rate_pct'])['errors.rate_pct']!;
    expect(m.value).toBe(0);
    expect(decideRollback(plan, { tick: { 'errors.rate_pct': m } }, 'auto', { criteria: [rollbackErrorRate] }).action).toBe('none');
  });

  it('is inconclusive only when no host was read', () => {
    const h = healthyHistory(2 * HOUR);
    perInstanceMessages(h);
    for (const e of last(h).errors!) Object.assign(e, { count: null, error: 'unreachable' });
    const m = measure(ctx, h, 'tick', TEST_SCOPE, ['errors.rate_pct'])['errors.rate_pct']!;
    expect(m.value).toBeNull();
    const d = decideRollback(plan, { tick: { 'errors.rate_pct': m } }, 'auto', { criteria: [rollbackErrorRate] });
    expect(d.action).toBe('none');
    expect(d.undecided.map((u) => u.id)).toEqual(['rollback-error-rate']);
  });

  it('agent-wide message counts (older observations) cannot be split by host: that agent is left out, not guessed', () => {
    const h = healthyHistory(2 * HOUR);
    oneHostDown(h);
    const m = measure(ctx, h, 'tick', TEST_SCOPE, ['errors.rate_pct'])['errors.rate_pct']!;
    expect(m.value).toBeNull();
    expect(m.note).toMatch(/messages counted per agent/);
  });

  it('from a real collection with dgx-2 unreachable (toObservation): a rate over dgx-1 and dgx-3', () => {
    const p = wave2Plan();
    const prev = makeCollection(p, { kind: 'tick', seq: 11, atMs: 55 * MIN, sinceMs: 50 * MIN, cpuSeconds: 133 });
    const cur = makeCollection(p, { kind: 'tick', seq: 12, atMs: H, sinceMs: 55 * MIN, cpuSeconds: 136, faults: { unreachableHost: 'dgx-2', errors: 7 } });
    const o = toObservation(p, cur, prev);
    const m = measure({ plan: p, startMs: o.at - H }, [o], 'tick', TEST_SCOPE, ['errors.rate_pct'])['errors.rate_pct']!;
    expect(m.value).not.toBeNull();
    expect(m.value).toBeGreaterThan(0);
    expect(m.note).toMatch(/network-expert@dgx-2/);
    expect(m.note).not.toMatch(/@dgx-1|@dgx-3/);
  });
});

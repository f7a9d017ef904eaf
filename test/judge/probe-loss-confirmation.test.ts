// Probe loss rolls the wave back only when it is real (issue 12, decisions-turn2 Trust): the
// collector's re-probe of the agent lost too, and its loss share is above the control agents' in the
// same observation. Loss on test and control alike is a rig/NATS warning. Crafted data on the tick.
import { measure } from '../../src/judge/measure';
import { TEST_SCOPE, CONTROL_SCOPE } from '../../src/judge/measure/context';
import { decideRollback } from '../../src/judge/rollback-decision';
import { evaluateAlerts } from '../../src/judge/alert-evaluation';
import type { Observation, ProbeObservation } from '../../src/judge/observations';
import type { Plan } from '../../src/plan/schema';
import { ctx, healthyHistory, HOUR, last, plan } from './fixtures';

const lossRule = plan.rollback.criteria.find((r) => r.id === 'rollback-message-loss')!;
const probeOf = (o: Observation, agent: string) => o.probes.find((p) => p.agent === agent)!;

function decide(h: Observation[], p: Plan = plan) {
  const test = measure({ ...ctx, plan: p }, h, 'tick', TEST_SCOPE, ['probe.loss_count']);
  return { test, decision: decideRollback(p, { tick: test }, 'auto', { criteria: [lossRule] }) };
}

/** network-expert lost one of its 20 tick replies. */
function oneLost(h: Observation[], reprobe?: ProbeObservation['reprobe']): Observation[] {
  Object.assign(probeOf(last(h), 'network-expert'), { received: 19, timeouts: 1, ...(reprobe ? { reprobe } : {}) });
  return h;
}

describe('probe loss and the rollback', () => {
  it('(a) one lost reply, the re-probe answered: no rollback; the alert still sees the loss; a warning says why', () => {
    const h = oneLost(healthyHistory(2 * HOUR), { sent: 5, lost: 0 });
    const { test, decision } = decide(h);
    expect(decision.action).toBe('none');
    expect(decision.triggers).toEqual([]);
    expect(decision.warnings.join(' ')).toMatch(/network-expert 5 % \(1\/20\), re-probe lost 0\/5.*not confirmed by the re-probe/);
    // the alert rule judges the reading itself: one reply was lost
    expect(test['probe.loss_count']!.value).toBe(1);
    const alert = evaluateAlerts(plan, { test }, plan.alerts.filter((a) => a.id === 'message-loss'));
    expect(alert[0].status).toBe('firing');
  });

  it('(b) the re-probe lost too and the control agents lost nothing: rollback, with both shares and the re-probe in the evidence', () => {
    const h = oneLost(healthyHistory(2 * HOUR), { sent: 5, lost: 2 });
    const { decision } = decide(h);
    expect(decision.action).toBe('rollback');
    expect(decision.triggers).toHaveLength(1);
    const ev = decision.triggers[0].evidence;
    expect(ev).toMatch(/network-expert 5 % \(1\/20\)/); // the test agent's loss share
    expect(ev).toMatch(/control agents 0 % \(0\/40\)/); // the control agents' in the same observation
    expect(ev).toMatch(/re-probe lost 2\/5/);
  });

  it('(c) test and control lose alike: a rig/NATS warning, no rollback', () => {
    const h = oneLost(healthyHistory(2 * HOUR), { sent: 5, lost: 5 });
    Object.assign(probeOf(last(h), 'nix-expert'), { received: 19, timeouts: 1 });
    Object.assign(probeOf(last(h), 'qa-expert'), { received: 19, timeouts: 1 });
    const { decision } = decide(h);
    expect(decision.action).toBe('none');
    expect(decision.warnings.join(' ')).toMatch(/network-expert 5 % \(1\/20\), re-probe lost 5\/5, control agents 5 % \(2\/40\): test and control lost alike/);
    // the control scope's own alert fires too: the operator sees loss on both sides
    const control = measure(ctx, h, 'tick', CONTROL_SCOPE, ['probe.loss_count']);
    expect(control['probe.loss_count']!.value).toBe(2);
  });

  it('more loss than the control agents, confirmed by the re-probe: rollback', () => {
    const h = oneLost(healthyHistory(2 * HOUR), { sent: 5, lost: 1 });
    Object.assign(probeOf(last(h), 'network-expert'), { received: 15, timeouts: 5 });
    Object.assign(probeOf(last(h), 'qa-expert'), { received: 19, timeouts: 1 });
    expect(decide(h).decision.action).toBe('rollback');
  });

  it('no re-probe taken (older observations) or its requests failed: undecided, never a rollback on one reading', () => {
    const h = oneLost(healthyHistory(2 * HOUR));
    const d = decide(h).decision;
    expect(d.action).toBe('none');
    expect(d.undecided.map((u) => u.id)).toEqual(['rollback-message-loss']);
    expect(d.undecided[0].note).toMatch(/no re-probe taken/);
    const failed = oneLost(healthyHistory(2 * HOUR), { sent: 0, lost: 0, error: 'every re-probe request failed with wavewatch’s NATS connection (5)' });
    expect(decide(failed).decision.undecided[0].note).toMatch(/re-probe failed/);
  });

  it('control agents in the plan but not probed in this observation: undecided', () => {
    const h = oneLost(healthyHistory(2 * HOUR), { sent: 5, lost: 5 });
    for (const p of last(h).probes) if (p.role === 'control') Object.assign(p, { sent: 0, received: 0, error: 'agent not probed' });
    const d = decide(h).decision;
    expect(d.action).toBe('none');
    expect(d.undecided[0].note).toMatch(/control agents not probed/);
  });

  it('a plan without control agents: the re-probe alone confirms, and the evidence says there was no control', () => {
    const p: Plan = { ...plan, agents: { ...plan.agents, control: [] } };
    const h = oneLost(healthyHistory(2 * HOUR), { sent: 5, lost: 3 });
    const { decision } = decide(h, p);
    expect(decision.action).toBe('rollback');
    expect(decision.triggers[0].evidence).toMatch(/no control agents in the plan/);
  });
});

// Whole-wave scenarios on crafted data: a healthy wave run tick by tick is GO with no alert and no
// rollback; a wave breaching each rollback criterion in turn rolls back (auto policy) or holds
// (hold policy) with the evidence; control agents never trigger it; verdicts and waivers.
import { emptyAlertState, stepAlerts, type AlertState } from '../../src/judge/alerts';
import { evaluateAlerts } from '../../src/judge/alert-evaluation';
import { measure, measureAll, tickMetrics } from '../../src/judge/measure';
import { CONTROL_SCOPE, TEST_SCOPE } from '../../src/judge/measure/context';
import { decideRollback, effectiveAction } from '../../src/judge/rollback-decision';
import { applyWaivers, judgeCheckpoint, judgeWave, validateWaiver, type CheckpointJudgement } from '../../src/judge/verdict';
import type { CheckpointObservation, Observation } from '../../src/judge/observations';
import { ctx, healthyHistory, HOUR, last, plan, START } from './fixtures';
import { CASES } from './breaches';

describe('a healthy wave, tick by tick', () => {
  const full = healthyHistory(24 * HOUR);
  const only = tickMetrics(plan);
  let alerts: AlertState = emptyAlertState();
  const notifications: unknown[] = [];
  const decisions: string[] = [];
  const checkpoints: CheckpointJudgement[] = [];

  beforeAll(() => {
    for (let i = 1; i < full.length; i++) {
      const h = full.slice(0, i + 1);
      const now = h[i].at;
      const tick = { test: measure(ctx, h, 'tick', TEST_SCOPE, only), control: measure(ctx, h, 'tick', CONTROL_SCOPE, only) };
      const step = stepAlerts(alerts, evaluateAlerts(plan, tick), now, plan);
      alerts = step.state;
      notifications.push(...step.notifications);
      const hourly = (now - START) % HOUR === 0;
      const windows = hourly ? { tick: tick.test, wave: measure(ctx, h, 'wave', TEST_SCOPE, ['memory.leak_count']) } : { tick: tick.test };
      const d = decideRollback(plan, windows, 'auto');
      if (d.action !== 'none') decisions.push(d.reason);
      if (h[i].kind === 'checkpoint') {
        const m = measureAll(ctx, h, { windows: ['tick', 'checkpoint', 'wave'] }).test;
        checkpoints.push(judgeCheckpoint(plan, (h[i] as CheckpointObservation).name, m));
      }
    }
  }, 120_000);

  test('no alert, no notification, no rollback decision', () => {
    expect(alerts.alerts).toEqual([]);
    expect(notifications).toEqual([]);
    expect(decisions).toEqual([]);
  });

  test('every checkpoint PASS', () => {
    expect(checkpoints.map((c) => [c.checkpoint, c.verdict, c.reasons])).toEqual(plan.checkpoints.map((c) => [c.name, 'PASS', []]));
  });

  test('GO at T+24h', () => {
    const v = judgeWave({ plan, checkpoints, final: measureAll(ctx, full).test });
    expect(v.decision).toBe('GO');
    expect(v.primaries.every((p) => p.outcome === 'pass')).toBe(true);
    expect(v.primaries.map((p) => p.id).sort()).toEqual(plan.criteria.filter((c) => c.primary).map((c) => c.id).sort());
  });
});

describe.each(plan.rollback.criteria.map((r) => [r.id, r] as const))('breaching %s', (id, rule) => {
  const at = CASES[id].at ?? 2 * HOUR;
  const breached = () => {
    const h = healthyHistory(at);
    CASES[id].fail(h);
    return h;
  };
  const windows = (h: Observation[]) => ({ [rule.window]: measure(ctx, h, rule.window, TEST_SCOPE) });

  test('auto policy: rollback, with the evidence', () => {
    const d = decideRollback(plan, windows(breached()), 'auto');
    expect(d.action).toBe('rollback');
    const t = d.triggers.find((x) => x.rule === id)!;
    expect(t).toBeDefined();
    expect(t.evidence).toContain(rule.metric);
    expect(t.result.value).not.toBeNull();
    expect(d.reason).toContain(rule.title);
  });

  test('hold policy: hold; observe policy: observe', () => {
    expect(decideRollback(plan, windows(breached()), 'hold').action).toBe('hold');
    expect(decideRollback(plan, windows(breached()), 'observe').action).toBe('observe');
  });

  test('healthy data: no decision', () => {
    expect(decideRollback(plan, windows(healthyHistory(at)), 'auto').action).toBe('none');
  });

  test('a waived criterion that fires is a warning naming its waiver, not a rollback', () => {
    const waivers = [{ criterion: id, reason: 'known noisy host', by: 'alice' }];
    const d = decideRollback(plan, windows(breached()), 'auto', { waivers });
    expect(d.triggers.map((t) => t.rule)).not.toContain(id);
    expect(d.warnings.find((w) => w.startsWith(`${rule.title}: fired but waived by alice (known noisy host)`))).toContain(rule.metric);
    // a waiver of another criterion changes nothing
    expect(decideRollback(plan, windows(breached()), 'auto', { waivers: [{ ...waivers[0], criterion: 'something-else' }] }).triggers.map((t) => t.rule)).toContain(id);
  });
});

describe('who is judged', () => {
  test('a crashed control agent raises its alert but never triggers the rollback', () => {
    const h = healthyHistory(2 * HOUR);
    Object.assign(last(h).agents.find((a) => a.agent === 'qa-expert' && a.host === 'dgx-3')!, { state: 'failed' });
    expect(decideRollback(plan, { tick: measure(ctx, h, 'tick', TEST_SCOPE) }).action).toBe('none');
    const evs = evaluateAlerts(plan, { test: measure(ctx, h, 'tick', TEST_SCOPE), control: measure(ctx, h, 'tick', CONTROL_SCOPE) });
    expect(evs.filter((e) => e.status === 'firing').map((e) => `${e.rule}:${e.scope}`)).toContain('agent-inactive:control');
  });
});

describe('policy only softens', () => {
  test.each([
    ['rollback', 'auto', 'rollback'], ['rollback', 'hold', 'hold'], ['rollback', 'observe', 'observe'],
    ['hold', 'auto', 'hold'], ['hold', 'hold', 'hold'], ['page', 'hold', 'page'], ['page', 'observe', 'observe'], ['observe', 'auto', 'observe'],
  ] as const)('%s under %s → %s', (a, p, want) => expect(effectiveAction(a, p)).toBe(want));
});

describe('verdicts', () => {
  const h6 = () => healthyHistory(6 * HOUR);
  const judgeAt6 = (h: Observation[]) => judgeCheckpoint(plan, 'T+6h', measureAll(ctx, h).test);

  test('checkpoint FAIL when a primary fails', () => {
    const h = h6();
    CASES['latency-p50'].fail(h);
    const j = judgeAt6(h);
    expect(j.verdict).toBe('FAIL');
    expect(j.reasons.join()).toMatch(/primary latency-p50 failed/);
  });

  test('checkpoint WARNING when a secondary fails or a criterion is inconclusive; waived shows as waived', () => {
    const h = h6();
    CASES['publish-time'].fail(h);
    expect(judgeAt6(h).verdict).toBe('WARNING');
    const h2 = h6();
    CASES['agent-ref-traffic'].inconclusive(h2);
    const j2 = judgeAt6(h2);
    expect(j2.verdict).toBe('WARNING');
    const waived = judgeCheckpoint(plan, 'T+6h', measureAll(ctx, h2).test, [{ criterion: 'agent-ref-traffic', reason: 'sampler down, checked by hand', by: 'alice' }]);
    expect(waived.verdict).toBe('PASS');
    expect(waived.criteria.find((c) => c.id === 'agent-ref-traffic')).toMatchObject({ outcome: 'waived', waiver: { reason: 'sampler down, checked by hand', by: 'alice' } });
  });

  test('checkpoint FAIL when a rollback criterion fires on its data (T+1h with an agent down)', () => {
    const h = healthyHistory(1 * HOUR);
    CASES['all-agents-active'].fail(h);
    const j = judgeCheckpoint(plan, 'T+1h', measureAll(ctx, h).test);
    expect(j.verdict).toBe('FAIL');
    expect(j.rollbackFired.map((r) => r.id)).toContain('rollback-agent-down');
  });

  const finalOf = (mutate?: (h: Observation[]) => void) => {
    const h = healthyHistory(24 * HOUR);
    mutate?.(h);
    const checkpoints = plan.checkpoints.map((c) => {
      const upTo = h.filter((o) => o.at <= START + c.at);
      return judgeCheckpoint(plan, c.name, measureAll(ctx, upTo).test);
    });
    return { h, checkpoints, final: measureAll(ctx, h).test };
  };

  test('NO-GO when a primary fails; held-for-human when a primary is inconclusive; GO once it is waived', () => {
    const fail = finalOf(CASES['message-delivery'].fail);
    expect(judgeWave({ plan, ...fail }).decision).toBe('NO-GO');

    const open = finalOf(CASES['dual-publishing'].inconclusive);
    const held = judgeWave({ plan, ...open });
    expect(held.decision).toBe('held-for-human');
    expect(held.held).toEqual(expect.arrayContaining(['dual-publishing', 'agent-ref-traffic']));
    const waivers = held.held.map((criterion) => ({ criterion, reason: 'counted by hand from the server logs', by: 'bob' }));
    const go = judgeWave({ plan, ...open, waivers });
    expect(go.decision).toBe('GO');
    expect(go.primaries.filter((p) => p.outcome === 'waived').map((p) => p.id).sort()).toEqual([...held.held].sort());
  });

  test('NO-GO after a rollback, or when a rollback criterion fired (unless waived)', () => {
    const ok = finalOf();
    expect(judgeWave({ plan, ...ok, rolledBack: true }).decision).toBe('NO-GO');
    const fired = decideRollback(plan, { tick: measure(ctx, (() => { const h = healthyHistory(2 * HOUR); CASES['rollback-agent-crash'].fail(h); return h; })(), 'tick') }).triggers.map((t) => t.result);
    expect(judgeWave({ plan, ...ok, rollbackFired: fired }).decision).toBe('NO-GO');
    expect(judgeWave({ plan, ...ok, rollbackFired: fired, waivers: [{ criterion: 'rollback-agent-crash', reason: 'planned restart', by: 'carol' }] }).decision).toBe('GO');
  });

  test('waivers: validated against the plan; a pass stays a pass', () => {
    expect(validateWaiver(plan, { criterion: 'error-rate', reason: 'x' })).toBeNull();
    expect(validateWaiver(plan, { criterion: 'nope', reason: 'x' })).toMatch(/unknown criterion/);
    expect(validateWaiver(plan, { criterion: 'error-rate', reason: ' ' })).toMatch(/reason/);
    const r = { id: 'error-rate', title: 't', metric: 'errors.rate_pct', op: '<', threshold: 0.1, window: 'wave', outcome: 'pass' as const, value: 0, samples: 1 };
    expect(applyWaivers([r], [{ criterion: 'error-rate', reason: 'x', by: 'y' }])[0].outcome).toBe('pass');
  });
});

import { acknowledgeAlert, alertViews, emptyAlertState, stepAlerts, type AlertEvaluation, type AlertState } from '../../src/judge/alerts';
import { evaluateAlerts } from '../../src/judge/alert-evaluation';
import { measure } from '../../src/judge/measure';
import { CONTROL_SCOPE, TEST_SCOPE } from '../../src/judge/measure/context';
import { ctx, healthyHistory, HOUR, last, MIN, plan, START, TICK } from './fixtures';

const ev = (rule: string, status: AlertEvaluation['status'], over: Partial<AlertEvaluation> = {}): AlertEvaluation => {
  const r = plan.alerts.find((a) => a.id === rule)!;
  return { rule, scope: 'test', status, severity: r.severity, title: r.title, metric: r.metric, op: r.op, threshold: r.threshold, value: status === 'firing' ? 5 : 0, ...over };
};

/** Runs ticks; returns every notification with its tick index. */
function run(ticks: AlertEvaluation[][], opts: { policy?: 'auto' | 'hold' | 'observe'; ackAt?: { tick: number; id: string } } = {}) {
  let state: AlertState = emptyAlertState();
  const sent: { tick: number; kind: string; id: string }[] = [];
  const lines: string[] = [];
  ticks.forEach((evs, i) => {
    const now = START + i * TICK;
    if (opts.ackAt?.tick === i) state = acknowledgeAlert(state, { alertId: opts.ackAt.id, by: 'alice' }, now).state;
    const r = stepAlerts(state, evs, now, plan, { policy: opts.policy });
    state = r.state;
    sent.push(...r.notifications.map((n) => ({ tick: i, kind: n.kind, id: n.alertId })));
    lines.push(...r.logLines);
  });
  return { state, sent, lines };
}

const repeatTicks = plan.monitor.alertRepeat / TICK; // 12 ticks = 1 h

describe('alert state machine', () => {
  test('one page when it first fires, never one per tick; a reminder after the repeat interval while unacknowledged', () => {
    const ticks = Array.from({ length: 2 * repeatTicks + 1 }, () => [ev('agent-inactive', 'firing')]);
    const { sent, state } = run(ticks);
    expect(sent).toEqual([
      { tick: 0, kind: 'fired', id: 'agent-inactive:test' },
      { tick: repeatTicks, kind: 'reminder', id: 'agent-inactive:test' },
      { tick: 2 * repeatTicks, kind: 'reminder', id: 'agent-inactive:test' },
    ]);
    expect(state.alerts).toHaveLength(1);
  });

  test('acknowledged: no reminders; resolves when its data clears', () => {
    const ticks = [...Array.from({ length: 2 * repeatTicks }, () => [ev('agent-inactive', 'firing')]), [ev('agent-inactive', 'clear')]];
    const { sent, state, lines } = run(ticks, { ackAt: { tick: 2, id: 'agent-inactive:test' } });
    expect(sent.map((s) => s.kind)).toEqual(['fired']);
    expect(state.alerts[0]).toMatchObject({ state: 'resolved', acknowledgedBy: 'alice' });
    const events = lines.map((l) => JSON.parse(l).event);
    expect(events).toEqual(['fired', 'resolved']); // the ack line comes from acknowledgeAlert's own result
    expect(alertViews(state)[0]).toMatchObject({ id: 'agent-inactive:test', state: 'resolved', firstFiredAt: new Date(START).toISOString() });
  });

  test('the status view carries metric, op, threshold and the last value as fields; the message is rendered from them', () => {
    const ticks = [[ev('agent-inactive', 'firing', { value: 2, note: 'node-1 down' })], [ev('agent-inactive', 'firing', { value: 3 })]];
    const { state } = run(ticks);
    const r = plan.alerts.find((a) => a.id === 'agent-inactive')!;
    const [view] = alertViews(state);
    expect(view).toMatchObject({ metric: r.metric, op: r.op, threshold: r.threshold, value: 3 });
    expect(view.message).toBe(`${r.title} [test]: ${r.metric} = 3 (${r.op} ${r.threshold})`);
    expect(alertViews(run([[ev('agent-inactive', 'firing', { value: null })]]).state)[0]).toMatchObject({ value: null, message: `${r.title} [test]: ${r.metric} = n/a (${r.op} ${r.threshold})` });
  });

  test('no data neither resolves nor reminds', () => {
    const ticks = [[ev('agent-inactive', 'firing')], ...Array.from({ length: repeatTicks + 2 }, () => [ev('agent-inactive', 'unknown')])];
    const { sent, state } = run(ticks);
    expect(sent).toHaveLength(1);
    expect(state.alerts[0].state).toBe('firing');
  });

  test('escalation warning → critical pages once more; the warning then stays quiet', () => {
    const ticks = [
      [ev('error-rate-warning', 'firing', { value: 0.5 }), ev('error-rate-critical', 'clear', { value: 0.5 })],
      [ev('error-rate-warning', 'firing', { value: 0.6 }), ev('error-rate-critical', 'clear', { value: 0.6 })],
      ...Array.from({ length: repeatTicks + 1 }, () => [ev('error-rate-warning', 'firing', { value: 3 }), ev('error-rate-critical', 'firing', { value: 3 })]),
    ];
    // error-rate-warning's action is observe in the plan: recorded, not sent; the critical one pages
    const { sent, state } = run(ticks);
    expect(sent).toEqual([
      { tick: 2, kind: 'escalated', id: 'error-rate-critical:test' },
      { tick: 2 + repeatTicks, kind: 'reminder', id: 'error-rate-critical:test' },
    ]);
    expect(state.alerts.map((a) => [a.id, a.state])).toEqual([['error-rate-warning:test', 'firing'], ['error-rate-critical:test', 'firing']]);
  });

  test('escalation of a paged warning (error spike → crash family is separate): a raised severity re-pages and needs a new ack', () => {
    const ticks = [
      [ev('error-spike', 'firing')],
      [ev('error-spike', 'firing', { severity: 'critical' })],
      [ev('error-spike', 'firing', { severity: 'critical' })],
    ];
    const { sent, state } = run(ticks, { ackAt: { tick: 1, id: 'error-spike:test' } });
    expect(sent.map((s) => s.kind)).toEqual(['fired', 'escalated']);
    expect(state.alerts[0]).toMatchObject({ severity: 'critical', state: 'firing' });
  });

  test('flapping within the repeat interval reopens quietly; after it, a new alert pages', () => {
    const f = [ev('nats-lost', 'firing', { scope: 'fleet' })];
    const c = [ev('nats-lost', 'clear', { scope: 'fleet' })];
    const ticks = [f, c, f, c, f, ...Array.from({ length: repeatTicks + 1 }, () => c), f];
    const { sent, state } = run(ticks);
    expect(sent.map((s) => [s.kind, s.id])).toEqual([
      ['fired', 'nats-lost:fleet'],
      ['fired', 'nats-lost:fleet#2'],
    ]);
    expect(state.alerts.map((a) => a.id)).toEqual(['nats-lost:fleet', 'nats-lost:fleet#2']);
  });

  test('policy observe: recorded and logged, never sent', () => {
    const { sent, state, lines } = run([[ev('agent-crash', 'firing')]], { policy: 'observe' });
    expect(sent).toEqual([]);
    expect(state.alerts[0].state).toBe('firing');
    expect(JSON.parse(lines[0])).toMatchObject({ event: 'fired', notified: false, alertId: 'agent-crash:test' });
  });

  test('acknowledging an unknown or resolved alert is refused', () => {
    expect(acknowledgeAlert(emptyAlertState(), { alertId: 'nope' }, START).error).toMatch(/unknown alert/);
  });

  test('log lines are JSON with unique ids', () => {
    const { lines } = run([[ev('agent-inactive', 'firing')], [ev('agent-inactive', 'clear')]]);
    const ids = lines.map((l) => JSON.parse(l).id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('alert evaluation from measurements', () => {
  test('a healthy tick fires nothing; control agents alert in their own scope; host and NATS rules once for the fleet', () => {
    const h = healthyHistory(2 * HOUR);
    const evs = evaluateAlerts(plan, { test: measure(ctx, h, 'tick', TEST_SCOPE), control: measure(ctx, h, 'tick', CONTROL_SCOPE) });
    expect(evs.filter((e) => e.status === 'firing')).toEqual([]);
    expect(evs.filter((e) => e.rule === 'nats-lost').map((e) => e.scope)).toEqual(['fleet']);
    expect(evs.filter((e) => e.rule === 'agent-inactive').map((e) => e.scope)).toEqual(['test', 'control']);

    last(h).agents.find((a) => a.agent === 'nix-expert' && a.host === 'dgx-1')!.state = 'failed';
    const evs2 = evaluateAlerts(plan, { test: measure(ctx, h, 'tick', TEST_SCOPE), control: measure(ctx, h, 'tick', CONTROL_SCOPE) });
    expect(evs2.filter((e) => e.status === 'firing').map((e) => `${e.rule}:${e.scope}`)).toEqual(['agent-crash:control', 'agent-inactive:control']);
    void MIN;
  });
});

// The judgement of what the continuous watch saw (issue 14), on crafted observations: NATS outages
// counted and timed within a window and clipped to it, no watch → no data (never 0), an episode
// already over fired and resolved in one tick with its start, end and duration, uptime minus the
// silent gaps, and silence shared with control agents left to the rig.
import { measure } from '../../src/judge/measure';
import { CONTROL_SCOPE, TEST_SCOPE } from '../../src/judge/measure/context';
import { evaluateAlerts } from '../../src/judge/alert-evaluation';
import { emptyAlertState, stepAlerts } from '../../src/judge/alerts';
import { decideRollback } from '../../src/judge/rollback-decision';
import type { WatchEvent } from '../../src/model/watch';
import type { Observation } from '../../src/judge/observations';
import { ctx, healthyHistory, HOUR, last, plan, START, TICK } from './fixtures';

const SERVER = 'nats://127.0.0.1:4222';
const event = (kind: WatchEvent['kind'], subject: string, startMs: number, endMs: number | null, more: Partial<WatchEvent> = {}): WatchEvent => ({
  kind,
  subject,
  role: null,
  startMs,
  endMs,
  flaps: 0,
  lostProbes: 0,
  evidence: '',
  ...more,
});
const silent = (agent: string, role: 'test' | 'control', startMs: number, endMs: number | null) => event('agent-silent', agent, startMs, endMs, { role, evidence: 'no probe answered' });

/** A healthy wave to T+2h with `events` in the newest tick's watch part. */
function withEvents(...events: WatchEvent[]): Observation[] {
  const h = healthyHistory(2 * HOUR);
  last(h).watch!.events.push(...events);
  return h;
}

const tickOf = (h: Observation[]) => ({ from: h[h.length - 2].at, to: last(h).at });

describe('NATS outages the watch saw', () => {
  test('an outage inside the tick is counted and timed, and known to be over', () => {
    const h = healthyHistory(2 * HOUR);
    const { to } = tickOf(h);
    last(h).watch!.events.push(event('nats-outage', SERVER, to - 200_000, to - 20_000, { evidence: 'disconnect: ECONNREFUSED' }));
    const m = measure(ctx, h, 'tick', TEST_SCOPE, ['nats.outage_count', 'nats.outage_seconds']);
    expect(m['nats.outage_count']).toMatchObject({ value: 1, over: { startMs: to - 200_000, endMs: to - 20_000 } });
    expect(m['nats.outage_count']!.bound).toBeUndefined();
    expect(m['nats.outage_count']!.note).toContain('ECONNREFUSED');
    expect(m['nats.outage_seconds']).toMatchObject({ value: 180 });
  });

  test('an outage that began before the window counts only its part inside it; one still going is not over', () => {
    const h = healthyHistory(2 * HOUR);
    const { from, to } = tickOf(h);
    last(h).watch!.events.push(event('nats-outage', SERVER, from - 60_000, from + 30_000), event('nats-outage', 'nats://127.0.0.1:4223', to - 10_000, null));
    const m = measure(ctx, h, 'tick', TEST_SCOPE, ['nats.outage_count', 'nats.outage_seconds']);
    expect(m['nats.outage_seconds']!.value).toBe(40); // 30 s of the first + 10 s of the open one
    expect(m['nats.outage_count']).toMatchObject({ value: 2 });
    expect(m['nats.outage_count']!.over).toBeUndefined();
  });

  test('an outage that ended before the window belongs to the window before', () => {
    const h = healthyHistory(2 * HOUR);
    const { from } = tickOf(h);
    last(h).watch!.events.push(event('nats-outage', SERVER, from - 60_000, from));
    expect(measure(ctx, h, 'tick', TEST_SCOPE, ['nats.outage_count'])['nats.outage_count']!.value).toBe(0);
  });

  test('no watch for the window is no data, never 0; a healthy watched window is 0', () => {
    const h = healthyHistory(2 * HOUR);
    expect(measure(ctx, h, 'tick', TEST_SCOPE, ['nats.outage_count'])['nats.outage_count']!.value).toBe(0);
    last(h).watch = null;
    const m = measure(ctx, h, 'tick', TEST_SCOPE, ['nats.outage_count', 'nats.outage_seconds', 'agent.silent_seconds', 'watch.blind_seconds']);
    for (const x of Object.values(m)) expect(x).toMatchObject({ value: null, note: expect.stringContaining('watch') });
  });

  test('an outage seen by two adjoining ticks is one outage over the wave window', () => {
    const h = healthyHistory(2 * HOUR);
    const [a, b] = [h[h.length - 2], last(h)];
    const long = event('nats-outage', SERVER, a.at - 60_000, b.at - 60_000);
    a.watch!.events.push({ ...long, endMs: null }); // still going when tick a ran
    b.watch!.events.push(long);
    const m = measure(ctx, h, 'wave', TEST_SCOPE, ['nats.outage_count', 'nats.outage_seconds']);
    expect(m['nats.outage_count']!.value).toBe(1);
    expect(m['nats.outage_seconds']!.value).toBe(TICK / 1000);
  });

  test('part of the window unwatched: the count is a lower bound and the blind time is measured', () => {
    const h = healthyHistory(2 * HOUR);
    const { from } = tickOf(h);
    last(h).watch!.covered = false;
    last(h).watch!.events.push(event('watch-blind', 'watch', from, from + 45_000, { evidence: "no watcher's report covers this stretch" }));
    const m = measure(ctx, h, 'tick', TEST_SCOPE, ['nats.outage_count', 'watch.blind_seconds']);
    expect(m['nats.outage_count']).toMatchObject({ value: 0, bound: 'lower' });
    expect(m['watch.blind_seconds']).toMatchObject({ value: 45 });
    // never an outage of the fleet: the NATS rollback criterion stays undecided, it does not fire
    const d = decideRollback(plan, { tick: m }, 'auto', { criteria: plan.rollback.criteria.filter((r) => r.id === 'rollback-nats-outage') });
    expect(d.triggers).toEqual([]);
    expect(d.undecided.map((u) => u.id)).toEqual(['rollback-nats-outage']);
  });
});

describe('an episode over before the tick', () => {
  test('fires and resolves its alert in that tick, naming start, end and duration', () => {
    const h = healthyHistory(2 * HOUR);
    const { to } = tickOf(h);
    const start = to - 100_000;
    last(h).watch!.events.push(event('nats-outage', SERVER, start, start + 42_500, { evidence: 'disconnect' }));
    const rules = plan.alerts.filter((r) => r.id === 'nats-outage');
    const evals = evaluateAlerts(plan, { test: measure(ctx, h, 'tick', TEST_SCOPE), control: measure(ctx, h, 'tick', CONTROL_SCOPE) }, rules);
    expect(evals).toEqual([expect.objectContaining({ status: 'firing', scope: 'fleet', over: { startMs: start, endMs: start + 42_500 } })]);
    const r = stepAlerts(emptyAlertState(), evals, to, plan);
    expect(r.entries.map((e) => e.event)).toEqual(['fired', 'resolved']);
    expect(r.notifications).toHaveLength(1);
    const startIso = new Date(start).toISOString();
    expect(r.notifications[0].message).toContain(`from ${startIso} to ${new Date(start + 42_500).toISOString()} (42.5 s)`);
    expect(r.entries[1]).toMatchObject({ state: 'resolved', over: { startMs: start, endMs: start + 42_500 } });
    expect(r.state.alerts[0]).toMatchObject({ state: 'resolved', resolvedAt: to, firstFiredAt: to });
    // the next tick sees nothing: no second page, nothing reopened
    const next = stepAlerts(r.state, [{ ...evals[0], status: 'clear', value: 0, over: undefined }], to + TICK, plan);
    expect(next.entries).toEqual([]);
  });

  test('an alert already open resolves in the tick the episode is seen over', () => {
    const open = { rule: 'nats-outage', scope: 'fleet', status: 'firing' as const, severity: 'critical' as const, title: 't', metric: 'nats.outage_count', op: '>', threshold: 0, value: 1 };
    const first = stepAlerts(emptyAlertState(), [open], START, plan);
    const r = stepAlerts(first.state, [{ ...open, over: { startMs: START - 1000, endMs: START + 5000 } }], START + TICK, plan);
    expect(r.entries.map((e) => e.event)).toEqual(['resolved']);
    expect(r.state.alerts[0].message).toContain('(6 s)');
  });
});

describe('uptime minus the silent gaps the watch saw', () => {
  test('a test agent silent for 60 s of the tick window is downtime', () => {
    const h = healthyHistory(2 * HOUR);
    const { from, to } = tickOf(h);
    const before = measure(ctx, h, 'tick', TEST_SCOPE, ['agents.uptime_pct'])['agents.uptime_pct']!.value;
    expect(before).toBe(100);
    last(h).watch!.events.push(silent('network-expert', 'test', from + 60_000, from + 120_000));
    const m = measure(ctx, h, 'tick', TEST_SCOPE, ['agents.uptime_pct', 'agent.silent_seconds']);
    expect(m['agents.uptime_pct']!.value).toBeCloseTo(100 * (1 - 60_000 / (to - from)), 9);
    expect(m['agents.uptime_pct']!.note).toContain('network-expert silent 60 s');
    expect(m['agent.silent_seconds']).toMatchObject({ value: 60, over: { startMs: from + 60_000, endMs: from + 120_000 } });
  });

  test('silence of test and control agents together is the rig\'s or NATS\'s, not the agent\'s (a warning)', () => {
    const h = healthyHistory(2 * HOUR);
    const { from } = tickOf(h);
    last(h).watch!.events.push(silent('network-expert', 'test', from + 60_000, from + 120_000), silent('nix-expert', 'control', from + 30_000, from + 100_000));
    const m = measure(ctx, h, 'tick', TEST_SCOPE, ['agents.uptime_pct', 'agent.silent_seconds']);
    // 40 s shared with the control agent: only the 20 s after it counts
    expect(m['agent.silent_seconds']).toMatchObject({ value: 20, warning: expect.stringContaining('network-expert 40 s') });
    expect(m['agents.uptime_pct']!.warning).toContain('network-expert 40 s');
    const all = withEvents(silent('network-expert', 'test', 0, null), silent('nix-expert', 'control', 0, null));
    const m2 = measure(ctx, all, 'tick', TEST_SCOPE, ['agents.uptime_pct', 'agent.silent_seconds']);
    expect(m2['agent.silent_seconds']!.value).toBe(0);
    expect(m2['agents.uptime_pct']!.value).toBe(100);
    // the control agents' own measurement counts their silence
    expect(measure(ctx, all, 'tick', CONTROL_SCOPE, ['agent.silent_seconds'])['agent.silent_seconds']!.value).toBeGreaterThan(0);
  });

  test('silence while the watch\'s NATS connection was down is not the agent\'s', () => {
    const h = healthyHistory(2 * HOUR);
    const { from } = tickOf(h);
    last(h).watch!.events.push(silent('tdd-expert', 'test', from + 10_000, from + 70_000), event('nats-outage', SERVER, from, from + 70_000));
    expect(measure(ctx, h, 'tick', TEST_SCOPE, ['agent.silent_seconds'])['agent.silent_seconds']!.value).toBe(0);
  });

  test('without the watch, uptime is systemd\'s alone and says so', () => {
    const h = healthyHistory(2 * HOUR);
    h.forEach((o) => (o.watch = null));
    const m = measure(ctx, h, 'tick', TEST_SCOPE, ['agents.uptime_pct'])['agents.uptime_pct']!;
    expect(m.value).toBe(100);
    expect(m.note).toContain('without the watch');
  });
});

describe("the watch's lost probes count as probe loss", () => {
  test("an agent under test silent on its own: its lost probes are confirmed loss, for a rollback too; shared with a control agent's silence: not counted", () => {
    const h = healthyHistory(2 * HOUR);
    const { from } = tickOf(h);
    const before = measure(ctx, h, 'tick', TEST_SCOPE, ['probe.loss_count'])['probe.loss_count']!;
    expect(before.value).toBe(0);
    last(h).watch!.events.push(event('agent-silent', 'network-expert', from + 60_000, from + 120_000, { role: 'test', lostProbes: 12 }));
    const m = measure(ctx, h, 'tick', TEST_SCOPE, ['probe.loss_count'])['probe.loss_count']!;
    expect(m.value).toBe(12);
    expect(m.rollback?.value).toBe(12);
    expect(m.note).toContain('network-expert 12 lost while silent');
    expect(decideRollback(plan, { tick: measure(ctx, h, 'tick', TEST_SCOPE) }, 'auto').triggers.map((t) => t.result.id)).toContain('rollback-message-loss');

    const rig = healthyHistory(2 * HOUR);
    last(rig).watch!.events.push(
      event('agent-silent', 'network-expert', from + 60_000, from + 120_000, { role: 'test', lostProbes: 12 }),
      event('agent-silent', 'nix-expert', from + 50_000, from + 130_000, { role: 'control', lostProbes: 16 }),
    );
    expect(measure(ctx, rig, 'tick', TEST_SCOPE, ['probe.loss_count'])['probe.loss_count']!.value).toBe(0);
  });
});

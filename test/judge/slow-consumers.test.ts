// nats.slow_consumers, the metric added through the registry: the NATS server's slow-consumer count
// (/varz, collected every tick) from the collection to the observation to a plan rule.
import { measure } from '../../src/judge/measure';
import { CONTROL_SCOPE, TEST_SCOPE } from '../../src/judge/measure/context';
import { evaluateRule } from '../../src/judge/rules';
import { evaluateAlerts } from '../../src/judge/alert-evaluation';
import { parseStoredPlan } from '../../src/plan/load';
import { toObservation } from '../../src/observe';
import type { Observation } from '../../src/judge/observations';
import { ctx, healthyHistory, HOUR, plan, START, TICK } from './fixtures';
import { makeCollection, MIN, H } from '../observe/fixtures';

/** Every collection after the baseline counted 0 slow consumers, except those given. */
function counted(h: Observation[], at: Record<number, number | null> = {}): Observation[] {
  for (const o of h) if (o.kind !== 'baseline') o.nats = { ...(o.nats ?? { reachable: true }), slowConsumers: o.at - START in at ? at[o.at - START] : 0 };
  return h;
}

describe('nats.slow_consumers', () => {
  it('sums the server\'s per-collection counts over the window: tick, checkpoint and wave', () => {
    const h = counted(healthyHistory(2 * HOUR), { [HOUR + 2 * TICK]: 3, [2 * HOUR - TICK]: 1 });
    expect(measure(ctx, h, 'wave', TEST_SCOPE, ['nats.slow_consumers'])['nats.slow_consumers']).toMatchObject({ value: 4, samples: 24 });
    expect(measure(ctx, h, 'tick', TEST_SCOPE, ['nats.slow_consumers'])['nats.slow_consumers']).toMatchObject({ value: 0, samples: 1 });
    expect(measure(ctx, h.filter((o) => o.at <= START + HOUR + 2 * TICK), 'tick', TEST_SCOPE, ['nats.slow_consumers'])['nats.slow_consumers']!.value).toBe(3);
    // the checkpoint window ending at the T+1h checkpoint saw none
    expect(measure(ctx, h.filter((o) => o.at <= START + HOUR), 'checkpoint', TEST_SCOPE, ['nats.slow_consumers'])['nats.slow_consumers']!.value).toBe(0);
    // fleet metric: the same for either cohort
    expect(measure(ctx, h, 'wave', CONTROL_SCOPE, ['nats.slow_consumers'])['nats.slow_consumers']!.value).toBe(4);
  });
  it('missing: null with a note, never 0', () => {
    const m = measure(ctx, healthyHistory(HOUR), 'wave', TEST_SCOPE, ['nats.slow_consumers'])['nats.slow_consumers']!;
    expect(m.value).toBeNull();
    expect(m.note).toMatch(/not counted in this window: .*not recorded/);
    const tick = measure(ctx, counted(healthyHistory(HOUR), { [HOUR]: null }), 'tick', TEST_SCOPE, ['nats.slow_consumers'])['nats.slow_consumers']!;
    expect(tick.value).toBeNull();
    expect(tick.note).toMatch(/first reading, server restart or \/varz not read/);
  });
  it('partly counted: the sum is a lower bound that names what was not counted', () => {
    const m = measure(ctx, counted(healthyHistory(HOUR), { [TICK]: 2, [2 * TICK]: null }), 'wave', TEST_SCOPE, ['nats.slow_consumers'])['nats.slow_consumers']!;
    expect(m).toMatchObject({ value: 2, bound: 'lower', samples: 11 });
    expect(m.note).toContain(new Date(START + 2 * TICK).toISOString());
  });
  it('reaches the observation from the collected server statistics (the /varz delta)', () => {
    const c = makeCollection(plan, { kind: 'tick', seq: 12, atMs: H, sinceMs: 55 * MIN, cpuSeconds: 136 });
    c.server!.slowConsumers = { total: 7, delta: 2 };
    expect(toObservation(plan, c).nats!.slowConsumers).toBe(2);
    c.server!.slowConsumers = { total: 7, delta: null };
    expect(toObservation(plan, c).nats!.slowConsumers).toBeNull();
  });
  it('a plan rule may name it: validated, judged, and alerted once for the fleet', () => {
    const rule = { id: 'slow-consumers', title: 'NATS slow consumers', metric: 'nats.slow_consumers', op: '>', threshold: 0, severity: 'warning', action: 'observe' };
    const raw = JSON.parse(JSON.stringify(plan));
    const withRule = (r: object) => {
      const data = JSON.parse(JSON.stringify(raw));
      data.alerts = [r];
      return data;
    };
    expect(() => parseStoredPlan(withRule({ ...rule, metric: 'nats.slow_consumer' }))).toThrow(/metric/);
    const p = parseStoredPlan(withRule(rule));
    const alert = p.alerts[0];
    const h = counted(healthyHistory(HOUR), { [HOUR]: 5 });
    const m = measure({ plan: p, startMs: START }, h, 'tick', TEST_SCOPE, ['nats.slow_consumers']);
    expect(evaluateRule(alert, m)).toMatchObject({ outcome: 'pass', value: 5 });
    const fired = evaluateAlerts(p, { test: m, control: measure({ plan: p, startMs: START }, h, 'tick', CONTROL_SCOPE, ['nats.slow_consumers']) });
    expect(fired).toEqual([expect.objectContaining({ rule: 'slow-consumers', scope: 'fleet', status: 'firing', value: 5 })]);
    const none = measure({ plan: p, startMs: START }, healthyHistory(HOUR), 'tick', TEST_SCOPE, ['nats.slow_consumers']);
    expect(evaluateRule(alert, none).outcome).toBe('inconclusive');
  });
});

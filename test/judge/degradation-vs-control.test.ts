// Degradation counts against the wave's own baseline *and* the control agents (product.md): when the
// control agents slow down just as much over the same time, the agents under test are not to blame.
import { measure, TEST_SCOPE } from '../../src/judge/measurements';
import { checkpointAt, ctx, healthyHistory } from './fixtures';
import type { Observation } from '../../src/judge/observations';

const lastCheckpoint = (h: Observation[]) => [...h].reverse().find((o) => o.kind === 'checkpoint')!;
const slow = (o: Observation, role: 'test' | 'control' | 'all') =>
  o.probes
    .filter((p) => role === 'all' || p.role === role)
    .forEach((p) => {
      p.latenciesMs = (p.latenciesMs ?? []).map((x) => x * 2 + 40);
    });
const degradation = (h: Observation[]) => measure(ctx, h, 'checkpoint', TEST_SCOPE, ['latency.degradation_pct'])['latency.degradation_pct']!;

test('agents under test slower than their baseline while control is not: a degradation', () => {
  const h = healthyHistory(checkpointAt('T+6h'));
  slow(lastCheckpoint(h), 'test');
  expect(degradation(h).value).toBeGreaterThan(20);
});

test('everyone slower by the same amount (the machine or the network): not the agents under test', () => {
  const h = healthyHistory(checkpointAt('T+6h'));
  slow(lastCheckpoint(h), 'all');
  const d = degradation(h);
  expect(d.value).toBeLessThan(20);
  expect(d.note).toMatch(/control agents changed too/);
});

test('a healthy wave: no degradation', () => {
  expect(degradation(healthyHistory(checkpointAt('T+6h'))).value).toBe(0);
});

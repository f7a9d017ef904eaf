// Degradation counts against the wave's own baseline *and* the control agents (product.md): when the
// control agents slow down just as much over the same time, the agents under test are not to blame.
import { measure } from '../../src/judge/measure';
import { TEST_SCOPE } from '../../src/judge/measure/context';
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

// A stalled machine moves everyone's tail by a lot and by different amounts: the ratio of the two
// shifts is noise unless the agents under test are evidently slower than the control agents in the
// same window (seen: p99 ×13 on test, ×12 on control, "+32 % beyond" rolled a healthy wave back).
const tailHit = (o: Observation, role: 'test' | 'control', factor: number) =>
  o.probes
    .filter((p) => p.role === role)
    .forEach((p) => {
      const l = p.latenciesMs!;
      const top = [...l].sort((a, b) => b - a).slice(0, 2);
      p.latenciesMs = l.map((x) => (top.includes(x) ? x * factor : x));
    });

test('everyone slower, the tail of the agents under test hit harder by chance: not evidently slower than control, nothing counts', () => {
  const h = healthyHistory(checkpointAt('T+6h'));
  slow(lastCheckpoint(h), 'all');
  tailHit(lastCheckpoint(h), 'test', 3);
  const d = degradation(h);
  expect(d.note).toMatch(/control agents changed too .* so \+\d+\.\d % is the change beyond theirs; not evidently slower than the control agents in the same window/);
  expect(d.value).toBe(0);
});

test('everyone slower, the agents under test much more so: the part beyond the control agents counts', () => {
  const h = healthyHistory(checkpointAt('T+6h'));
  slow(lastCheckpoint(h), 'all');
  slow(lastCheckpoint(h), 'test');
  const d = degradation(h);
  expect(d.note).toMatch(/slower than the control agents in the same window: network-expert/);
  expect(d.value).toBeGreaterThan(20);
});

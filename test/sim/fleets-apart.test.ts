// Two simulated fleets side by side in one process, as the scenario waves run them (two at a time):
// a fault of one fleet's scenario must be invisible to the other fleet's probes, hosts and NATS
// agents — also across a NATS outage of the first fleet (its agents reconnect to their own server).
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { mkdtempSync } from 'node:fs';
import { loadPlan } from '../../src/plan/load';
import { startLocalFleet, type LocalFleet } from '../../src/stack/local-stack';
import { parseScenarioText } from '../../src/sim/scenario';
import { runScenario } from '../../src/sim/scenario-runner';
import { probeAgents } from '../../src/collect/nats/probes';

jest.setTimeout(60_000);

const base = loadPlan(join(__dirname, '../../plans/local.yaml'));
let a: LocalFleet;
let b: LocalFleet;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wavewatch-fleets-apart-'));
  [a, b] = await Promise.all([startLocalFleet({ plan: base, stateDir: join(dir, 'a'), freePorts: true, ratePerSecond: 0 }), startLocalFleet({ plan: base, stateDir: join(dir, 'b'), freePorts: true, ratePerSecond: 0 })]);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

const p50 = async (f: LocalFleet) => {
  const r = await probeAgents(f.plan, { kind: 'checkpoint', count: 20, ratePerSecond: 50, agents: ['network-expert', 'tdd-expert'] });
  return Object.fromEntries(r.agents.map((x) => [x.agent, x.latency.p50]));
};
const received = (f: LocalFleet) => f.agents.stats().filter((s) => s.agent === 'network-expert').reduce((n, s) => n + s.probesReceived, 0);

test('a fault in one fleet reaches neither the other fleet\'s agents nor its probes', async () => {
  expect(a.plan.nats.servers).not.toEqual(b.plan.nats.servers);
  const scenario = parseScenarioText(`name: t
faults:
  - { at: 0s, target: { agent: network-expert }, fault: latency, value: 150ms }
  - { at: 0s, target: { host: dgx-1 }, fault: load, value: 3.5 }
`, a.plan);
  const faults = runScenario(scenario, a, { startAtMs: Date.now(), timeScale: 1440 });
  try {
    const [pa, pb] = await Promise.all([p50(a), p50(b)]);
    expect(pa['network-expert']).toBeGreaterThanOrEqual(150);
    expect(pb['network-expert']).toBeLessThan(100);
    expect(pb['tdd-expert']).toBeLessThan(100);
    // Each fleet's agents answered exactly its own wave's probes (20 requests each).
    expect([received(a), received(b)]).toEqual([20, 20]);
    expect(a.model.host('dgx-1').load[0]).toBe(3.5);
    expect(b.model.host('dgx-1').load[0]).not.toBe(3.5);
  } finally {
    await faults.stop();
  }
});

test('a NATS outage of one fleet leaves the other\'s agents on their own server, and they come back to their own', async () => {
  const before = [received(a), received(b)];
  await a.nats.kill();
  // While A's server is down, B's probes are answered by B's agents only.
  expect((await p50(b))['network-expert']).toBeLessThan(100);
  await a.nats.restart();
  await a.agents.ready(10_000);
  await Promise.all([p50(a), p50(b)]);
  expect([received(a) - before[0], received(b) - before[1]]).toEqual([20, 40]);
});

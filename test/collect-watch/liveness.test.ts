// Liveness probes and the instances' named connections against a real nats-server and the simulated
// agents: a healthy fleet gives no event; an agent that stops answering is silent from its last
// answer, with its lost probes; an instance crashed and restarted between two looks is seen with
// its gap and both connection ids; one gone for longer is offline until it is back.
import { startNatsServer, type NatsServerHandle } from '../../src/stack/nats-server';
import { startSimAgents } from '../../src/sim/nats-agents';
import type { SimAgents } from '../../src/sim/sim-agents';
import { startNatsLink } from '../../src/collect/watch/nats-link';
import { runLiveness } from '../../src/collect/watch/liveness';
import { runInstanceWatch } from '../../src/collect/watch/instances';
import type { Plan } from '../../src/plan/schema';
import { testPlan, sleep, waitFor } from '../collect-nats/helpers';
import { testWatch, type TestWatch } from './helpers';

let server: NatsServerHandle;
let sim: SimAgents | undefined;
let w: TestWatch | undefined;
let running: Promise<unknown> | undefined;
beforeAll(async () => {
  server = await startNatsServer({});
});
afterEach(async () => {
  w?.stop();
  await running;
  await sim?.stop();
  sim = w = running = undefined;
});
afterAll(async () => {
  await server?.stop();
});

async function watchFleet(crashRestartMs: number): Promise<{ plan: Plan; w: TestWatch }> {
  const plan = testPlan(server.url, server.monitoringUrl);
  sim = await startSimAgents({ plan, servers: [server.url], ratePerSecond: 0, subscribe: 'none', crashRestartMs });
  await sim.ready(5000);
  w = testWatch(plan);
  const link = startNatsLink(w.ctx);
  running = Promise.all([link.done, runLiveness(w.ctx, link), runInstanceWatch(w.ctx)]);
  await waitFor(() => link.connection(), 'the watch connection');
  return { plan, w };
}

const cidOf = (host: string, agent: string) => sim!.stats().find((s) => s.host === host && s.agent === agent)!.cid;

test('a healthy fleet for a few seconds: no event, every probe answered', async () => {
  const { w } = await watchFleet(100);
  await sleep(2500);
  const rep = w.ctx.recorder.snapshot(Date.now());
  expect(rep.events).toEqual([]);
  // 4 agents, one probe each per 200 ms
  expect(rep.probesSent).toBeGreaterThanOrEqual(4 * 9);
  expect(rep.probesSent).toBeLessThanOrEqual(4 * 14);
  expect(rep.probesAnswered).toBeGreaterThanOrEqual(rep.probesSent - 4);
  expect(w.began).toEqual([]);
});

test('an agent that stops answering is silent from its last answer until it answers again, with its lost probes', async () => {
  const { w } = await watchFleet(100);
  await sleep(500);
  const faultAt = Date.now();
  sim!.setFault({ agent: 'nix-expert' }, { stopAnswering: true });
  await waitFor(() => w.ctx.recorder.isOpen('agent-silent', 'nix-expert'), 'the silence to open', 3000);
  const openedAt = Date.now();
  await sleep(600);
  sim!.clearFaults();
  const clearedAt = Date.now();
  await waitFor(() => !w.ctx.recorder.isOpen('agent-silent', 'nix-expert'), 'the silence to end', 3000);
  const ev = w.events();
  expect(ev).toHaveLength(1);
  expect(ev[0]).toMatchObject({ kind: 'agent-silent', subject: 'nix-expert', role: 'control', flaps: 0 });
  // starts at the last answer before the fault (within one probe interval; a reply already on its
  // way when the fault was set may land a few ms after it), ends at the next answer
  expect(ev[0].startMs).toBeGreaterThan(faultAt - 300);
  expect(ev[0].startMs).toBeLessThan(faultAt + 50);
  // silence is 600 ms from the last answer: not opened before (a lost reply or two is not silence)
  expect(openedAt - ev[0].startMs).toBeGreaterThanOrEqual(600);
  expect(ev[0].endMs! - clearedAt).toBeGreaterThanOrEqual(0);
  expect(ev[0].endMs! - clearedAt).toBeLessThan(400);
  // ~1.2 s of silence at one probe per 200 ms
  expect(ev[0].lostProbes).toBeGreaterThanOrEqual(4);
  expect(ev[0].lostProbes).toBeLessThanOrEqual(8);
  expect(w.began.map((e) => e.subject)).toEqual(['nix-expert']);
});

test('an instance crashed and restarted between looks is seen with its gap and both connection ids', async () => {
  const { w } = await watchFleet(100);
  await sleep(600);
  const oldCid = cidOf('dgx-2', 'qa-expert');
  const crashAt = Date.now();
  await sim!.crash('dgx-2', 'qa-expert');
  const newCid = cidOf('dgx-2', 'qa-expert');
  expect(newCid).not.toBe(oldCid);
  await waitFor(() => w.events()[0]?.endMs, 'the replaced connection to be seen', 3000);
  await sleep(400);
  const ev = w.events();
  expect(ev).toHaveLength(1);
  expect(ev[0]).toMatchObject({ kind: 'instance-offline', subject: 'qa-expert@dgx-2', role: 'control' });
  expect(ev[0].evidence).toContain(`cid ${oldCid}`);
  expect(ev[0].evidence).toContain(`cid ${newCid}`);
  // the server's own stop and start times: the 100 ms restart, not the 200 ms between looks
  expect(ev[0].startMs - crashAt).toBeGreaterThanOrEqual(-5);
  expect(ev[0].startMs - crashAt).toBeLessThan(100);
  expect(ev[0].endMs! - ev[0].startMs).toBeGreaterThanOrEqual(80);
  expect(ev[0].endMs! - ev[0].startMs).toBeLessThan(250);
});

test('an instance gone for longer than a look is offline from its stop until it is back', async () => {
  const { w } = await watchFleet(900);
  await sleep(500);
  const crashAt = Date.now();
  const crashed = sim!.crash('dgx-1', 'network-expert');
  await waitFor(() => w.ctx.recorder.isOpen('instance-offline', 'network-expert@dgx-1'), 'the instance to be offline', 2000);
  await crashed;
  const backAt = Date.now();
  await waitFor(() => !w.ctx.recorder.isOpen('instance-offline', 'network-expert@dgx-1'), 'the instance to be back', 2000);
  const ev = w.events();
  expect(ev).toHaveLength(1);
  expect(ev[0]).toMatchObject({ kind: 'instance-offline', subject: 'network-expert@dgx-1', role: 'test' });
  expect(ev[0].evidence).toMatch(/gone at .*back as cid \d+/);
  expect(Math.abs(ev[0].startMs - crashAt)).toBeLessThan(100);
  expect(Math.abs(ev[0].endMs! - backAt)).toBeLessThan(150);
  expect(w.began).toHaveLength(1);
});

test('a restarted server: every instance reconnects with a new cid, the evidence says the server restarted', async () => {
  const { w } = await watchFleet(100);
  await sleep(600);
  await server.kill();
  await sleep(300);
  await server.restart();
  await waitFor(() => w.events().filter((e) => e.kind === 'instance-offline' && e.endMs !== null).length === 12, 'all 12 instances seen back', 5000);
  const ev = w.events();
  expect(ev.find((e) => e.kind === 'nats-outage')).toBeDefined();
  const offline = ev.filter((e) => e.kind === 'instance-offline');
  expect(offline).toHaveLength(12);
  for (const e of offline) expect(e.evidence).toMatch(/the server at .* restarted between the looks/);
  // nobody was silent for longer than the allowance while our own connection was up
  expect(ev.filter((e) => e.kind === 'agent-silent')).toEqual([]);
});

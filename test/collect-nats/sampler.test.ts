// The sampling window against a real nats-server and the simulated agents, with exact counts.
import { startNatsServer, type NatsServerHandle } from '../../src/stack/nats-server';
import { startSimAgents } from '../../src/sim/nats-agents';
import type { SimAgents } from '../../src/sim/sim-agents';
import { sampleTraffic, formatSamplingText, type SamplingProgress } from '../../src/collect/nats/sampler';
import { freePort } from '../../src/stack/nats-server';
import type { Plan } from '../../src/plan/schema';
import { testPlan, sleep, getJson } from './helpers';

let server: NatsServerHandle;
let sim: SimAgents | undefined;
beforeAll(async () => {
  server = await startNatsServer({});
});
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});
afterAll(async () => {
  await server?.stop();
});

const fastPlan = (s: NatsServerHandle = server) =>
  testPlan(s.url, s.monitoringUrl, (p) => {
    p.nats.sampling = { ...p.nats.sampling, window: 3000, minWindow: 1000, skewWindow: 500, grace: 500 };
  });

/** Runs a window and calls `during` once, as soon as the window has opened. */
async function sampleWith(plan: Plan, during: () => Promise<void> | void, extra: Partial<Parameters<typeof sampleTraffic>[0]> = {}) {
  let fired: Promise<void> | undefined;
  const progress: SamplingProgress[] = [];
  const result = await sampleTraffic({
    plan,
    progressEveryMs: 100,
    onProgress: (p) => {
      progress.push(p);
      if (p.phase === 'window' && !fired) fired = Promise.resolve(during());
    },
    ...extra,
  });
  await fired;
  return { result, progress };
}

test('exact counts: per pattern, shares, unique subjects, rate, pairing, per-agent unpaired', async () => {
  const plan = fastPlan();
  sim = await startSimAgents({ plan, servers: [server.url], ratePerSecond: 0, subscribe: 'none' });
  sim.setFault({ host: 'dgx-1', agent: 'tdd-expert' }, { singlePublish: true });
  const { result: r, progress } = await sampleWith(plan, async () => {
    await sim!.publishNow({ host: 'dgx-1', agent: 'network-expert' }, 30);
    await sim!.publishNow({ host: 'dgx-1', agent: 'tdd-expert' }, 10);
  });
  expect(r.complete).toBe(true);
  expect(r.fault).toBeNull();
  expect(r.patterns!.legacy).toMatchObject({ pattern: 'cim-agent.>', count: 40, uniqueSubjects: 8, sharePct: 57.14 });
  expect(r.patterns!.unified).toMatchObject({ pattern: 'cim.agent.>', count: 30, uniqueSubjects: 4, sharePct: 42.86 });
  expect(r.total!.count).toBe(70);
  expect(r.agentRefPct).toBe(42.86);
  expect(r.measuredMs).toBeGreaterThanOrEqual(2990);
  expect(r.total!.ratePerMinute).toBeCloseTo(70 / (r.measuredMs / 60_000), 0);
  expect(r.patterns!.unified.subjects).toEqual([
    { subject: 'cim.agent.network-expert.heartbeat', count: 8 },
    { subject: 'cim.agent.network-expert.status', count: 8 },
    { subject: 'cim.agent.network-expert.capability.announce', count: 7 },
    { subject: 'cim.agent.network-expert.task.completed', count: 7 },
  ]);
  expect(r.dualPublish).toMatchObject({ events: 40, paired: 30, unpaired: { legacy: 10, unified: 0 }, pairedPct: 75 });
  expect(r.dualPublish!.perAgent['tdd-expert']).toMatchObject({ paired: 0, unpairedLegacy: 10, pairedPct: 0 });
  expect(r.dualPublish!.perAgent['network-expert']).toMatchObject({ paired: 30, pairedPct: 100 });
  expect(r.dualPublish!.skew.count).toBe(30);
  expect(r.corruptPayloads).toBe(0);
  expect(r.sample).toHaveLength(70);
  expect(progress.some((p) => p.phase === 'lead-in')).toBe(true);
  expect(progress.some((p) => p.phase === 'grace')).toBe(true);
  const text = formatSamplingText(r);
  expect(text).toMatch(/cim-agent\.> : 40 messages|cim-agent\.>: 40 messages/);
  expect(text.trim().split('\n').filter((l) => !l.startsWith('#'))).toHaveLength(70);
});

test('without message ids, twins pair by payload hash; corrupt JSON payloads are counted', async () => {
  const plan = fastPlan();
  plan.nats.sampling.maxSubjectsSampled = 5;
  sim = await startSimAgents({ plan, servers: [server.url], ratePerSecond: 0, subscribe: 'none', msgIds: false });
  sim.setFault({ host: 'dgx-2', agent: 'qa-expert' }, { corruptPct: 50 });
  const { result: r } = await sampleWith(plan, () => sim!.publishNow({ host: 'dgx-2', agent: 'qa-expert' }, 10));
  expect(r.dualPublish).toMatchObject({ events: 10, paired: 10, pairedPct: 100 });
  expect(r.corruptPayloads).toBe(10); // 5 corrupt events, each on both patterns
  expect(r.sample).toHaveLength(5);
  expect(r.sampleCapped).toBe(true);
});

test('healthy background traffic pairs 100 %; a single-publish fault shows below 99 %; slow publishing shows in the skew', async () => {
  const plan = fastPlan();
  sim = await startSimAgents({ plan, servers: [server.url], ratePerSecond: 10, subscribe: 'none' });
  const healthy = await sampleTraffic({ plan, windowMs: 2000 });
  expect(healthy.complete).toBe(true);
  expect(healthy.total!.count).toBeGreaterThan(300);
  expect(healthy.dualPublish!.pairedPct).toBe(100);
  expect(healthy.agentRefPct).toBeCloseTo(50, 0);

  sim.setFault({ host: 'dgx-3', agent: 'network-expert' }, { singlePublish: 'unified' });
  sim.setFault({ host: 'dgx-1', agent: 'nix-expert' }, { slowPublishMs: 60 });
  const faulty = await sampleTraffic({ plan, windowMs: 2000 });
  const d = faulty.dualPublish!;
  expect(d.pairedPct).not.toBeNull();
  expect(d.pairedPct!).toBeLessThan(99);
  expect(d.unpaired.unified).toBeGreaterThan(0);
  expect(d.unpaired.legacy).toBe(0);
  expect(d.perAgent['network-expert'].unpairedUnified).toBe(d.unpaired.unified);
  // 60 ms between the two publishes; the receive times carry the event loop's jitter, a few ms either way.
  expect(d.skew.max!).toBeGreaterThanOrEqual(50);
  expect(d.skew.p50!).toBeLessThan(60);
});

test('cancellation drains and reports a partial window, not a whole one', async () => {
  const plan = fastPlan();
  sim = await startSimAgents({ plan, servers: [server.url], ratePerSecond: 5, subscribe: 'none' });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 1200);
  const r = await sampleTraffic({ plan, signal: ac.signal, attempt: 2 });
  expect(r.complete).toBe(false);
  expect(r.fault?.kind).toBe('cancelled');
  expect(r.measuredMs).toBeLessThan(3000);
  expect(r.incompleteReasons.join(' ')).toMatch(/cancelled/);
  expect(r.notes.join(' ')).toMatch(/attempt 2: a new window/);
  const connz = await getJson(`${server.monitoringUrl}/connz?limit=1000`);
  expect(connz.connections.map((c: any) => c.name)).not.toContain('wavewatch:wave2-local:sampler');
});

test('NATS unreachable at the start: a fault result with no data, not an exception', async () => {
  const port = await freePort();
  const plan = testPlan(`nats://127.0.0.1:${port}`, `http://127.0.0.1:${port}`, (p) => (p.nats.sampling.minWindow = 1000));
  const r = await sampleTraffic({ plan, windowMs: 1000 });
  expect(r.fault?.kind).toBe('nats-unreachable');
  expect(r.patterns).toBeNull();
  expect(r.dualPublish).toBeNull();
  expect(r.agentRefPct).toBeNull();
  expect(r.complete).toBe(false);
});

test('nats-server killed during the window: the result says so and the window is incomplete', async () => {
  const own = await startNatsServer({});
  try {
    const plan = fastPlan(own);
    sim = await startSimAgents({ plan, servers: [own.url], ratePerSecond: 5, subscribe: 'none' });
    const pending = sampleTraffic({ plan });
    await sleep(1500);
    await own.kill();
    const r = await pending;
    expect(r.complete).toBe(false);
    expect(r.fault?.kind).toBe('nats-disconnected');
    expect(r.fault?.message).toMatch(/lost/);
    expect(r.connection.disconnects).toBeGreaterThanOrEqual(1);
    expect(r.total!.count).toBeGreaterThan(0);
  } finally {
    await sim?.stop();
    sim = undefined;
    await own.stop();
  }
});

test('a sampler the server cuts off as a slow consumer: the window is marked incomplete', async () => {
  // A tight server (small write deadline) and a sampler whose event loop is blocked while another
  // process publishes 20 MB: the server closes the sampler's connection as a slow consumer.
  const own = await startNatsServer({ extraConfig: 'max_pending: 262144\nmax_payload: 65536\nwrite_deadline: "100ms"' });
  try {
    const plan = fastPlan(own);
    const { spawn } = await import('node:child_process');
    const { existsSync, mkdtempSync } = await import('node:fs');
    const done = `${mkdtempSync('/tmp/ww-blast-')}/done`;
    let child: ReturnType<typeof spawn> | undefined;
    const { result: r } = await sampleWith(plan, () => {
      child = spawn(process.execPath, [`${__dirname}/fixtures/blast.js`, own.url, '20000', '1', '1000', done], { stdio: 'ignore' });
      // The sampler cannot read until the publisher has sent everything (at most 15 s).
      const until = Date.now() + 15_000;
      while (Date.now() < until && !existsSync(done));
    });
    await new Promise((res) => (child && child.exitCode === null ? child.once('exit', res) : res(null)));
    (await import('node:fs')).rmSync(done.replace(/\/done$/, ''), { recursive: true, force: true });
    expect(r.complete).toBe(false);
    expect(r.fault?.kind).toBe('slow-consumer');
    expect(r.slowConsumer.closedAsSlowByServer).toBe(true);
    expect(r.incompleteReasons.join(' ')).toMatch(/slow consumer/);
    expect(r.total!.count).toBeLessThan(40_000);
  } finally {
    await own.stop();
  }
});

// Latency probes, server statistics and the health check against a real nats-server and the simulated agents.
import { EventEmitter } from 'node:events';
import { startNatsServer, freePort, type NatsServerHandle } from '../../src/stack/nats-server';
import { startSimAgents } from '../../src/sim/nats-agents';
import type { SimAgents, UnitStateSource } from '../../src/sim/sim-agents';
import { probeAgents, runProbe, REPROBE_REQUESTS } from '../../src/collect/nats/probes';
import { probeResult } from '../../src/observe/probes';
import { collectServerStats } from '../../src/collect/nats/server';
import { natsHealth } from '../../src/collect/nats/health';
import { connect, type NatsConnection } from '../../src/collect/nats/client';
import { testPlan, sleep, waitFor } from './helpers';

let server: NatsServerHandle;
let sim: SimAgents | undefined;
let nc: NatsConnection | undefined;
beforeAll(async () => {
  server = await startNatsServer({});
});
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
  await nc?.close();
  nc = undefined;
});
afterAll(async () => {
  await server?.stop();
});
const plan = (s: NatsServerHandle = server) => testPlan(s.url, s.monitoringUrl);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('probes', () => {
  test('healthy agents: every request answered, latency with sample counts, p99.9 flagged, throughput near the planned rate', async () => {
    const p = plan();
    sim = await startSimAgents({ plan: p, servers: [server.url], ratePerSecond: 0, subscribe: 'none' });
    const r = await probeAgents(p, { kind: 'checkpoint', count: 40, ratePerSecond: 40 });
    expect(r.agents.map((a) => a.agent)).toEqual(['network-expert', 'tdd-expert', 'nix-expert', 'qa-expert']);
    for (const a of r.agents) {
      expect(a).toMatchObject({ planned: 40, sent: 40, replies: 40, timeouts: 0, noResponders: 0, corrupt: 0, lossCount: 0, deliveryPct: 100, complete: true, fault: null });
      expect(a.latency.count).toBe(40);
      expect(a.latency.p50).not.toBeNull();
      expect(a.latency.p999Reliable).toBe(false);
      expect(a.latency.note).toMatch(/40 samples/);
      expect(a.throughputPerSecond!).toBeGreaterThan(25);
      expect(a.throughputPerSecond!).toBeLessThan(48);
    }
    expect(r.underTest).toMatchObject({ sent: 80, replies: 80, lossCount: 0, deliveryPct: 100 });
    expect(r.underTest.latency.count).toBe(80);
    // the probe answered by one instance per request (queue group)
    const ne = sim.stats().filter((s) => s.agent === 'network-expert');
    expect(sum(ne.map((s) => s.probesReceived))).toBe(40);
  });

  test('a fixed 20 ms added delay shows p50 >= 20 ms and well under 40 ms', async () => {
    const p = plan();
    sim = await startSimAgents({ plan: p, servers: [server.url], ratePerSecond: 0, subscribe: 'none', baseLatency: { medianMs: 0 } });
    sim.setFault({ agent: 'network-expert' }, { latencyMs: 20 });
    const r = await probeAgents(p, { kind: 'checkpoint', count: 50, ratePerSecond: 25, agents: ['network-expert', 'tdd-expert'] });
    const ne = r.agents[0];
    expect(ne.replies).toBe(50);
    expect(ne.latency.p50!).toBeGreaterThanOrEqual(20);
    expect(ne.latency.p50!).toBeLessThan(40);
    expect(ne.latency.min!).toBeGreaterThanOrEqual(20);
    // the undelayed agent measured in the same run stays below the delayed one
    expect(r.agents[1].latency.p50!).toBeLessThan(ne.latency.p50!);
  });

  test('latency is measured from the intended send time: a blocked sender shows up in the latency', async () => {
    const p = plan();
    sim = await startSimAgents({ plan: p, servers: [server.url], ratePerSecond: 0, subscribe: 'none', baseLatency: { medianMs: 0 } });
    const conn = await connect({ servers: server.url });
    nc = conn;
    const pending = runProbe({ nc: conn, agent: 'qa-expert', subject: 'agent.to.qa-expert.from.test.question', payload: '{}', count: 20, ratePerSecond: 100, timeoutMs: 2000 });
    await sleep(50);
    const until = Date.now() + 100;
    while (Date.now() < until); // block the event loop for 100 ms: the sender falls behind its schedule
    const r = await pending;
    expect(r.replies).toBe(20);
    expect(r.latency.max!).toBeGreaterThanOrEqual(60);
    expect(r.sendLag.max!).toBeGreaterThanOrEqual(60);
  });

  test('dropped replies: timeouts counted exactly, delivery < 100 %; corrupt replies counted', async () => {
    const p = plan();
    sim = await startSimAgents({ plan: p, servers: [server.url], ratePerSecond: 0, subscribe: 'none', baseLatency: { medianMs: 0 } });
    sim.setFault({ agent: 'tdd-expert' }, { dropRepliesPct: 10 });
    sim.setFault({ agent: 'nix-expert' }, { corruptPct: 20 });
    const r = await probeAgents(p, { kind: 'checkpoint', count: 60, ratePerSecond: 100, timeoutMs: 300, agents: ['tdd-expert', 'nix-expert'] });
    const td = r.agents[0];
    // the agent dropped replies both in the run and, at 10 %, maybe in its re-probe right after it
    const droppedInAll = sum(sim.stats().filter((s) => s.agent === 'tdd-expert').map((s) => s.repliesDropped));
    expect(td.reprobe).toEqual(expect.objectContaining({ sent: 5 }));
    const dropped = droppedInAll - td.reprobe!.lossCount;
    expect(dropped).toBeGreaterThan(0);
    expect(td.timeouts).toBe(dropped);
    expect(td.replies + td.timeouts).toBe(60);
    expect(td.lossCount).toBe(dropped);
    expect(td.deliveryPct!).toBeLessThan(100);
    expect(td.latency.count).toBe(td.replies);
    const nx = r.agents[1];
    const corrupt = sum(sim.stats().filter((s) => s.agent === 'nix-expert').map((s) => s.repliesCorrupt));
    expect(corrupt).toBeGreaterThan(0);
    expect(nx.corrupt).toBe(corrupt);
    expect(nx.deliveryPct).toBe(100);
    expect(r.underTest.lossCount).toBe(dropped);
  });

  test('an agent that stops answering: every request a timeout, no latency invented; no responders counted apart', async () => {
    const p = plan();
    const ev = new EventEmitter();
    const units: UnitStateSource = { isActive: (_h, a) => a !== 'nix-expert', on: (e, fn) => ev.on(e, fn) };
    sim = await startSimAgents({ plan: p, servers: [server.url], units, ratePerSecond: 0, subscribe: 'none' });
    sim.setFault({ agent: 'qa-expert' }, { stopAnswering: true });
    const r = await probeAgents(p, { kind: 'tick', count: 10, ratePerSecond: 50, timeoutMs: 200, agents: ['qa-expert', 'nix-expert'] });
    expect(r.agents[0]).toMatchObject({ sent: 10, replies: 0, timeouts: 10, noResponders: 0, deliveryPct: 0, lossCount: 10 });
    expect(r.agents[0].latency).toMatchObject({ count: 0, p50: null, p99: null });
    expect(r.agents[1]).toMatchObject({ sent: 10, replies: 0, timeouts: 0, noResponders: 10, deliveryPct: 0 });
  });

  test('an agent that lost replies is re-probed in the same run: a passing stall shows a clean re-probe, a dead agent a lost one', async () => {
    // one host: one instance per agent, so the simulator's every-nth drop is exact
    const p = testPlan(server.url, server.monitoringUrl, (x) => (x.hosts = x.hosts.slice(0, 1)));
    sim = await startSimAgents({ plan: p, servers: [server.url], ratePerSecond: 0, subscribe: 'none', baseLatency: { medianMs: 0 } });
    sim.setFault({ agent: 'network-expert' }, { dropRepliesPct: 10 }); // the 10th of 10 requests; the next 5 are answered
    sim.setFault({ agent: 'tdd-expert' }, { stopAnswering: true });
    const r = await probeAgents(p, { kind: 'tick', count: 10, ratePerSecond: 100, timeoutMs: 300, agents: ['network-expert', 'tdd-expert', 'nix-expert'] });
    const [ne, td, nx] = r.agents;
    expect(ne).toMatchObject({ sent: 10, replies: 9, lossCount: 1 });
    expect(ne.reprobe).toMatchObject({ sent: REPROBE_REQUESTS, replies: REPROBE_REQUESTS, lossCount: 0, connectionErrors: 0 });
    expect(td).toMatchObject({ sent: 10, replies: 0, lossCount: 10 });
    expect(td.reprobe).toMatchObject({ sent: REPROBE_REQUESTS, replies: 0, lossCount: REPROBE_REQUESTS });
    // nothing lost: no second look
    expect(nx).toMatchObject({ lossCount: 0, reprobe: null });
    // the re-probe's requests reached the agent (10 + 5) and are not mixed into the run's figures
    expect(sum(sim.stats().filter((s) => s.agent === 'network-expert').map((s) => s.probesReceived))).toBe(10 + REPROBE_REQUESTS);
    expect(r.underTest).toMatchObject({ sent: 20, replies: 9, lossCount: 11 });
    // and the judge's observation carries it
    expect(probeResult('test', ne, false).reprobe).toEqual({ sent: REPROBE_REQUESTS, lost: 0 });
    expect(probeResult('test', td, false).reprobe).toEqual({ sent: REPROBE_REQUESTS, lost: REPROBE_REQUESTS });
    expect('reprobe' in probeResult('control', nx, false)).toBe(false);
  });

  test('tick probes use perTick by default; a burst measures max-rate throughput', async () => {
    const p = plan();
    p.nats.probe.perTick = 7;
    sim = await startSimAgents({ plan: p, servers: [server.url], ratePerSecond: 0, subscribe: 'none', baseLatency: { medianMs: 0 } });
    const r = await probeAgents(p, { kind: 'tick', ratePerSecond: 100, agents: ['network-expert'], burst: { requests: 200, concurrency: 20 } });
    expect(r.agents[0].sent).toBe(7 + 200);
    expect(r.agents[0].latency.count).toBe(7);
    expect(r.agents[0].burst).toMatchObject({ requests: 200, replies: 200 });
    expect(r.agents[0].burst!.repliesPerSecond!).toBeGreaterThan(0);
  });

  test('nats-server killed during probes: a clear fault, no exception, NATS failures kept apart from agent losses', async () => {
    const own = await startNatsServer({});
    try {
      const p = plan(own);
      sim = await startSimAgents({ plan: p, servers: [own.url], ratePerSecond: 0, subscribe: 'none' });
      const pending = probeAgents(p, { kind: 'checkpoint', count: 30, ratePerSecond: 20, timeoutMs: 300, agents: ['network-expert'] });
      await sleep(600);
      await own.kill();
      const r = await pending;
      const a = r.agents[0];
      expect(r.fault?.kind).toBe('nats-disconnected');
      expect(r.complete).toBe(false);
      expect(a.connectionErrors).toBeGreaterThan(0);
      expect(a.replies).toBeGreaterThan(0);
      expect(a.replies + a.timeouts + a.noResponders + a.connectionErrors + a.otherErrors).toBe(a.sent);
      expect(a.timeouts).toBe(0);
      const unreachable = await probeAgents(p, { kind: 'tick', count: 3 });
      expect(unreachable.fault?.kind).toBe('nats-unreachable');
      expect(unreachable.underTest.deliveryPct).toBeNull();
    } finally {
      await sim?.stop();
      sim = undefined;
      await own.stop();
    }
  });
});

describe('server statistics and health', () => {
  test('connections per agent, dual subscription, exact message deltas, a crash resets the baseline', async () => {
    const p = plan();
    sim = await startSimAgents({ plan: p, servers: [server.url], ratePerSecond: 0 });
    // earlier tests' agent connections may linger for a moment on the shared server
    const first = (await waitFor(async () => {
      const s = await collectServerStats(p);
      return s.instances.every((i) => i.connections === 1) ? s : null;
    }, 'one connection per agent instance'))!;
    expect(first.reachable).toBe(true);
    expect(first.healthy).toBe(true);
    expect(first.connections).toMatchObject({ agentsExpected: 12, agentsPresent: 12, missing: [] });
    expect(first.dualSubscriptionPct).toBe(100);
    expect(first.instances.every((i) => i.dualSubscribed)).toBe(true);
    await sim.publishNow({ host: 'dgx-2', agent: 'network-expert' }, 5);
    const second = await collectServerStats(p, { previous: first.snapshot });
    const ne2 = second.instances.find((i) => i.connectionName === 'network-expert@dgx-2')!;
    // published 5 events × 2 patterns; every agent connection subscribes to both patterns and got all 10
    expect(ne2.delta).toMatchObject({ inMsgs: 10, outMsgs: 10, handled: 20, reset: false, partial: false });
    const other = second.instances.find((i) => i.connectionName === 'qa-expert@dgx-1')!;
    expect(other.delta).toMatchObject({ inMsgs: 0, outMsgs: 10 });
    expect(second.connectionDrops).toBe(0);

    await sim.crash('dgx-1', 'tdd-expert');
    const third = await collectServerStats(p, { previous: second.snapshot });
    const td = third.instances.find((i) => i.connectionName === 'tdd-expert@dgx-1')!;
    expect(td.present).toBe(true);
    expect(td.dropped).toBe(1);
    expect(td.delta).toMatchObject({ reset: true, partial: false });
    expect(third.connectionDrops).toBe(1);
  });

  test('natsHealth: reachable with agents present; missing agents named; server down is reported, not thrown', async () => {
    const own = await startNatsServer({});
    try {
      const p = plan(own);
      sim = await startSimAgents({ plan: p, servers: [own.url], ratePerSecond: 0, subscribe: 'none' });
      const ok = await natsHealth(p);
      expect(ok).toMatchObject({ reachable: true, monitoringReachable: true, healthy: true, problems: [] });
      expect(ok.agentConnections).toMatchObject({ expected: 12, present: 12 });
      await sim.stop();
      sim = undefined;
      // the server notices closed connections asynchronously: poll until it has
      const none = (await waitFor(async () => {
        const h = await natsHealth(p);
        return h.agentConnections?.present === 0 ? h : null;
      }, 'agent connections gone'))!;
      expect(none.agentConnections).toMatchObject({ present: 0, expected: 12 });
      expect(none.agentConnections!.underTestMissing).toHaveLength(6);
      await own.kill();
      const down = await natsHealth(p, { timeoutMs: 1000 });
      expect(down).toMatchObject({ reachable: false, monitoringReachable: false, healthy: null, agentConnections: null });
      expect(down.problems.join(' ')).toMatch(/unreachable/);
      const stats = await collectServerStats(p, { timeoutMs: 1000 });
      expect(stats.reachable).toBe(false);
      expect(stats.error).toMatch(/unreachable/);
      expect(stats.dualSubscriptionPct).toBeNull();
      // the server comes back on the same ports; a long-lived connection reconnects
      await own.restart();
      nc = await connect({ servers: own.url, reconnectTimeWait: 100, maxReconnectAttempts: -1 });
      expect((await natsHealth(p, { nc })).reachable).toBe(true);
    } finally {
      await own.stop();
    }
  });
});

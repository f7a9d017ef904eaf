// The local nats-server and the simulated agents, against a real server on free ports.
import { EventEmitter } from 'node:events';
import { startNatsServer, type NatsServerHandle } from '../../src/stack/nats-server';
import { startSimAgents } from '../../src/sim/nats-agents';
import type { SimAgents, UnitStateSource } from '../../src/sim/sim-agents';
import { connect, type NatsConnection } from '../../src/collect/nats/client';
import { testPlan, waitFor, getJson } from './helpers';

let server: NatsServerHandle;
beforeAll(async () => {
  server = await startNatsServer({});
});
afterAll(async () => {
  await server?.stop();
});

test('nats-server listens on loopback with monitoring, restarts on the same ports, stops', async () => {
  expect(server.url).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
  const varz = await getJson(`${server.monitoringUrl}/varz`);
  expect(varz.host).toBe('127.0.0.1');
  expect(varz.port).toBe(server.port);
  const pid = server.pid;
  await server.restart();
  expect(server.pid).not.toBe(pid);
  expect((await fetch(`${server.monitoringUrl}/healthz`)).status).toBe(200);
  const other = await startNatsServer({});
  expect(other.port).not.toBe(server.port);
  await other.stop();
  expect(other.running).toBe(false);
  await expect(fetch(`${other.monitoringUrl}/healthz`)).rejects.toThrow();
});

describe('simulated agents', () => {
  let sim: SimAgents;
  let nc: NatsConnection;
  const plan = () => testPlan(server.url, server.monitoringUrl);
  afterEach(async () => {
    await sim?.stop();
    await nc?.close();
  });

  test('one named connection per host × agent, subscribed to both patterns, answering probes', async () => {
    const p = plan();
    sim = await startSimAgents({ plan: p, servers: [server.url], ratePerSecond: 0 });
    expect(sim.instances).toHaveLength(12);
    const connz = await getJson(`${server.monitoringUrl}/connz?subs=1&limit=1000`);
    const names = connz.connections.map((c: any) => c.name).sort();
    expect(names).toContain('network-expert@dgx-1');
    expect(names).toContain('qa-expert@dgx-3');
    expect(names.filter((n: string) => n.includes('@'))).toHaveLength(12);
    for (const c of connz.connections.filter((c: any) => c.name?.includes('@'))) {
      expect(c.subscriptions_list).toEqual(expect.arrayContaining(['cim-agent.>', 'cim.agent.>']));
    }
    nc = await connect({ servers: server.url });
    const reply = await nc.request('agent.to.tdd-expert.from.test.question', p.nats.probe.payload, { timeout: 2000 });
    expect(reply.json<any>().agent).toBe('tdd-expert');
    // queue group: one request, one answer (of three instances)
    const received = sim.stats().filter((s) => s.agent === 'tdd-expert').reduce((a, s) => a + s.probesReceived, 0);
    expect(received).toBe(1);
  });

  test('publishes each event on both patterns with one message id; single-publish fault; corrupt payloads', async () => {
    sim = await startSimAgents({ plan: plan(), servers: [server.url], ratePerSecond: 0, subscribe: 'none' });
    nc = await connect({ servers: server.url });
    const seen: { subject: string; id: string | undefined; data: string }[] = [];
    nc.subscribe('cim-agent.>', { callback: (_e, m) => { seen.push({ subject: m.subject, id: m.headers?.get('Nats-Msg-Id'), data: m.string() }); } });
    nc.subscribe('cim.agent.>', { callback: (_e, m) => { seen.push({ subject: m.subject, id: m.headers?.get('Nats-Msg-Id'), data: m.string() }); } });
    await nc.flush();
    await sim.publishNow({ host: 'dgx-1', agent: 'network-expert' }, 4);
    await waitFor(() => seen.length >= 8, '8 messages');
    expect(seen.filter((s) => s.subject.startsWith('cim-agent.network-expert.'))).toHaveLength(4);
    expect(seen.filter((s) => s.subject.startsWith('cim.agent.network-expert.'))).toHaveLength(4);
    const ids = new Set(seen.map((s) => s.id));
    expect(ids.size).toBe(4);
    seen.length = 0;
    sim.setFault({ agent: 'tdd-expert' }, { singlePublish: true, corruptPct: 50 });
    await sim.publishNow({ agent: 'tdd-expert' }, 2);
    await waitFor(() => seen.length >= 6, '6 messages');
    await nc.flush();
    expect(seen).toHaveLength(6);
    expect(seen.every((s) => s.subject.startsWith('cim-agent.'))).toBe(true);
    const bad = seen.filter((s) => { try { JSON.parse(s.data); return false; } catch { return true; } });
    expect(bad).toHaveLength(3);
  });

  test('faults: added latency, dropped replies; crash comes back with a new connection id', async () => {
    sim = await startSimAgents({ plan: plan(), servers: [server.url], ratePerSecond: 0, subscribe: 'none' });
    nc = await connect({ servers: server.url });
    sim.setFault({ agent: 'nix-expert' }, { latencyMs: 50 });
    const t0 = performance.now();
    await nc.request('agent.to.nix-expert.from.test.question', '{}', { timeout: 2000 });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(49);
    sim.setFault({ agent: 'qa-expert' }, { dropRepliesPct: 100 });
    await expect(nc.request('agent.to.qa-expert.from.test.question', '{}', { timeout: 300 })).rejects.toThrow();
    const before = sim.stats().find((s) => s.host === 'dgx-2' && s.agent === 'qa-expert')!;
    await sim.crash('dgx-2', 'qa-expert');
    const after = sim.stats().find((s) => s.host === 'dgx-2' && s.agent === 'qa-expert')!;
    expect(after.connected).toBe(true);
    expect(after.cid).not.toBeNull();
    expect(after.cid).not.toBe(before.cid);
    expect(after.connections).toBe(2);
  });

  test('an inactive unit has no connection and answers nothing; it connects when the unit starts', async () => {
    const ev = new EventEmitter();
    const active = new Set(['dgx-1/network-expert']);
    const units: UnitStateSource = {
      isActive: (h, a) => active.has(`${h}/${a}`),
      on: (e, fn) => ev.on(e, fn),
    };
    sim = await startSimAgents({ plan: plan(), servers: [server.url], units, ratePerSecond: 0, subscribe: 'none' });
    const named = async () => (await getJson(`${server.monitoringUrl}/connz?limit=1000`)).connections.filter((c: any) => c.name?.includes('@')).map((c: any) => c.name);
    // connections of the previous test may linger for a moment on the server
    await waitFor(async () => (await named()).length === 1, 'only one agent connection');
    expect(await named()).toEqual(['network-expert@dgx-1']);
    nc = await connect({ servers: server.url });
    await expect(nc.request('agent.to.tdd-expert.from.test.question', '{}', { timeout: 1000 })).rejects.toThrow(/no responders/i);
    active.add('dgx-3/tdd-expert');
    ev.emit('unit-changed', { host: 'dgx-3', agent: 'tdd-expert', active: true });
    await waitFor(async () => (await named()).includes('tdd-expert@dgx-3'), 'tdd-expert@dgx-3 connected');
    await expect(nc.request('agent.to.tdd-expert.from.test.question', '{}', { timeout: 1000 })).resolves.toBeTruthy();
    ev.emit('unit-changed', { host: 'dgx-1', agent: 'network-expert', active: false });
    await waitFor(async () => !(await named()).includes('network-expert@dgx-1'), 'network-expert@dgx-1 gone');
  });

  test('background rate publishes about rate × time events per instance', async () => {
    sim = await startSimAgents({ plan: plan(), servers: [server.url], ratePerSecond: 20, subscribe: 'none' });
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, 1000));
    const s = sim.stats();
    const expected = ((Date.now() - t0) / 1000) * 20;
    for (const i of s) {
      // open loop: rate × elapsed (+ a random phase of at most one event, − one scheduler tick)
      expect(i.events).toBeGreaterThanOrEqual(Math.floor(expected) - 2);
      expect(i.events).toBeLessThanOrEqual(Math.ceil(expected) + 2);
      expect(i.legacyPublished).toBe(i.events);
      expect(i.unifiedPublished).toBe(i.events);
    }
  });
});

test('agents come back after a nats-server restart on the same ports (a new server id)', async () => {
  const own = await startNatsServer({});
  let sim: SimAgents | undefined;
  try {
    const p = testPlan(own.url, own.monitoringUrl);
    sim = await startSimAgents({ plan: p, servers: [own.url], ratePerSecond: 0, subscribe: 'none' });
    const before = (await getJson(`${own.monitoringUrl}/varz`)).server_id;
    await own.restart();
    await waitFor(async () => (await getJson(`${own.monitoringUrl}/connz?limit=1000`)).connections.filter((c: any) => c.name?.includes('@')).length === 12, '12 agents reconnected', 15_000);
    expect((await getJson(`${own.monitoringUrl}/varz`)).server_id).not.toBe(before);
    await waitFor(() => sim!.stats().every((s) => s.connected), 'sim sees itself connected');
  } finally {
    await sim?.stop();
    await own.stop();
  }
});

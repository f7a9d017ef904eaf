// The watch's NATS link against a real nats-server: killed and restarted, it is one outage with the
// real start and duration; a server not there at the start is an outage from the first attempt; a
// flapping server is one event with its flaps counted; a healthy link records nothing.
import { startNatsServer, freePort, type NatsServerHandle } from '../../src/stack/nats-server';
import { startNatsLink, type NatsLink } from '../../src/collect/watch/nats-link';
import { testPlan, sleep, waitFor } from '../collect-nats/helpers';
import { testWatch, type TestWatch } from './helpers';

let server: NatsServerHandle | undefined;
let w: TestWatch | undefined;
let link: NatsLink | undefined;
afterEach(async () => {
  w?.stop();
  await link?.done;
  await server?.stop();
  server = link = w = undefined;
});

test('healthy for a while: no event; then killed and restarted: one outage with its real start and duration', async () => {
  server = await startNatsServer({});
  w = testWatch(testPlan(server.url, server.monitoringUrl));
  link = startNatsLink(w.ctx);
  await waitFor(() => link!.connection(), 'the watch connection');
  await sleep(1000);
  expect(w.events()).toEqual([]);
  const killedAt = Date.now();
  await server.kill();
  await sleep(1200);
  await server.restart();
  const upAt = Date.now();
  await waitFor(() => w!.events()[0]?.endMs, 'the outage to end');
  const [ev, ...rest] = w.events();
  expect(rest).toEqual([]);
  expect(ev).toMatchObject({ kind: 'nats-outage', subject: server.url, role: null, flaps: 0 });
  expect(Math.abs(ev.startMs - killedAt)).toBeLessThan(300);
  // reconnect attempts every probe interval (200 ms) find the server within about one
  expect(ev.endMs! - upAt).toBeGreaterThanOrEqual(-50);
  expect(ev.endMs! - upAt).toBeLessThan(700);
  expect(ev.endMs! - ev.startMs).toBeGreaterThan(1150);
  expect(ev.evidence).toMatch(/disconnected from .*reconnected to/);
  expect(w.began).toHaveLength(1);
  expect(link.connection()).not.toBeNull();
});

test('a server not there when the watch starts: an outage from the first attempt until it connects', async () => {
  const port = await freePort();
  const url = `nats://127.0.0.1:${port}`;
  w = testWatch(testPlan(url, 'http://127.0.0.1:1'));
  const startedAt = Date.now();
  link = startNatsLink(w.ctx);
  await sleep(800);
  expect(w.events()).toEqual([expect.objectContaining({ kind: 'nats-outage', subject: url, endMs: null })]);
  expect(w.events()[0].startMs - startedAt).toBeLessThan(200);
  expect(w.events()[0].evidence).toMatch(/cannot connect/);
  server = await startNatsServer({ port });
  const upAt = Date.now();
  await waitFor(() => w!.events()[0]?.endMs, 'the outage to end');
  expect(w.events()).toHaveLength(1);
  expect(w.events()[0].endMs! - upAt).toBeLessThan(700);
  expect(w.began).toHaveLength(1);
});

test('a flapping server is one event with its flaps counted', async () => {
  server = await startNatsServer({});
  w = testWatch(testPlan(server.url, server.monitoringUrl), { flapMergeMs: 5000 });
  link = startNatsLink(w.ctx);
  await waitFor(() => link!.connection(), 'the watch connection');
  for (let i = 0; i < 3; i++) {
    const n = i;
    await server.kill();
    await sleep(250);
    await server.restart();
    await waitFor(() => w!.events()[0]?.endMs && w!.events()[0].flaps === n, `reconnect ${n + 1}`);
  }
  const ev = w.events();
  expect(ev).toHaveLength(1);
  expect(ev[0]).toMatchObject({ kind: 'nats-outage', flaps: 2 });
  expect(ev[0].evidence).toMatch(/flap 2 at/);
  expect(w.began).toHaveLength(3);
});

test('a hung server (stopped, its socket open) goes stale on unanswered pings: an outage until it answers again', async () => {
  server = await startNatsServer({});
  w = testWatch(testPlan(server.url, server.monitoringUrl));
  link = startNatsLink(w.ctx);
  await waitFor(() => link!.connection(), 'the watch connection');
  const stoppedAt = Date.now();
  process.kill(server.pid, 'SIGSTOP');
  try {
    // pings every second at the least (a stall of the worker itself must not look like an outage),
    // 2 unanswered: stale within about 3 s, not at the next tick
    await waitFor(() => w!.events().length, 'the hang to be noticed', 5000);
    const seenAt = Date.now();
    expect(seenAt - stoppedAt).toBeGreaterThanOrEqual(1500);
    expect(seenAt - stoppedAt).toBeLessThan(4500);
    await sleep(500);
  } finally {
    process.kill(server.pid, 'SIGCONT');
  }
  const contAt = Date.now();
  await waitFor(() => w!.events()[0]?.endMs, 'the outage to end', 5000);
  const [ev, ...rest] = w.events();
  expect(rest).toEqual([]);
  expect(ev.startMs - stoppedAt).toBeGreaterThanOrEqual(1500);
  expect(ev.startMs - stoppedAt).toBeLessThan(4500);
  expect(ev.endMs! - contAt).toBeLessThan(2000);
  expect(ev.evidence).toMatch(/pings unanswered/);
});

test('minOutage: a disconnect shorter than it is neither recorded nor told; a longer one is, once it has lasted that long', async () => {
  server = await startNatsServer({});
  w = testWatch(testPlan(server.url, server.monitoringUrl), { minOutageMs: 1000 });
  link = startNatsLink(w.ctx);
  await waitFor(() => link!.connection(), 'the watch connection');
  await server.kill();
  await server.restart();
  await waitFor(() => link!.connection() && !w!.ctx.recorder.isOpen('nats-outage', server!.url), 'the reconnect');
  await sleep(1100);
  expect(w.events()).toEqual([]);
  expect(w.began).toEqual([]);
  const killedAt = Date.now();
  await server.kill();
  await sleep(500);
  expect(w.began).toEqual([]); // not yet minOutage long
  await sleep(700);
  expect(w.began).toHaveLength(1);
  await server.restart();
  await waitFor(() => w!.events()[0]?.endMs, 'the outage to end');
  expect(w.events()).toHaveLength(1);
  expect(Math.abs(w.events()[0].startMs - killedAt)).toBeLessThan(300);
});

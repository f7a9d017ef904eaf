// runWatch over a real nats-server, the simulated agents and the simulated SSH hosts: a healthy
// fleet is saved every beat with no event; an instance crash is saved before onBegin is told; an
// earlier blind gap is recorded as the watch's own; abort closes everything and resolves with the
// report last saved.
import { join } from 'node:path';
import { startNatsServer, type NatsServerHandle } from '../../src/stack/nats-server';
import { startSimAgents } from '../../src/sim/nats-agents';
import type { SimAgents } from '../../src/sim/sim-agents';
import { startSimHosts, type SimHosts } from '../../src/sim/ssh-hosts';
import { runWatch } from '../../src/collect';
import type { WatchEvent, WatchReport } from '../../src/model/watch';
import { watchReportSchema } from '../../src/model/watch';
import type { Plan } from '../../src/plan/schema';
import { testPlan, sleep, waitFor, getJson } from '../collect-nats/helpers';
import { tempDir, pointAt } from '../collect-hosts/helpers';

const tmp = tempDir();
let server: NatsServerHandle;
let agents: SimAgents;
let hosts: SimHosts;
let plan: Plan;
beforeAll(async () => {
  server = await startNatsServer({});
  plan = testPlan(server.url, server.monitoringUrl, (p) => {
    p.hosts = p.hosts.slice(0, 2);
    p.watch = { enabled: true, probeInterval: 5000, silence: 30_000, minOutage: 0, flapMerge: 60_000 };
  });
  hosts = await startSimHosts({ plan, stateDir: join(tmp.dir, 'sim') });
  pointAt(plan, hosts);
  agents = await startSimAgents({ plan, servers: [server.url], ratePerSecond: 0, subscribe: 'none', crashRestartMs: 100 });
  await agents.ready(5000);
});
afterAll(async () => {
  await agents?.stop();
  await hosts?.stop();
  await server?.stop();
  tmp.cleanup();
});

const watchConnections = async () => ((await getJson(`${server.monitoringUrl}/connz?limit=1000`)).connections as { name?: string }[]).filter((c) => c.name?.endsWith(':watch')).length;

test('healthy, then a crash: beats saved every ~second, the event saved before onBegin; abort closes all', async () => {
  const saves: WatchReport[] = [];
  const begun: { event: WatchEvent; savedBefore: boolean }[] = [];
  const ac = new AbortController();
  const startedAt = Date.now();
  const done = runWatch(plan, {
    waveId: 'wave-x',
    watcher: 'run-1/1',
    timeScale: 720, // floors: probe 200 ms, silence 600 ms
    signal: ac.signal,
    env: {},
    blind: { fromMs: startedAt - 4000, why: 'no beat from run-0/1 since its last save' },
    save: (r) => void saves.push(watchReportSchema.parse(r)),
    onBegin: (event) => begun.push({ event, savedBefore: saves.some((s) => s.events.some((e) => e.kind === event.kind && e.subject === event.subject)) }),
  });
  await waitFor(async () => (await watchConnections()) === 1, 'the watch connection');
  await sleep(1500);
  const healthy = saves[saves.length - 1];
  expect(healthy.events.map((e) => e.kind)).toEqual(['watch-blind']);
  expect(healthy.events[0]).toMatchObject({ subject: 'watch', startMs: startedAt - 4000 });
  expect(saves.length).toBeGreaterThanOrEqual(2);
  expect(healthy.lastBeatMs).toBeGreaterThan(saves[0].lastBeatMs);
  expect(healthy.probesAnswered).toBeGreaterThan(0);
  expect(begun).toEqual([]);

  await agents.crash('dgx-1', 'tdd-expert');
  await waitFor(() => begun.length, 'onBegin', 2000);
  expect(begun[0].event).toMatchObject({ kind: 'instance-offline', subject: 'tdd-expert@dgx-1', role: 'test' });
  expect(begun[0].savedBefore).toBe(true);

  await sleep(300);
  ac.abort();
  const last = await done;
  expect(last).toEqual(saves[saves.length - 1]);
  expect(last.events.map((e) => e.kind)).toEqual(['watch-blind', 'instance-offline']);
  expect(last.events[1].endMs).not.toBeNull();
  expect(last).toMatchObject({ waveId: 'wave-x', watcher: 'run-1/1', eventsDropped: 0 });
  expect(last.probesSent).toBeGreaterThanOrEqual(4 * 7);
  await waitFor(async () => (await watchConnections()) === 0, 'the watch connection to close', 3000);
});

test('a plan that turns the watch off is refused at once', async () => {
  const off = { ...plan, watch: { ...plan.watch, enabled: false } };
  await expect(runWatch(off, { waveId: 'w', watcher: 'r/1', timeScale: 1, signal: new AbortController().signal, save: () => undefined })).rejects.toThrow(/watch off/);
});

test('an abort before the start resolves at once with a saved report', async () => {
  const ac = new AbortController();
  ac.abort();
  const saves: WatchReport[] = [];
  const t0 = Date.now();
  const r = await runWatch(plan, { waveId: 'w', watcher: 'r/1', timeScale: 720, signal: ac.signal, env: {}, save: (x) => void saves.push(x) });
  expect(Date.now() - t0).toBeLessThan(1000);
  expect(r.events).toEqual([]);
  expect(saves[saves.length - 1]).toEqual(r);
});

test("wavewatch's own setup (an unreadable key or credentials file) rejects runWatch before anything is saved", async () => {
  const saves: WatchReport[] = [];
  const opts = { waveId: 'w', watcher: 'r/1', timeScale: 720, signal: new AbortController().signal, env: {}, save: (x: WatchReport) => void saves.push(x) };
  const noKey = { ...plan, ssh: { ...plan.ssh, identityFile: join(tmp.dir, 'missing-key') } };
  await expect(runWatch(noKey, opts)).rejects.toThrow(/cannot read the SSH key/);
  const noCreds = { ...plan, nats: { ...plan.nats, credentialsFile: join(tmp.dir, 'missing.creds') } };
  await expect(runWatch(noCreds, opts)).rejects.toThrow(/cannot read the NATS credentials file/);
  expect(saves).toEqual([]);
});

// Last in the file: it kills the shared NATS server (and starts it again on its port).
test("an event's end is saved at once, not at the next beat: a reader right after it finds it over", async () => {
  const saves: { at: number; report: WatchReport }[] = [];
  const ac = new AbortController();
  const done = runWatch(plan, { waveId: 'wave-y', watcher: 'run-2/1', timeScale: 720, signal: ac.signal, env: {}, saveEveryMs: 10_000, save: (r) => void saves.push({ at: Date.now(), report: r }) });
  await waitFor(async () => (await watchConnections()) === 1, 'the watch connection');
  await server.kill();
  await sleep(300);
  await server.restart();
  const outage = (s: { report: WatchReport }) => s.report.events.find((e) => e.kind === 'nats-outage');
  await waitFor(() => saves.some((s) => outage(s)?.endMs), "the outage's end saved", 5000);
  const first = saves.find((s) => outage(s)?.endMs)!;
  // its start was saved at once (it began); its end too, within the change check — not at the 10 s beat
  expect(saves.some((s) => outage(s) && outage(s)!.endMs === null)).toBe(true);
  expect(first.at - outage(first)!.endMs!).toBeLessThan(1000);
  ac.abort();
  await done;
});

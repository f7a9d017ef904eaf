// Every fault kind against a real LocalFleet (nats-server, simulated SSH hosts and NATS agents on
// free loopback ports): applied at its scaled time, with its effect visible to a real NATS client,
// a TCP client or the fleet's state, and taken back when its `for` ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlan } from '../../src/plan/load';
import { startLocalFleet, type LocalFleet } from '../../src/stack/local-stack';
import { connect, type NatsConnection } from '../../src/collect/nats/client';
import { probeSubject } from '../../src/collect/nats/subjects';
import { GIB } from '../../src/sim/sim-host';
import { parseScenarioText } from '../../src/sim/scenario';
import { runScenario, type ScenarioEvent } from '../../src/sim/scenario-runner';

jest.setTimeout(60_000);

const SCALE = 3600; // one plan hour is one second
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dir: string;
let fleet: LocalFleet;
let nc: NatsConnection;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wavewatch-scenario-'));
  fleet = await startLocalFleet({ plan: loadPlan(join(__dirname, '../../plans/local.yaml')), stateDir: dir, freePorts: true, ratePerSecond: 20 });
  await fleet.agents.ready();
});
afterAll(async () => {
  await nc?.close().catch(() => undefined);
  await fleet?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** One probe request: its reply text and time, or null on timeout. */
async function probe(agent: string, timeoutMs = 600): Promise<{ ms: number; text: string } | null> {
  const t0 = performance.now();
  try {
    const m = await nc.request(probeSubject(fleet.plan.nats.probe.subject, agent), fleet.plan.nats.probe.payload, { timeout: timeoutMs });
    return { ms: performance.now() - t0, text: m.string() };
  } catch {
    return null;
  }
}

/** Whether the host's SSH port greets (an SSH banner) or closes at once. */
function sshGreets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tcpConnect({ host: '127.0.0.1', port });
    const done = (v: boolean) => {
      s.destroy();
      resolve(v);
    };
    s.once('data', (d) => done(d.toString().startsWith('SSH-')));
    s.once('close', () => done(false));
    s.once('error', () => done(false));
    setTimeout(() => done(false), 1500);
  });
}

const isJson = (t: string) => {
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
};

test('each fault kind has its effect on a running fleet and is taken back', async () => {
  const { model, agents } = fleet;
  const scenario = parseScenarioText(
    `name: every-fault
faults:
  - { at: 1h, for: 3h, target: { agent: network-expert }, fault: latency, value: 150ms }
  - { at: 1h, for: 3h, target: { agent: tdd-expert }, fault: drop-replies, value: 50% }
  - { at: 1h, for: 3h, target: { agent: qa-expert }, fault: corrupt-payload, value: 50% }
  - { at: 1h, for: 3h, target: { agent: nix-expert, host: dgx-1 }, fault: single-publish }
  - { at: 1h, for: 3h, target: { agent: tdd-expert, host: dgx-1 }, fault: errors, value: 20/s }
  - { at: 1h, for: 3h, target: { agent: network-expert, host: dgx-2 }, fault: memory-growth, value: 36GB }
  - { at: 1h, for: 3h, target: { host: dgx-1 }, fault: load, value: 3.5 }
  - { at: 1h, for: 3h, target: { host: dgx-2 }, fault: disk-fill, value: 95% }
  - { at: 1h, for: 3h, target: { host: dgx-3 }, fault: host-down }
  - { at: 1h, for: 3h, target: { agent: qa-expert, host: dgx-2 }, fault: stop }
  - { at: 1h, target: { agent: nix-expert, host: dgx-2 }, fault: crash }
  - { at: 5h, for: 1h, fault: nats-down }
`,
    fleet.plan,
  );
  nc = await connect({ servers: fleet.nats.url, reconnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
  const stat = (host: string, agent: string) => agents.stats().find((s) => s.host === host && s.agent === agent)!;
  const errorLines = () => model.unit('dgx-1', 'tdd-expert').journal.filter((e) => e.priority <= 3).length;
  const base = {
    load: [...model.host('dgx-1').load],
    disk: model.host('dgx-2').disk.usedBytes,
    restarts: model.unit('dgx-2', 'nix-expert').nRestarts,
    connections: stat('dgx-2', 'nix-expert').connections,
    errors: errorLines(),
    dgx3Port: fleet.plan.hosts.find((h) => h.name === 'dgx-3')!.port,
  };
  expect(await sshGreets(base.dgx3Port)).toBe(true);
  expect((await probe('network-expert'))!.ms).toBeLessThan(100);

  const events: ScenarioEvent[] = [];
  const errors: unknown[] = [];
  const start = Date.now() + 200;
  const run = runScenario(scenario, fleet, { startAtMs: start, timeScale: SCALE, onEvent: (e) => events.push(e), onError: (e) => errors.push(e) });
  const until = (planHours: number) => sleep(Math.max(0, start + planHours * 1000 - Date.now()));
  try {
    await until(1.3);
    // host, unit and resource faults: the fleet's state as the SSH simulator serves it
    expect(model.host('dgx-1').load).toEqual([3.5, 3.5, 3.5]);
    expect(model.host('dgx-2').disk.usedBytes / model.host('dgx-2').disk.sizeBytes).toBeCloseTo(0.95, 6);
    expect(model.host('dgx-3').down).toBe('refuse');
    expect(await sshGreets(base.dgx3Port)).toBe(false);
    expect(model.unit('dgx-2', 'qa-expert').activeState).toBe('inactive');
    expect(stat('dgx-2', 'qa-expert').connected).toBe(false);
    expect(model.unit('dgx-2', 'network-expert').memoryGrowthPerSec).toBeCloseTo((36e9 * SCALE) / 3600, 0);
    const mem0 = model.memoryCurrent(model.unit('dgx-2', 'network-expert'))!;
    // a crash: NRestarts + 1 and a new NATS connection once systemd restarted it
    expect(model.unit('dgx-2', 'nix-expert').nRestarts).toBe(base.restarts + 1);
    expect(model.unit('dgx-2', 'nix-expert').journal.some((e) => String(e.message).includes('FATAL'))).toBe(true);
    await agents.ready(5000);
    expect(stat('dgx-2', 'nix-expert').connections).toBe(base.connections + 1);

    // NATS-side faults, seen by a real client
    const slow = await probe('network-expert');
    expect(slow!.ms).toBeGreaterThanOrEqual(150);
    const drops = await Promise.all(Array.from({ length: 10 }, () => probe('tdd-expert', 500)));
    expect(drops.filter((r) => r === null).length).toBeGreaterThanOrEqual(3);
    const replies = await Promise.all(Array.from({ length: 6 }, () => probe('qa-expert')));
    expect(replies.filter((r) => r && !isJson(r.text)).length).toBeGreaterThanOrEqual(2);
    const single0 = stat('dgx-1', 'nix-expert');
    await sleep(300);
    const single1 = stat('dgx-1', 'nix-expert');
    expect(single1.legacyPublished).toBeGreaterThan(single0.legacyPublished);
    expect(single1.unifiedPublished).toBe(single0.unifiedPublished);
    const both = stat('dgx-2', 'nix-expert');
    expect(both.unifiedPublished).toBeGreaterThan(0);
    expect(errorLines() - base.errors).toBeGreaterThanOrEqual(10); // 20 a second for ~1 s so far
    expect(model.memoryCurrent(model.unit('dgx-2', 'network-expert'))!).toBeGreaterThan(mem0 + 1 * GIB);

    await until(4.3); // every fault of the first window has ended
    expect(model.host('dgx-1').load).toEqual(base.load);
    expect(model.host('dgx-2').disk.usedBytes).toBe(base.disk);
    expect(model.host('dgx-3').down).toBeNull();
    expect(await sshGreets(base.dgx3Port)).toBe(true);
    expect(model.unit('dgx-2', 'qa-expert').activeState).toBe('active');
    expect(model.unit('dgx-2', 'network-expert').memoryGrowthPerSec).toBe(0);
    const lines = errorLines();
    expect(lines - base.errors).toBeGreaterThanOrEqual(50); // 3 s at 20/s
    expect(lines - base.errors).toBeLessThanOrEqual(70);
    await agents.ready(5000);
    expect((await probe('network-expert'))!.ms).toBeLessThan(100);
    expect((await Promise.all(Array.from({ length: 6 }, () => probe('tdd-expert')))).every((r) => r !== null && isJson(r.text))).toBe(true);
    expect((await Promise.all(Array.from({ length: 6 }, () => probe('qa-expert')))).every((r) => r !== null && isJson(r.text))).toBe(true);
    await sleep(300);
    expect(errorLines()).toBe(lines); // no more error lines
    const u0 = stat('dgx-1', 'nix-expert').unifiedPublished;
    await sleep(300);
    expect(stat('dgx-1', 'nix-expert').unifiedPublished).toBeGreaterThan(u0);

    // nats-down for one plan hour: the server is gone, then back on the same port, the agents reconnect
    const pid = fleet.nats.pid;
    await until(5.3);
    expect(fleet.nats.running).toBe(false);
    expect(await probe('network-expert', 300)).toBeNull();
    await until(6.3);
    await sleep(500);
    expect(fleet.nats.running).toBe(true);
    expect(fleet.nats.pid).not.toBe(pid);
    await agents.ready(10_000);
    expect(await probe('network-expert', 2000)).not.toBeNull();
  } finally {
    await run.stop();
  }
  expect(errors).toEqual([]);
  expect(events.map((e) => `${e.action} ${e.fault.fault}`).sort()).toEqual(
    [
      ...['latency', 'drop-replies', 'corrupt-payload', 'single-publish', 'errors', 'memory-growth', 'load', 'disk-fill', 'host-down', 'stop', 'nats-down'].flatMap((f) => [`apply ${f}`, `revert ${f}`]),
      'crash crash',
    ].sort(),
  );
});

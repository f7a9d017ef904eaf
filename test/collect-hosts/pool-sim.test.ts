// SshPool behaviour against the simulated hosts: channel cap, host cap, timeouts (remote, local,
// connect), abort, reconnect once per collection, and a 100-host fleet on a bounded number of connections.
import { join } from 'node:path';
import { startSimHosts, type SimHosts } from '../../src/sim/ssh-hosts';
import { SshPool, sshPoolOptionsFromPlan, targetOf, type SshPoolOptions } from '../../src/collect/hosts/ssh-pool';
import { collectHosts } from '../../src/collect/hosts/collect';
import type { Plan } from '../../src/plan/schema';
import { testPlan, tempDir, pointAt } from './helpers';

describe('SshPool against simulated hosts', () => {
  const tmp = tempDir();
  let sim: SimHosts;
  let plan: Plan;
  const pools: SshPool[] = [];
  const newPool = (edit?: (o: SshPoolOptions) => void) => {
    const o = sshPoolOptionsFromPlan(plan, {});
    edit?.(o);
    const p = new SshPool(o);
    pools.push(p);
    return p;
  };
  beforeAll(async () => {
    plan = testPlan(10);
    sim = await startSimHosts({ plan, stateDir: join(tmp.dir, 'sim') });
    pointAt(plan, sim);
  });
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.close()));
  });
  afterAll(async () => {
    await sim?.stop();
    tmp.cleanup();
  });

  test('per-host channel cap: never more channels than channelsPerHost', async () => {
    const pool = newPool((o) => (o.channelsPerHost = 3));
    const t = targetOf(plan.hosts[0]);
    const before = sim.stats.get('dgx-1')!.maxChannels;
    const started = Date.now();
    const rs = await Promise.all(Array.from({ length: 12 }, () => pool.exec(t, 'sleep 0.3', { timeoutMs: 10_000 })));
    expect(rs.every((r) => r.exitCode === 0 && !r.error)).toBe(true);
    expect(pool.peakChannelsPerHost).toBe(3);
    expect(Math.max(before, sim.stats.get('dgx-1')!.maxChannels)).toBeLessThanOrEqual(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4 * 300 - 50); // 12 commands, 3 at a time
    expect(pool.connectionsOpened).toBe(1);
  });

  test('global host cap: never more hosts at once than maxConcurrentHosts', async () => {
    const pool = newPool((o) => (o.maxConcurrentHosts = 3));
    const rs = await Promise.all(plan.hosts.flatMap((h) => [0, 1].map(() => pool.exec(targetOf(h), 'sleep 0.2', { timeoutMs: 10_000 }))));
    expect(rs.every((r) => r.exitCode === 0)).toBe(true);
    expect(pool.peakConcurrentHosts).toBe(3);
    expect(pool.connectionsOpened).toBe(10);
  });

  test('remote timeout: the host kills the command (timeout -s KILL), reported as timed out', async () => {
    const pool = newPool();
    const r = await pool.exec(targetOf(plan.hosts[1]), 'sleep 30', { timeoutMs: 1000 });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBe(137);
    expect(r.error).toMatch(/timed out after 1 s \(killed on the host\)/);
    expect(r.durationMs).toBeLessThan(2500);
    const last = sim.stats.get('dgx-2')!.commands.at(-1);
    expect(last).toBe("LC_ALL=C timeout -s KILL 1 sh -c 'sleep 30'");
  });

  test('local timeout: the channel is closed when the host does not answer in time', async () => {
    const pool = newPool();
    const r = await pool.exec(targetOf(plan.hosts[1]), 'sleep 30', { timeoutMs: 500, raw: true });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBeNull();
    expect(r.error).toMatch(/timed out after 500 ms \(channel closed\)/);
    // the connection is still good
    expect((await pool.exec(targetOf(plan.hosts[1]), 'echo ok', { timeoutMs: 2000 })).stdout).toBe('ok\n');
  });

  test('abort: the command stops at once', async () => {
    const pool = newPool();
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const r = await pool.exec(targetOf(plan.hosts[2]), 'sleep 30', { timeoutMs: 20_000, signal: ac.signal });
    expect(r.error).toBe('aborted');
    expect(r.durationMs).toBeLessThan(2000);
  });

  test('connect timeout: a host that accepts TCP and never speaks', async () => {
    const pool = newPool((o) => (o.connectTimeoutMs = 700));
    sim.model.setHostDown('dgx-4', true, 'hang');
    try {
      const started = Date.now();
      const r = await pool.exec(targetOf(plan.hosts[3]), 'echo hi', { timeoutMs: 5000 });
      expect(r.exitCode).toBeNull();
      expect(r.error).toMatch(/dgx-4 .*(timed out|Timed out)/i);
      expect(Date.now() - started).toBeLessThan(3000);
      // the failure is remembered for this collection: no second dial
      const opened = pool.connectionsOpened;
      const r2 = await pool.exec(targetOf(plan.hosts[3]), 'echo hi', { timeoutMs: 5000 });
      expect(r2.error).toBe(r.error);
      expect(pool.connectionsOpened).toBe(opened);
    } finally {
      sim.model.setHostDown('dgx-4', false);
    }
  });

  test('a dropped connection is re-opened once per collection', async () => {
    const pool = newPool();
    const t = targetOf(plan.hosts[4]);
    pool.beginCollection();
    expect((await pool.exec(t, 'echo 1', { timeoutMs: 2000 })).stdout).toBe('1\n');
    const drop = async () => {
      sim.model.setHostDown('dgx-5', true); // closes the host's connections
      sim.model.setHostDown('dgx-5', false);
      await new Promise((r) => setTimeout(r, 100));
    };
    await drop();
    const r = await pool.exec(t, 'echo 2', { timeoutMs: 2000 });
    expect(r.stdout).toBe('2\n');
    expect(pool.connectionsOpened).toBe(2);
    await drop();
    const r3 = await pool.exec(t, 'echo 3', { timeoutMs: 2000 });
    expect(r3.exitCode).toBeNull();
    expect(r3.error).toMatch(/re-opened once in this collection/);
    pool.beginCollection();
    expect((await pool.exec(t, 'echo 4', { timeoutMs: 2000 })).stdout).toBe('4\n');
    expect(pool.connectionsOpened).toBe(3);
  });

  test('a connection lost while a command runs is an error for that command', async () => {
    const pool = newPool();
    const t = targetOf(plan.hosts[5]);
    const p = pool.exec(t, 'sleep 5', { timeoutMs: 10_000 });
    setTimeout(() => sim.model.setHostDown('dgx-6', true), 300);
    const r = await p;
    sim.model.setHostDown('dgx-6', false);
    expect(r.exitCode).toBeNull();
    expect(r.error).toMatch(/connection to dgx-6 lost while the command ran/);
  });

  test('wrong client key: authentication fails clearly', async () => {
    const { utils } = await import('ssh2');
    const pool = newPool((o) => (o.privateKey = Buffer.from(utils.generateKeyPairSync('ed25519').private)));
    const r = await pool.exec(targetOf(plan.hosts[6]), 'echo hi', { timeoutMs: 2000 });
    expect(r.error).toMatch(/dgx-7 .*authentication failed/);
  });

  test('closed pool and invalid targets: errors, no throw', async () => {
    const pool = newPool();
    expect((await pool.exec({ ...targetOf(plan.hosts[0]), name: "x'; id" }, 'true', { timeoutMs: 1000 })).error).toMatch(/invalid host name/);
    expect((await pool.exec({ ...targetOf(plan.hosts[0]), address: '127.0.0.1; id' }, 'true', { timeoutMs: 1000 })).error).toMatch(/invalid address/);
    await pool.close();
    expect((await pool.exec(targetOf(plan.hosts[0]), 'true', { timeoutMs: 1000 })).error).toBe('ssh pool is closed');
  });
});

describe('a 100-host simulated fleet', () => {
  const tmp = tempDir();
  let sim: SimHosts;
  afterAll(async () => {
    await sim?.stop();
    tmp.cleanup();
  });

  test('is collected with one connection per host and at most maxConcurrentHosts at once', async () => {
    const plan = testPlan(100, (p) => {
      p.ssh.maxConcurrentHosts = 16;
      p.ssh.channelsPerHost = 4;
    });
    sim = await startSimHosts({ plan, stateDir: join(tmp.dir, 'sim') });
    pointAt(plan, sim);
    const pool = new SshPool(sshPoolOptionsFromPlan(plan, {}));
    try {
      const c = await collectHosts(pool, plan, { sinceMs: Date.now() - 60_000 });
      expect(c.unreachable).toEqual([]);
      expect(c.agents).toHaveLength(400);
      expect(c.agents.every((a) => a.state === 'active')).toBe(true);
      expect(c.errors.every((e) => e.exitCode === 0)).toBe(true);
      expect(c.system.every((s) => s.reachable && s.load.value && s.gpus.value?.length === 8)).toBe(true);
      expect(pool.connectionsOpened).toBe(100);
      expect(pool.peakConcurrentHosts).toBeLessThanOrEqual(16);
      expect(pool.peakChannelsPerHost).toBeLessThanOrEqual(4);
      expect([...sim.stats.values()].every((s) => s.connections === 1 && s.maxChannels <= 4)).toBe(true);
      // a second collection reuses every connection
      await collectHosts(pool, plan, { sinceMs: Date.now() - 60_000, system: false });
      expect(pool.connectionsOpened).toBe(100);
    } finally {
      await pool.close();
    }
  }, 120_000);
});

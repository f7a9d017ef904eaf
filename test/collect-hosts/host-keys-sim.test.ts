// Host-key verification against the simulated hosts: known key accepted, unknown and changed refused.
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { utils } from 'ssh2';
import { startSimHosts, type SimHosts } from '../../src/sim/ssh-hosts';
import { SshPool, sshPoolOptionsFromPlan, targetOf } from '../../src/collect/hosts/ssh-pool';
import { fingerprintOf, hashHostName } from '../../src/collect/hosts/known-hosts';
import type { Plan } from '../../src/plan/schema';
import { testPlan, tempDir, pointAt } from './helpers';

describe('host-key verification (simulated hosts)', () => {
  const tmp = tempDir();
  let sim: SimHosts;
  let plan: Plan;
  beforeAll(async () => {
    plan = testPlan(1);
    sim = await startSimHosts({ plan, stateDir: join(tmp.dir, 'sim') });
    pointAt(plan, sim);
  });
  afterAll(async () => {
    await sim?.stop();
    tmp.cleanup();
  });

  const run = async (edit: (o: ReturnType<typeof sshPoolOptionsFromPlan>) => void) => {
    const opts = sshPoolOptionsFromPlan(plan, {});
    edit(opts);
    const pool = new SshPool(opts);
    try {
      return await pool.exec(targetOf(plan.hosts[0]), 'echo hello', { timeoutMs: 5000 });
    } finally {
      await pool.close();
    }
  };
  const port = () => plan.hosts[0].port;
  const hostBlob = () => {
    const line = readFileSync(sim.knownHostsFile, 'utf8').trim();
    return Buffer.from(line.split(' ')[2], 'base64');
  };

  test('known host key: the command runs', async () => {
    const r = await run(() => undefined);
    expect(r.error).toBeUndefined();
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('hello\n');
  });

  test('hashed known_hosts entry is accepted', async () => {
    const f = join(tmp.dir, 'hashed');
    writeFileSync(f, `${hashHostName(`[127.0.0.1]:${port()}`, Buffer.from('0123456789abcdef0123'))} ssh-ed25519 ${hostBlob().toString('base64')}\n`);
    const r = await run((o) => (o.knownHostsFile = f));
    expect(r.error).toBeUndefined();
    expect(r.stdout).toBe('hello\n');
  });

  test('unknown host: refused with a clear error, nothing runs', async () => {
    const f = join(tmp.dir, 'empty');
    writeFileSync(f, `[127.0.0.1]:1 ssh-ed25519 ${hostBlob().toString('base64')}\n`);
    const before = sim.stats.get('dgx-1')!.commands.length;
    const r = await run((o) => (o.knownHostsFile = f));
    expect(r.exitCode).toBeNull();
    expect(r.error).toMatch(/UNKNOWN HOST KEY for dgx-1 \(\[127\.0\.0\.1\]:\d+\): ssh-ed25519 SHA256:/);
    expect(sim.stats.get('dgx-1')!.commands.length).toBe(before);
  });

  test('changed host key: refused', async () => {
    const other = utils.generateKeyPairSync('ed25519').public.split(' ')[1];
    const f = join(tmp.dir, 'changed');
    writeFileSync(f, `[127.0.0.1]:${port()} ssh-ed25519 ${other}\n`);
    const r = await run((o) => (o.knownHostsFile = f));
    expect(r.error).toMatch(/HOST KEY CHANGED for dgx-1/);
    expect(r.exitCode).toBeNull();
  });

  test('pinned fingerprint: right one accepted, wrong one refused', async () => {
    const good = await run((o) => {
      delete o.knownHostsFile;
      o.fingerprints = { 'dgx-1': fingerprintOf(hostBlob()) };
    });
    expect(good.stdout).toBe('hello\n');
    const bad = await run((o) => {
      delete o.knownHostsFile;
      o.fingerprints = { 'dgx-1': 'SHA256:' + 'A'.repeat(43) };
    });
    expect(bad.error).toMatch(/HOST KEY MISMATCH for dgx-1/);
  });

  test('no known_hosts and no fingerprint: refused, never accepted silently', async () => {
    const r = await run((o) => delete o.knownHostsFile);
    expect(r.error).toMatch(/no known_hosts file and no pinned fingerprint/);
  });

  test('restarted fleet keeps its host keys', async () => {
    const first = readFileSync(sim.knownHostsFile, 'utf8').split(' ')[2];
    const again = await startSimHosts({ plan: testPlan(1), stateDir: join(tmp.dir, 'sim') });
    try {
      expect(readFileSync(again.knownHostsFile, 'utf8').split(' ')[2]).toBe(first);
    } finally {
      await again.stop();
    }
  });
});

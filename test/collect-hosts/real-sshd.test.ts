// Integration tests against the real OpenSSH server (Debian's sshd on a loopback port): key auth,
// host-key verification (known, hashed, unknown, changed, pinned), timeouts, the channel cap, a
// dropped connection, and a collection on a real Linux host (which runs no systemd and has no GPU).
import { execFileSync } from 'node:child_process';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { utils } from 'ssh2';
import { SshPool, type SshPoolOptions, type SshTarget } from '../../src/collect/hosts/ssh-pool';
import { collectHosts } from '../../src/collect/hosts/collect';
import { collectAgentStatus } from '../../src/collect/hosts/agent-status';
import { fingerprintOf, parseKnownHosts, entryMatches, knownHostsName } from '../../src/collect/hosts/known-hosts';
import { startSshd, freePort, type Sshd } from './sshd';
import { tempDir, testPlan } from './helpers';

describe('real OpenSSH sshd', () => {
  const tmp = tempDir('ww-sshd-');
  let sshd: Sshd;
  let target: SshTarget;
  const pools: SshPool[] = [];
  const pool = (edit?: (o: SshPoolOptions) => void) => {
    const o: SshPoolOptions = {
      knownHostsFile: sshd.knownHostsFile,
      privateKey: readFileSync(sshd.clientKeyFile),
      connectTimeoutMs: 5000,
      keepaliveMs: 5000,
      channelsPerHost: 3,
      maxConcurrentHosts: 4,
    };
    edit?.(o);
    const p = new SshPool(o);
    pools.push(p);
    return p;
  };
  beforeAll(async () => {
    sshd = await startSshd(join(tmp.dir, 'a'), ['MaxSessions 3']);
    target = { name: 'real-1', address: '127.0.0.1', port: sshd.port, user: sshd.user };
  });
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.close()));
  });
  afterAll(async () => {
    await sshd?.stop();
    tmp.cleanup();
  });

  test('key auth + known host key: commands run in the C locale with the remote wrapper', async () => {
    const r = await pool().exec(target, 'echo "$LC_ALL"; exit 3', { timeoutMs: 5000 });
    expect(r.error).toBeUndefined();
    expect(r.stdout).toBe('C\n');
    expect(r.exitCode).toBe(3);
  });

  test('hashed known_hosts from ssh-keygen -H is accepted', async () => {
    const f = join(tmp.dir, 'hashed_known_hosts');
    writeFileSync(f, readFileSync(sshd.knownHostsFile));
    execFileSync('ssh-keygen', ['-q', '-H', '-f', f], { stdio: 'ignore' });
    const text = readFileSync(f, 'utf8');
    expect(text).toMatch(/^\|1\|/);
    expect(parseKnownHosts(text).some((e) => entryMatches(e, knownHostsName('127.0.0.1', sshd.port)))).toBe(true);
    const r = await pool((o) => (o.knownHostsFile = f)).exec(target, 'echo ok', { timeoutMs: 5000 });
    expect(r.stdout).toBe('ok\n');
  });

  test('pinned fingerprint equals ssh-keygen -lf, and is accepted', async () => {
    const line = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(sshd.dir, 'ssh_host_ed25519_key.pub')], { encoding: 'utf8' });
    const fp = line.split(' ')[1];
    expect(fingerprintOf(Buffer.from(sshd.hostKeyPub.split(' ')[1], 'base64'))).toBe(fp);
    const r = await pool((o) => {
      delete o.knownHostsFile;
      o.fingerprints = { 'real-1': fp };
    }).exec(target, 'echo ok', { timeoutMs: 5000 });
    expect(r.stdout).toBe('ok\n');
  });

  test('unknown host key: refused', async () => {
    const f = join(tmp.dir, 'other_known_hosts');
    writeFileSync(f, `example.org ${sshd.hostKeyPub.split(' ').slice(0, 2).join(' ')}\n`);
    const r = await pool((o) => (o.knownHostsFile = f)).exec(target, 'touch should-not-exist', { timeoutMs: 5000 });
    expect(r.exitCode).toBeNull();
    expect(r.error).toMatch(/UNKNOWN HOST KEY for real-1 \(\[127\.0\.0\.1\]:\d+\): ssh-ed25519 SHA256:/);
  });

  test('changed host key: refused', async () => {
    const f = join(tmp.dir, 'changed_known_hosts');
    writeFileSync(f, `[127.0.0.1]:${sshd.port} ${utils.generateKeyPairSync('ed25519').public.split(' ').slice(0, 2).join(' ')}\n`);
    const r = await pool((o) => (o.knownHostsFile = f)).exec(target, 'echo hi', { timeoutMs: 5000 });
    expect(r.error).toMatch(/HOST KEY CHANGED for real-1/);
  });

  test('a key the server does not know: authentication fails', async () => {
    const r = await pool((o) => (o.privateKey = Buffer.from(utils.generateKeyPairSync('ed25519').private))).exec(target, 'echo hi', { timeoutMs: 5000 });
    expect(r.error).toMatch(/authentication failed/);
  });

  test('nothing listening: connection refused', async () => {
    const r = await pool().exec({ ...target, port: await freePort() }, 'echo hi', { timeoutMs: 5000 });
    expect(r.error).toMatch(/ECONNREFUSED/);
  });

  test('remote timeout: timeout -s KILL ends the command on the host', async () => {
    const p = pool();
    const r = await p.exec(target, 'sleep 31.7', { timeoutMs: 1000 });
    expect(r.timedOut).toBe(true);
    expect(r.error).toBe('timed out after 1 s (killed on the host)');
    expect(r.durationMs).toBeLessThan(2500);
    const check = await p.exec(target, "ps -eo args | grep -c '^sleep 31[.]7'", { timeoutMs: 5000 });
    expect(check.stdout.trim()).toBe('0');
  });

  test('local timeout: the channel is closed (raw command, no remote wrapper)', async () => {
    const r = await pool().exec(target, 'sleep 3', { timeoutMs: 400, raw: true });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBeNull();
    expect(r.durationMs).toBeLessThan(2000);
  });

  test('channel cap: within MaxSessions all commands run; a cap above it adapts to the server', async () => {
    const ok = pool((o) => (o.channelsPerHost = 3));
    const rs = await Promise.all(Array.from({ length: 9 }, () => ok.exec(target, 'sleep 0.3; echo done', { timeoutMs: 10_000 })));
    expect(rs.every((r) => r.stdout === 'done\n')).toBe(true);
    expect(ok.peakChannelsPerHost).toBe(3);
    expect(ok.connectionsOpened).toBe(1);
    // a cap above the server's MaxSessions (3): the server refuses the 4th channel; the pool lowers
    // its cap for that host and every command still runs
    const over = pool((o) => (o.channelsPerHost = 6));
    const rs2 = await Promise.all(Array.from({ length: 9 }, () => over.exec(target, 'sleep 0.3; echo done', { timeoutMs: 10_000 })));
    expect(rs2.map((r) => r.error ?? r.stdout)).toEqual(Array(9).fill('done\n'));
    expect(over.channelLimits['real-1']).toBeLessThanOrEqual(3);
    expect(sshd.logs()).toMatch(/session/i);
  });

  test('a dropped connection is re-opened once', async () => {
    const p = pool();
    p.beginCollection();
    expect((await p.exec(target, 'echo 1', { timeoutMs: 5000 })).stdout).toBe('1\n');
    // kill this connection's sshd session process: the server side goes away
    const kill = await p.exec(target, 'kill -9 $PPID', { timeoutMs: 5000, raw: true });
    expect(kill.exitCode).toBeNull();
    await new Promise((r) => setTimeout(r, 200));
    const r = await p.exec(target, 'echo 2', { timeoutMs: 5000 });
    expect(r.stdout).toBe('2\n');
    expect(p.connectionsOpened).toBe(2);
  });

  test('collection on a real host without systemd, GPU or install path: clear errors, no zeros', async () => {
    const plan = testPlan(1);
    plan.hosts = [{ name: 'real-1', address: '127.0.0.1', port: sshd.port, user: sshd.user }];
    plan.agents.installPath = '/nonexistent/cim-dgx';
    const p = pool();
    const c = await collectHosts(p, plan, { sinceMs: Date.now() - 60_000 });
    expect(c.unreachable).toEqual([]);
    for (const a of c.agents) {
      expect(a.state).toBe('unknown');
      expect(a.nRestarts).toBeNull();
      expect(a.error).toMatch(/systemd is not running on real-1|command not found/);
    }
    expect(c.errors.every((e) => e.errors === null && !!e.error)).toBe(true);
    const s = c.system[0];
    expect(s.load.value!.load1).toBeGreaterThanOrEqual(0);
    expect(s.memory.value!.totalBytes).toBeGreaterThan(0);
    expect(s.uptime.value!.seconds).toBeGreaterThan(0);
    expect(s.network.value!.some((i) => i.name === 'lo')).toBe(true);
    expect(s.disk.value).toBeNull();
    expect(s.disk.error).toMatch(/df \/nonexistent\/cim-dgx: exit 1 .*No such file or directory/);
    expect(s.gpus).toMatchObject({ absent: true, value: null, exitCode: 127 });
    const st = await collectAgentStatus(p, plan, { agents: ['network-expert'] });
    expect(st).toHaveLength(1);
  });
});

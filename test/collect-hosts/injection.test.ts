// Hostile names cannot run anything: the plan rejects them, the collectors refuse them before a
// command is built, and anything quoted reaches the real remote shell (sshd → login shell →
// sh -c) as one literal word.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePlan } from '../../src/plan/load';
import { SshPool } from '../../src/collect/hosts/ssh-pool';
import { collectAgentStatus } from '../../src/collect/hosts/agent-status';
import { collectHosts } from '../../src/collect/hosts/collect';
import { quote } from '../../src/collect/hosts/shell';
import { journalCommand, systemctlShowCommand, dfCommand } from '../../src/collect/hosts/commands';
import { startSshd, type Sshd } from './sshd';
import { tempDir, testPlan } from './helpers';

describe('hostile names', () => {
  const tmp = tempDir('ww-inject-');
  const marker = join(tmp.dir, 'pwned');
  const hostile = [
    `x'; touch ${marker}; echo '`,
    `$(touch ${marker})`,
    `\`touch ${marker}\``,
    `x; touch ${marker}`,
    `x && touch ${marker}`,
    `x | touch ${marker}`,
    `x\ntouch ${marker}`,
    `"; touch ${marker}; "`,
    `x' "$(touch ${marker})" '`,
  ];
  let sshd: Sshd;
  let pool: SshPool;
  beforeAll(async () => {
    sshd = await startSshd(join(tmp.dir, 'sshd'));
    pool = new SshPool({
      knownHostsFile: sshd.knownHostsFile, privateKey: readFileSync(sshd.clientKeyFile),
      connectTimeoutMs: 5000, keepaliveMs: 5000, channelsPerHost: 4, maxConcurrentHosts: 4,
    });
  });
  afterAll(async () => {
    await pool?.close();
    await sshd?.stop();
    tmp.cleanup();
  });
  const target = () => ({ name: 'real-1', address: '127.0.0.1', port: sshd.port, user: sshd.user });

  test('the plan rejects hostile host and agent names', () => {
    const base = testPlan(1);
    for (const h of hostile) {
      const withAgent = JSON.parse(JSON.stringify(base));
      withAgent.agents.underTest[0].name = h;
      expect(() => parsePlan(withAgent)).toThrow(/agents\.underTest\.0\.name/);
      const withHost = JSON.parse(JSON.stringify(base));
      withHost.hosts[0].name = h;
      expect(() => parsePlan(withHost)).toThrow(/hosts\.0\.name/);
    }
  });

  test('quoted hostile strings reach the real remote shell as one literal word', async () => {
    for (const h of hostile) {
      const r = await pool.exec(target(), `printf '%s' ${quote(h)}`, { timeoutMs: 5000 });
      expect(r.error).toBeUndefined();
      expect(r.stdout).toBe(h);
    }
    // and through every command builder that takes a value
    const rs = await Promise.all(
      hostile.flatMap((h) => [systemctlShowCommand(h), journalCommand(h, { cursor: h }), dfCommand(`/opt/${h.replace(/\n/g, ' ')}`)]).map((cmd) =>
        pool.exec(target(), cmd, { timeoutMs: 10_000 }),
      ),
    );
    expect(rs.every((r) => r.exitCode !== null)).toBe(true); // each ran (and failed on the odd name), none timed out
    expect(existsSync(marker)).toBe(false);
  });

  test('the control: the same string unquoted does run (so the test above can fail)', async () => {
    await pool.exec(target(), `echo ${hostile[3]}`, { timeoutMs: 5000 });
    expect(existsSync(marker)).toBe(true);
    require('node:fs').rmSync(marker);
  });

  test('collectors refuse a plan whose names were not validated: no command is sent', async () => {
    const plan = testPlan(1);
    plan.hosts = [{ name: 'real-1', address: '127.0.0.1', port: sshd.port, user: sshd.user }];
    plan.agents.underTest = [{ name: hostile[0], cluster: 'x' }];
    plan.agents.control = [];
    const st = await collectAgentStatus(pool, plan);
    expect(st).toHaveLength(1);
    expect(st[0]).toMatchObject({ state: 'unknown', exitCode: null });
    expect(st[0].error).toMatch(/^refused: invalid agent name/);
    const c = await collectHosts(pool, plan, { sinceMs: Date.now(), system: false });
    expect(c.errors[0].error).toMatch(/^refused: invalid agent name/);
    plan.agents.underTest = [{ name: 'network-expert', cluster: 'x' }];
    plan.agents.unitTemplate = `agent-runtime@{agent}; touch ${marker}`;
    const st2 = await collectAgentStatus(pool, plan);
    expect(st2[0].error).toMatch(/^refused: invalid unit name/);
    const bad = await pool.exec({ ...target(), name: hostile[0] }, 'true', { timeoutMs: 5000 });
    expect(bad.error).toMatch(/invalid host name/);
    expect(existsSync(marker)).toBe(false);
  });
});

// The pool and collectAgentStatus against the simulated fleet (ssh2 servers on 127.0.0.1).
import { startSimHosts, type SimHosts } from '../../src/sim/ssh-hosts';
import { SshPool, sshPoolOptionsFromPlan, targetOf } from '../../src/collect/hosts/ssh-pool';
import { collectAgentStatus } from '../../src/collect/hosts/agent-status';
import { quote } from '../../src/collect/hosts/shell';
import type { Plan } from '../../src/plan/schema';
import { testPlan, tempDir, pointAt } from './helpers';

describe('simulated hosts + pool + collectAgentStatus', () => {
  const tmp = tempDir();
  let sim: SimHosts;
  let plan: Plan;
  let pool: SshPool;

  beforeAll(async () => {
    plan = testPlan(3);
    sim = await startSimHosts({ plan, stateDir: tmp.dir });
    pointAt(plan, sim);
    pool = new SshPool(sshPoolOptionsFromPlan(plan, {}));
  });
  afterAll(async () => {
    await pool?.close();
    await sim?.stop();
    tmp.cleanup();
  });

  test('every host × every agent is active, with systemd values', async () => {
    const before = Date.now();
    const st = await collectAgentStatus(pool, plan);
    expect(st).toHaveLength(3 * 4);
    for (const s of st) {
      expect(s.error).toBeUndefined();
      expect(s.state).toBe('active');
      expect(s.loadState).toBe('loaded');
      expect(s.subState).toBe('running');
      expect(s.exitCode).toBe(0);
      expect(s.nRestarts).toBe(0);
      expect(s.memoryBytes).toBeGreaterThan(100 * 1024 * 1024);
      expect(s.cpuUsageNSec).toBeGreaterThan(0);
      expect(s.mainPid).toBeGreaterThan(1);
      expect(s.activeEnterTimestamp).toBeLessThan(before);
      expect(s.activeEnterTimestamp).toBeGreaterThan(before - 3 * 3_600_000);
      expect(s.collectedAt).toBeGreaterThanOrEqual(before);
    }
    expect(st.filter((s) => s.role === 'test').map((s) => s.agent).sort()).toEqual(
      ['network-expert', 'network-expert', 'network-expert', 'tdd-expert', 'tdd-expert', 'tdd-expert'],
    );
    expect(st.find((s) => s.agent === 'qa-expert')!.unit).toBe('agent-runtime@qa-expert');
    // one connection per host, reused
    expect(pool.connectionsOpened).toBe(3);
    await collectAgentStatus(pool, plan);
    expect(pool.connectionsOpened).toBe(3);
  });

  test('a crash shows as a restart with a new start time and PID', async () => {
    const before = (await collectAgentStatus(pool, plan)).find((s) => s.host === 'dgx-2' && s.agent === 'tdd-expert')!;
    sim.model.crash('dgx-2', 'tdd-expert');
    const after = (await collectAgentStatus(pool, plan)).find((s) => s.host === 'dgx-2' && s.agent === 'tdd-expert')!;
    expect(after.state).toBe('active');
    expect(after.nRestarts).toBe(1);
    expect(after.mainPid).not.toBe(before.mainPid);
    expect(after.activeEnterTimestamp!).toBeGreaterThan(before.activeEnterTimestamp!);
  });

  test('rollback forms: stop, is-active --quiet, disable, is-enabled --quiet, with quoted units', async () => {
    const t = targetOf(plan.hosts[0]);
    const unit = quote('agent-runtime@network-expert');
    const o = { timeoutMs: 5000 };
    expect((await pool.exec(t, `! systemctl is-active --quiet ${unit}`, o)).exitCode).toBe(1); // active: not skipped
    const changes: unknown[] = [];
    sim.model.on('unit-changed', (e) => changes.push(e));
    expect((await pool.exec(t, `systemctl stop ${unit}`, o)).exitCode).toBe(0);
    expect(changes).toEqual([{ host: 'dgx-1', agent: 'network-expert', active: false, reason: 'stop' }]);
    expect((await pool.exec(t, `! systemctl is-active --quiet ${unit}`, o)).exitCode).toBe(0); // now skipped
    expect((await pool.exec(t, `systemctl disable ${unit}`, o)).exitCode).toBe(0);
    expect((await pool.exec(t, `! systemctl is-enabled --quiet ${unit}`, o)).exitCode).toBe(0);
    const st = (await collectAgentStatus(pool, plan)).find((s) => s.host === 'dgx-1' && s.agent === 'network-expert')!;
    expect(st.state).toBe('inactive');
    expect(st.subState).toBe('dead');
    expect(st.memoryBytes).toBeNull();
    expect(st.mainPid).toBeNull();
    expect(st.activeExitTimestamp).not.toBeNull();
    sim.model.start('dgx-1', 'network-expert');
    sim.model.setEnabled('dgx-1', 'network-expert', true);
  });

  test('a unit that does not exist is not-installed, not inactive', async () => {
    sim.model.uninstall('dgx-3', 'qa-expert');
    const st = (await collectAgentStatus(pool, plan)).find((s) => s.host === 'dgx-3' && s.agent === 'qa-expert')!;
    expect(st.state).toBe('not-installed');
    expect(st.loadState).toBe('not-found');
    expect(st.error).toBeUndefined();
  });

  test('a host that is down gives unknown + error for each of its units, the others are collected', async () => {
    sim.model.setHostDown('dgx-2', true);
    pool.beginCollection();
    const st = await collectAgentStatus(pool, plan);
    const down = st.filter((s) => s.host === 'dgx-2');
    expect(down).toHaveLength(4);
    for (const s of down) {
      expect(s.state).toBe('unknown');
      expect(s.error).toMatch(/dgx-2/);
      expect(s.memoryBytes).toBeNull();
      expect(s.exitCode).toBeNull();
    }
    expect(st.filter((s) => s.host === 'dgx-1').every((s) => s.state === 'active')).toBe(true);
    sim.model.setHostDown('dgx-2', false);
    pool.beginCollection();
    const again = await collectAgentStatus(pool, plan);
    expect(again.filter((s) => s.host === 'dgx-2').every((s) => s.state === 'active')).toBe(true);
  });
});

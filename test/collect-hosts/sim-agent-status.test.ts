// The pool and collectAgentStatus against the simulated fleet (ssh2 servers on 127.0.0.1).
import { targetOf } from '../../src/collect/hosts/ssh-pool';
import { collectAgentStatus } from '../../src/collect/hosts/agent-status';
import { quote } from '../../src/collect/hosts/shell';
import { simHostsWithPool } from './helpers';

describe('simulated hosts + pool + collectAgentStatus', () => {
  const fleet = simHostsWithPool(3);

  test('every host × every agent is active, with systemd values', async () => {
    const before = Date.now();
    const st = await collectAgentStatus(fleet.pool, fleet.plan);
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
    expect(fleet.pool.connectionsOpened).toBe(3);
    await collectAgentStatus(fleet.pool, fleet.plan);
    expect(fleet.pool.connectionsOpened).toBe(3);
  });

  test('a crash shows as a restart with a new start time and PID', async () => {
    const before = (await collectAgentStatus(fleet.pool, fleet.plan)).find((s) => s.host === 'dgx-2' && s.agent === 'tdd-expert')!;
    fleet.sim.model.crash('dgx-2', 'tdd-expert');
    const after = (await collectAgentStatus(fleet.pool, fleet.plan)).find((s) => s.host === 'dgx-2' && s.agent === 'tdd-expert')!;
    expect(after.state).toBe('active');
    expect(after.nRestarts).toBe(1);
    expect(after.mainPid).not.toBe(before.mainPid);
    expect(after.activeEnterTimestamp!).toBeGreaterThan(before.activeEnterTimestamp!);
  });

  test('rollback forms: stop, is-active --quiet, disable, is-enabled --quiet, with quoted units', async () => {
    const t = targetOf(fleet.plan.hosts[0]);
    const unit = quote('agent-runtime@network-expert');
    const o = { timeoutMs: 5000 };
    expect((await fleet.pool.exec(t, `! systemctl is-active --quiet ${unit}`, o)).exitCode).toBe(1); // active: not skipped
    const changes: unknown[] = [];
    fleet.sim.model.on('unit-changed', (e) => changes.push(e));
    expect((await fleet.pool.exec(t, `systemctl stop ${unit}`, o)).exitCode).toBe(0);
    expect(changes).toEqual([{ host: 'dgx-1', agent: 'network-expert', active: false, reason: 'stop' }]);
    expect((await fleet.pool.exec(t, `! systemctl is-active --quiet ${unit}`, o)).exitCode).toBe(0); // now skipped
    expect((await fleet.pool.exec(t, `systemctl disable ${unit}`, o)).exitCode).toBe(0);
    expect((await fleet.pool.exec(t, `! systemctl is-enabled --quiet ${unit}`, o)).exitCode).toBe(0);
    const st = (await collectAgentStatus(fleet.pool, fleet.plan)).find((s) => s.host === 'dgx-1' && s.agent === 'network-expert')!;
    expect(st.state).toBe('inactive');
    expect(st.subState).toBe('dead');
    expect(st.memoryBytes).toBeNull();
    expect(st.mainPid).toBeNull();
    expect(st.activeExitTimestamp).not.toBeNull();
    fleet.sim.model.start('dgx-1', 'network-expert');
    fleet.sim.model.setEnabled('dgx-1', 'network-expert', true);
  });

  test('a unit that does not exist is not-installed, not inactive', async () => {
    fleet.sim.model.uninstall('dgx-3', 'qa-expert');
    const st = (await collectAgentStatus(fleet.pool, fleet.plan)).find((s) => s.host === 'dgx-3' && s.agent === 'qa-expert')!;
    expect(st.state).toBe('not-installed');
    expect(st.loadState).toBe('not-found');
    expect(st.error).toBeUndefined();
  });

  test('a host that is down gives unknown + error for each of its units, the others are collected', async () => {
    fleet.sim.model.setHostDown('dgx-2', true);
    fleet.pool.beginCollection();
    const st = await collectAgentStatus(fleet.pool, fleet.plan);
    const down = st.filter((s) => s.host === 'dgx-2');
    expect(down).toHaveLength(4);
    for (const s of down) {
      expect(s.state).toBe('unknown');
      expect(s.error).toMatch(/dgx-2/);
      expect(s.memoryBytes).toBeNull();
      expect(s.exitCode).toBeNull();
    }
    expect(st.filter((s) => s.host === 'dgx-1').every((s) => s.state === 'active')).toBe(true);
    fleet.sim.model.setHostDown('dgx-2', false);
    fleet.pool.beginCollection();
    const again = await collectAgentStatus(fleet.pool, fleet.plan);
    expect(again.filter((s) => s.host === 'dgx-2').every((s) => s.state === 'active')).toBe(true);
  });
});

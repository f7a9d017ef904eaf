// A rollback step on the worker's shared SSH pool, against simulated hosts: the step starts its own
// round of connections, so a host whose connection the last collection already re-opened once (and
// which then dropped again) is still reached by the rollback.
import { targetOf } from '../../src/collect/hosts/ssh-pool';
import { runRollbackStep } from '../../src/remediate/rollback-step';
import { simHostsWithPool } from '../collect-hosts/helpers';

describe('runRollbackStep on a pool a collection used', () => {
  const hosts = simHostsWithPool(1);

  const drop = async () => {
    hosts.sim.model.setHostDown('dgx-1', true); // closes the host's connections
    hosts.sim.model.setHostDown('dgx-1', false);
    await new Promise((r) => setTimeout(r, 100));
  };

  test('a connection dropped after the collection used its one re-open is re-opened for the step', async () => {
    const t = targetOf(hosts.plan.hosts[0]);
    hosts.pool.beginCollection(); // what a monitor tick does
    expect((await hosts.pool.exec(t, 'echo 1', { timeoutMs: 2000 })).stdout).toBe('1\n');
    await drop();
    expect((await hosts.pool.exec(t, 'echo 2', { timeoutMs: 2000 })).stdout).toBe('2\n'); // the collection's one re-open
    await drop();
    const opened = hosts.pool.connectionsOpened;
    const r = await runRollbackStep(hosts.pool, hosts.plan, { name: 'mark', forEach: 'host', run: 'echo rolled-back', timeout: 5000 });
    expect(r.targets).toEqual([{ target: 'dgx-1', outcome: 'done', exitCode: 0 }]);
    expect(r.ok).toBe(true);
    expect(hosts.pool.connectionsOpened).toBe(opened + 1);
  });
});

// One SSH pool per distinct fleet (hosts + SSH settings), shared by every wave a worker runs and
// closed when the worker stops.
import type { Plan } from '../plan/schema';
import { SshPool, sshPoolOptionsFromPlan } from '../collect/hosts/ssh-pool';

export class SshPools {
  private pools = new Map<string, SshPool>();

  forPlan(plan: Plan): SshPool {
    const key = JSON.stringify([plan.hosts, plan.ssh]);
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new SshPool(sshPoolOptionsFromPlan(plan));
      this.pools.set(key, pool);
    }
    return pool;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close()));
    this.pools.clear();
  }
}

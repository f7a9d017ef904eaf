// Test plans and temporary folders for the host-collection tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlan } from '../../src/plan/load';
import type { Plan } from '../../src/plan/schema';

/** plans/local.yaml with `n` hosts on 127.0.0.1 (ports filled in later by the sim). */
export function testPlan(n = 3, edit?: (p: Plan) => void): Plan {
  const plan = loadPlan(join(__dirname, '../../plans/local.yaml'));
  plan.hosts = Array.from({ length: n }, (_, i) => ({ name: `dgx-${i + 1}`, address: '127.0.0.1', port: 1, user: 'cimadmin' }));
  plan.ssh.fingerprints = {};
  plan.ssh.connectTimeout = 5000;
  plan.ssh.commandTimeout = 10_000;
  edit?.(plan);
  return plan;
}

export function tempDir(prefix = 'ww-hosts-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The plan pointed at a running simulated fleet. */
export function pointAt(plan: Plan, sim: { hosts: { name: string; port: number }[]; knownHostsFile: string; clientKeyFile: string }): Plan {
  for (const h of plan.hosts) h.port = sim.hosts.find((x) => x.name === h.name)!.port;
  plan.ssh.knownHostsFile = sim.knownHostsFile;
  plan.ssh.identityFile = sim.clientKeyFile;
  return plan;
}

/**
 * Simulated hosts for a test file, started before its tests and stopped after, with the plan
 * pointed at them and a worker-side SSH pool: read the fields inside tests (they are set in beforeAll).
 */
export function simHostsWithPool(n = 3, edit?: (p: Plan) => void): { plan: Plan; sim: import('../../src/sim/ssh-hosts').SimHosts; pool: import('../../src/collect/hosts/ssh-pool').SshPool; dir: string } {
  const tmp = tempDir();
  const ctx = { dir: tmp.dir } as ReturnType<typeof simHostsWithPool>;
  beforeAll(async () => {
    const { startSimHosts } = await import('../../src/sim/ssh-hosts');
    const { SshPool, sshPoolOptionsFromPlan } = await import('../../src/collect/hosts/ssh-pool');
    ctx.plan = testPlan(n, edit);
    ctx.sim = await startSimHosts({ plan: ctx.plan, stateDir: join(tmp.dir, 'sim') });
    pointAt(ctx.plan, ctx.sim);
    ctx.pool = new SshPool(sshPoolOptionsFromPlan(ctx.plan, {}));
  });
  afterAll(async () => {
    await ctx.pool?.close();
    await ctx.sim?.stop();
    tmp.cleanup();
  });
  return ctx;
}

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

// One step of the rollback procedure, run on every host: for each target (an agent under test, or
// the host itself) check whether it is already done (`skipIf` exits 0) and only then act. So a
// retried or resumed step never acts twice in effect.
import type { Plan, PlanRollbackStep } from '../plan/schema';
import { quote, unitName } from '../collect/hosts/shell';
import { targetOf, type SshPool } from '../collect/hosts/ssh-pool';
import type { RollbackTargetResult } from '../model/status';
import { rollbackTarget } from '../model/instance';

/** Fills {host}, {agent}, {unit} with validated names, each shell-quoted. */
export function renderStepCommand(template: string, plan: Plan, host: string, agent: string | null): string {
  let cmd = template.split('{host}').join(quote(host));
  if (agent !== null) {
    cmd = cmd.split('{unit}').join(quote(unitName(plan.agents.unitTemplate, agent)));
    cmd = cmd.split('{agent}').join(quote(agent));
  } else if (/\{(unit|agent)\}/.test(template)) {
    throw new Error(`a per-host step cannot use {agent} or {unit}: ${template}`);
  }
  return cmd;
}

export async function runRollbackStep(pool: SshPool, plan: Plan, step: PlanRollbackStep): Promise<{ ok: boolean; targets: RollbackTargetResult[] }> {
  // The pool is the worker's, shared with the monitor ticks: a host the last collection gave up on
  // (a failed connect remembered, or a connection already re-opened once) must be dialled afresh for
  // the rollback, exactly as a new collection would.
  pool.beginCollection();
  const agents: (string | null)[] = step.forEach === 'agent' ? plan.agents.underTest.map((a) => a.name) : [null];
  const jobs = plan.hosts.flatMap((host) => agents.map((agent) => ({ host, agent })));
  const targets = await Promise.all(
    jobs.map(async ({ host, agent }): Promise<RollbackTargetResult> => {
      const target = rollbackTarget(host.name, agent);
      const ssh = targetOf(host);
      if (step.skipIf) {
        const check = await pool.exec(ssh, renderStepCommand(step.skipIf, plan, host.name, agent), { timeoutMs: step.timeout });
        if (check.exitCode === 0) return { target, outcome: 'skipped', exitCode: 0, message: 'already done' };
        if (check.error) return { target, outcome: 'failed', exitCode: check.exitCode, message: `check failed: ${check.error}` };
      }
      const r = await pool.exec(ssh, renderStepCommand(step.run, plan, host.name, agent), { timeoutMs: step.timeout });
      if (r.exitCode === 0) return { target, outcome: 'done', exitCode: 0 };
      const why = r.error ?? (r.stderr.trim().split('\n').pop() || `exit status ${r.exitCode}`);
      return { target, outcome: 'failed', exitCode: r.exitCode, message: why };
    }),
  );
  return { ok: targets.every((t) => t.outcome !== 'failed'), targets };
}

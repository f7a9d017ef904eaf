// Activities: thin Temporal wrappers (heartbeats, cancellation, summaries) over the collectors,
// the judge, the artifact writers and the notifiers, which know nothing of Temporal. Built once per
// worker around long-lived clients (SSH pools, the artifact store).
import { Context } from '@temporalio/activity';
import type { ArtifactStore } from '../artifacts/store';
import { collectAgentStatus } from '../collect/hosts/agent-status';
import { evaluateRule, ruleFires } from '../judge/rules';
import { runRollbackStep } from '../remediate/rollback-step';
import { agentMeasurements, checkpointVerdict, problemsOf } from './observe';
import type { SshPools } from './ssh-pools';
import type {
  CheckpointInput,
  CheckpointResult,
  FinishInput,
  FinishResult,
  RollbackStepInput,
  RollbackStepResult,
  TickInput,
  TickResult,
} from './types';

export interface ActivityDeps {
  store: ArtifactStore;
  pools: SshPools;
}

/** Keeps the activity alive in the server's eyes while a long collection runs. */
function heartbeatEvery<T>(ms: number, work: Promise<T>): Promise<T> {
  const ctx = Context.current();
  const timer = setInterval(() => ctx.heartbeat(), ms);
  return work.finally(() => clearInterval(timer));
}

export function createActivities(deps: ActivityDeps) {
  const { store, pools } = deps;

  return {
    /** One monitor tick: agent status of every instance, judged against the alert and rollback rules. */
    async monitorTick(input: TickInput): Promise<TickResult> {
      const started = Date.now();
      const pool = pools.forPlan(input.plan);
      const statuses = await heartbeatEvery(5000, collectAgentStatus(pool, input.plan));
      const m = agentMeasurements(input.plan, statuses);
      const rollbackFiring = input.plan.rollback.criteria
        .filter((r) => r.window === 'tick')
        .map((r) => ruleFires(r, m.test))
        .filter((r) => r.fires);
      const alertsFiring = input.plan.alerts.flatMap((rule) =>
        (['test', 'control'] as const)
          .map((role) => ({ role, r: ruleFires(rule, m[role]) }))
          .filter(({ r }) => r.fires)
          .map(({ role, r }) => ({ ...r, severity: rule.severity, scope: role === 'test' ? 'agents under test' : 'control agents' })),
      );
      const problems = problemsOf(statuses);
      const under = statuses.filter((s) => s.role === 'test');
      return {
        at: started,
        durationMs: Date.now() - started,
        agentsTotal: under.length,
        agentsActive: under.filter((s) => s.state === 'active').length,
        hostsUnreachable: m.unreachableHosts,
        problems,
        rollbackFiring,
        alertsFiring,
        note: problems.length ? problems.map((p) => `${p.agent}@${p.host} ${p.state}${p.error ? ` (${p.error})` : ''}`).join('; ') : null,
      };
    },

    /** A checkpoint: collect, write the spec's files under output.dir/<folder>/, judge its criteria. */
    async runCheckpoint(input: CheckpointInput): Promise<CheckpointResult> {
      const { plan } = input;
      const ranAtMs = Date.now();
      const pool = pools.forPlan(plan);
      const statuses = await heartbeatEvery(5000, collectAgentStatus(pool, plan));
      const m = agentMeasurements(plan, statuses);
      const isPlanned = plan.checkpoints.some((c) => c.name === input.checkpoint);
      const criteria = plan.criteria
        .filter((c) => (isPlanned ? c.checkpoints.includes(input.checkpoint) : true))
        .map((c) => {
          const r = evaluateRule(c, m.test);
          const w = input.waivers.find((x) => x.criterion === c.id);
          return w && r.outcome !== 'pass' ? { ...r, outcome: 'waived' as const, waiver: { reason: w.reason, by: w.by } } : r;
        });
      const primary = new Set(plan.criteria.filter((c) => c.primary).map((c) => c.id));
      const verdict = checkpointVerdict(criteria, primary);
      const rollbackFiring = plan.rollback.criteria.map((r) => ruleFires(r, m.test)).filter((r) => r.fires);
      const dir = `${plan.output.dir}/${input.folder}`;
      const summary = {
        schemaVersion: 1,
        wave: plan.wave.name,
        waveId: input.waveId,
        checkpoint: input.checkpoint,
        dueAt: new Date(input.dueAtMs).toISOString(),
        collectedAt: new Date(ranAtMs).toISOString(),
        verdict,
        criteria,
        metrics: m.test,
        control: m.control,
      };
      await store.write(`${dir}/agent_status.json`, JSON.stringify({ wave: plan.wave.name, checkpoint: input.checkpoint, agents: statuses }, null, 2) + '\n');
      await store.write(`${dir}/summary.json`, JSON.stringify(summary, null, 2) + '\n');
      return { name: input.checkpoint, folder: input.folder, artifactsDir: store.locate(dir), ranAtMs, verdict, criteria, rollbackFiring };
    },

    async runRollbackStep(input: RollbackStepInput): Promise<RollbackStepResult> {
      const step = input.plan.rollback.steps[input.stepIndex];
      const result = await heartbeatEvery(5000, runRollbackStep(pools.forPlan(input.plan), input.plan, step));
      return { name: step.name, ...result };
    },

    /** The wave's end: its final status beside the checkpoints. */
    async finishWave(input: FinishInput): Promise<FinishResult> {
      const path = `${input.plan.output.dir}/wave_status.json`;
      await store.write(path, JSON.stringify(input.status, null, 2) + '\n');
      return { files: [store.locate(path)] };
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;

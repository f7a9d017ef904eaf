// One step of the plan's rollback over the worker's SSH pools (the workflow runs them in order).
import { runRollbackStep } from '../remediate/rollback-step';
import { heartbeats, type ActivityContext } from './context';
import type { RollbackStepInput, RollbackStepResult } from './types';

export function rollbackActivities(ctx: ActivityContext) {
  return {
    async runRollbackStep(input: RollbackStepInput): Promise<RollbackStepResult> {
      const plan = await ctx.planOf(input);
      const step = plan.rollback.steps[input.stepIndex];
      const hb = heartbeats();
      try {
        const result = await runRollbackStep(ctx.pools.forPlan(plan), plan, step);
        return { name: step.name, ...result };
      } finally {
        hb.stop();
      }
    },
  };
}

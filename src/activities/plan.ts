// The plan travels by reference: storePlan writes it once per run, named by its digest, and every
// other activity reads it back through planOf (read once per worker and digest, then cached).
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import type { ArtifactStore } from '../artifacts/store';
import { claimLayout, waveDir } from '../artifacts/wave-folders';
import type { Plan } from '../plan/schema';
import { parseStoredPlan, PlanError } from '../plan/load';
import type { PlanRef, StorePlanInput, WaveRef } from './types';

export function planActivities(store: ArtifactStore) {
  const plans = new Map<string, Plan>();

  async function planOf(ref: WaveRef): Promise<Plan> {
    const { file, digest } = ref.planRef;
    const cached = plans.get(digest);
    if (cached) return cached;
    const text = await store.read(file);
    // Another worker may have written it to a store this one does not share: retryable elsewhere.
    if (text === null) throw new Error(`the wave's plan ${file} is not in this worker's artifact store (workers of one task queue must share it)`);
    if (sha256(text) !== digest) throw ApplicationFailure.nonRetryable(`the wave's plan ${file} has changed since the wave stored it (digest ${digest})`, 'PlanChanged');
    // Checked once per digest and worker (then cached): the store may be shared with other writers.
    const plan = validPlan(JSON.parse(text), file);
    plans.set(digest, plan);
    return plan;
  }

  return {
    planOf,
    /**
     * Stores the plan in the artifact store, named by its digest, once per run: every other activity
     * gets this reference instead of the plan (at 300 hosts the plan is ~30 KB, and it would enter the
     * history with each of a wave's hundreds of activities).
     */
    async storePlan(input: StorePlanInput): Promise<PlanRef> {
      // The wave's first activity: whoever started the workflow, its plan meets the plan file's rules
      // before anything is stored, collected or run (an InvalidPlan failure ends the wave).
      const plan = validPlan(input.plan, 'the plan the workflow carries');
      const text = JSON.stringify(plan);
      const digest = sha256(text);
      let own: string;
      try {
        own = waveDir(plan, input.waveId);
      } catch (err) {
        throw ApplicationFailure.nonRetryable((err as Error).message, 'InvalidWaveId'); // no retry makes it a folder name
      }
      const file = `${own}/plans/${digest.slice(0, 16)}.json`;
      // A wave's first run (its folder has no plan yet; a run continuing as new finds it) takes the
      // spec's layout from the previous wave of the plan, unless it was started beside a running one.
      // Before the plan is written: a retry after a crash in between claims again, which is a no-op.
      if (!input.besideWave && (await store.list(`${own}/plans`)).length === 0) await claimLayout(store, plan, input.waveId);
      if ((await store.read(file)) !== text) await store.write(file, text);
      plans.set(digest, plan);
      return { file, digest };
    },
  };
}

/** The plan checked by the plan schema; a bad one fails the activity for good, naming the fields. */
function validPlan(data: unknown, what: string): Plan {
  try {
    return parseStoredPlan(data, what);
  } catch (err) {
    if (err instanceof PlanError) throw ApplicationFailure.nonRetryable(`invalid plan (${what}): ${err.problems.join('; ')}`, 'InvalidPlan');
    throw err;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

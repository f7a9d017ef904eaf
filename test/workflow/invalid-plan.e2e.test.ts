// A plan that skipped the CLI's validation (anyone who can start a workflow on the task queue can
// send one) ends the wave at once: storePlan refuses it (InvalidPlan, not retried) and the workflow
// fails before a single collection is scheduled, instead of failing every collection until the end.
import type { Client } from '@temporalio/client';
import { WorkflowFailedError, ActivityFailure, ApplicationFailure } from '@temporalio/client';
import { client, localPlan, runWave, scheduledActivities, startTemporal, startWorker, tempDir } from '../helpers/wave-env';

jest.setTimeout(180_000);

test('an invalid plan fails the wave with InvalidPlan before anything is collected', async () => {
  const root = tempDir('invalid-plan');
  const temporal = await startTemporal();
  const worker = await startWorker(temporal.address, root, 'invalid-plan');
  let c: Client | null = null;
  try {
    c = await client(temporal.address);
    const plan = localPlan(root, (p) => {
      p.agents.errorPattern = '';
      p.rollback.steps[0].skipIf = '! systemctl is-active --quiet "{unit}"';
    });
    const handle = await runWave(c, plan, { waveId: 'invalid-plan-1', timeScale: 1440, taskQueue: 'invalid-plan' });
    const err = await handle.result().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const activity = (err as WorkflowFailedError).cause;
    expect(activity).toBeInstanceOf(ActivityFailure);
    expect((activity as ActivityFailure).activityType).toBe('storePlan');
    const cause = (activity as ActivityFailure).cause as ApplicationFailure;
    expect(cause.type).toBe('InvalidPlan');
    expect(cause.message).toMatch(/agents\.errorPattern: expected a pattern/);
    expect(cause.message).toMatch(/rollback\.steps\.0\.skipIf: placeholder \{unit\} is inside quotes/);
    expect(await scheduledActivities(c, 'invalid-plan-1')).toEqual({ storePlan: 1 });
    // At once: no tick or checkpoint was waited for (before, the loop ran the wave's whole schedule,
    // every collection failing on its own, and failed only at the final judgement).
    const history = await handle.fetchHistory();
    expect((history.events ?? []).filter((e) => e.timerStartedEventAttributes).length).toBe(0);
  } finally {
    await c?.connection.close();
    await worker.stop();
    await temporal.stop();
  }
});

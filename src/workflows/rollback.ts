// The rollback procedure: runs once per wave, resumes after the last completed step, and cannot be
// cancelled halfway; a verification collection says what the fleet looks like after it.
import { CancellationScope, condition } from '@temporalio/workflow';
import type { OperatorRequest, RollbackOutcome } from './messages';
import { failureText, now, type WaveRun } from './run';

export async function runRollback(run: WaveRun): Promise<void> {
  const { w } = run;
  const steps = w.rollback.started(now());
  run.show();
  await CancellationScope.nonCancellable(async () => {
    for (const i of steps) {
      try {
        const result = await run.acts.rollback.runRollbackStep({ ...(await run.ref()), stepIndex: i });
        if (!w.rollback.stepRan(now(), i, result)) break;
      } catch (err) {
        w.rollback.stepFailed(i, failureText(err));
        break;
      }
    }
    w.rollback.stepsOver();
    try {
      w.rollback.finished(now(), await run.acts.tick.monitorTick(await run.collectInput(w.nextSeq())));
    } catch (err) {
      w.rollback.finished(now(), { failed: failureText(err) });
    }
  });
}

/**
 * The rollback update: the main loop runs a requested rollback before anything else and never ends
 * the run with one pending (not even to continue as new), so this returns once it ran or the wave
 * was aborted.
 */
export async function rollbackAndAnswer(run: WaveRun, req: OperatorRequest): Promise<RollbackOutcome> {
  const started = run.w.rollback.operatorRequest(now(), req);
  await condition(() => run.w.rollback.settled);
  return run.w.rollback.outcome(started);
}

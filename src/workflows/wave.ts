// One durable workflow per wave: timers for the checkpoints, a monitor loop between them, operator
// messages, the rollback procedure and the verdict. Orchestration only: every measurement,
// judgement and file is an activity's work; every change of state is WaveState's (wave-state.ts).
import { ApplicationFailure, allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import {
  abortSignal,
  acknowledgeAlertUpdate,
  collectNowUpdate,
  extendWaveUpdate,
  pauseSignal,
  requestRollbackSignal,
  resumeSignal,
  rollbackUpdate,
  statusQuery,
  tickNowSignal,
  waiveCriterionUpdate,
  type OperatorRequest,
} from './messages';
import { alertEvents } from './alert-events';
import { collectNow, judgeWave, runCheckpoint } from './checkpoint';
import { continueAsNewIfDue } from './continue-as-new';
import { waveInputProblem } from './input-check';
import { rollbackAndAnswer, runRollback } from './rollback';
import { finalMail, holdMail } from './mail';
import { now, startRun } from './run';
import { collectBaseline, runTick } from './tick';
import { nextStep } from './next-step';
import { WaveState, type SignalKind } from './wave-state';
import type { WaveInput } from './wave-input';
import type { WaveStatus } from '../model/status';

export type { WaveInput } from './wave-input';

export async function waveWorkflow(input: WaveInput): Promise<WaveStatus> {
  // A bad input fails the workflow with one line; thrown later it would fail workflow tasks forever.
  const bad = waveInputProblem(input);
  if (bad) throw ApplicationFailure.nonRetryable(bad, bad.startsWith('invalid plan') ? 'InvalidPlan' : 'InvalidInput');
  const w = new WaveState(input);
  const run = startRun(w);

  // ── operator messages ───────────────────────────────────────────────────────────────────────
  // Updates are refused by their validator (synchronous, before anything changes); a signal cannot
  // be refused, so WaveState records a bad one as not accepted and changes nothing.
  const refuse = (kind: string) => (arg: unknown) => {
    const why = w.refusal(kind, arg);
    if (why) throw new Error(why);
  };
  const signal = (kind: SignalKind) => (req: OperatorRequest) => w.signalled(now(), kind, req);
  setHandler(abortSignal, signal('abort'));
  setHandler(pauseSignal, signal('pause'));
  setHandler(resumeSignal, signal('resume'));
  setHandler(requestRollbackSignal, signal('requestRollback'));
  setHandler(rollbackUpdate, (req) => rollbackAndAnswer(run, req), { validator: refuse('rollback') });
  setHandler(extendWaveUpdate, (req) => w.extend(now(), req), { validator: refuse('extendWave') });
  setHandler(collectNowUpdate, (req) => collectNow(run, req), { validator: refuse('collectNow') });
  setHandler(waiveCriterionUpdate, (req) => w.waiveCriterion(now(), req), { validator: refuse('waiveCriterion') });
  setHandler(
    acknowledgeAlertUpdate,
    async (req) => {
      await alertEvents(run, w.alerts.acknowledged(now(), req));
      return { alertId: req.alertId, state: 'acknowledged' };
    },
    { validator: refuse('acknowledgeAlert') },
  );
  setHandler(tickNowSignal, () => w.tickAsked(now()));
  setHandler(statusQuery, () => w.status);

  // ── main loop ───────────────────────────────────────────────────────────────────────────────
  run.show();
  // storePlan validates the plan: an invalid one (InvalidPlan, not retried) fails the wave here, before
  // anything is collected, instead of every collection failing on its own until the end.
  await run.planStored;
  if (!input.carried) await collectBaseline(run);
  run.watch.start();
  while (!w.finished) {
    w.beginTurn();
    const t = now();
    const step = nextStep(w, t);
    switch (step.kind) {
      case 'abort':
        w.finish('ABORTED');
        break;
      case 'rollback':
        await runRollback(run);
        w.finish('NO-GO');
        break;
      case 'hold-timeout': {
        const kept = w.rollback.holdTimedOut(t);
        if (kept) run.mailer.send(holdMail(kept));
        run.show();
        break;
      }
      case 'judge':
        if (!(await judgeWave(run))) break; // an abort or rollback that came while judging goes first
        run.show();
        if (!w.finished) await condition(() => w.wake, Date.parse(w.status.hold!.deadline) - t, { summary: 'holding for a human decision' });
        break;
      case 'checkpoint':
        await runCheckpoint(run, step.index);
        run.show();
        break;
      case 'tick':
        await runTick(run);
        run.show();
        await continueAsNewIfDue(run);
        break;
      case 'sleep':
        await condition(() => w.wake, Math.max(1, step.untilMs - t), { summary: step.summary });
        break;
    }
  }

  // ── the end ─────────────────────────────────────────────────────────────────────────────────
  run.watch.stop();
  run.show();
  const finished = await run.acts.finish.finishWave({ ...(await run.ref()), status: w.status, judgement: w.judgement });
  for (const p of finished.problems) w.problem(now(), `report: ${p}`);
  run.mailer.send(finalMail());
  // The wave is decided: its last mail is awaited (each send gives up after an hour of plan time).
  await run.mailer.settled();
  await condition(allHandlersFinished);
  return w.status;
}

// A long wave continues as new before its history grows large; what the next run needs is carried
// (WaveState.carry), with the mail still on its way.
import { allHandlersFinished, condition, continueAsNew, workflowInfo } from '@temporalio/workflow';
import type { WaveRun } from './run';
import type { waveWorkflow } from './wave';

/** Continue-as-new well before Temporal's warnings (10,240 events): a 24 h wave at 5 min is ~3,200. */
export const EVENTS_PER_RUN = 2000;

export async function continueAsNewIfDue(run: WaveRun): Promise<void> {
  const info = workflowInfo();
  if (!info.continueAsNewSuggested && info.historyLength <= (run.w.input.eventsPerRun ?? EVENTS_PER_RUN)) return;
  // Handlers must finish before the run ends; a request that arrives meanwhile (a rollback waits for
  // its outcome) wakes the loop, which serves it first and continues as new later. Undelivered mail
  // does not wait: it is carried to the next run. (`wake` is set by every request since this turn of
  // the loop began, this tick's included.)
  await condition(() => allHandlersFinished() || run.w.wake);
  if (run.w.wake) return;
  run.watch.stop(); // the next run starts its own
  await continueAsNew<typeof waveWorkflow>({ ...run.w.input, carried: run.w.carry(run.mailer.pending()) });
}

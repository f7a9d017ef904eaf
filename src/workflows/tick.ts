// The monitor between checkpoints: the wave's T+0 baseline, then a tick every monitor interval
// whose alert events are logged and paged; a tick that fails is noted and the next one comes.
import { alertEvents } from './alert-events';
import { failureText, now, type WaveRun } from './run';

/** T+0: the wave's own baseline for degradation, taken when monitoring starts (once per wave, not per run). */
export async function collectBaseline(run: WaveRun): Promise<void> {
  try {
    await run.acts.tick.collectBaseline(await run.collectInput(run.w.nextSeq()));
  } catch (err) {
    run.w.baselineFailed(failureText(err));
  }
}

export async function runTick(run: WaveRun): Promise<void> {
  const { w } = run;
  w.tickRunning = true;
  try {
    const tick = await run.acts.tick.monitorTick(await run.collectInput(w.nextSeq()));
    await alertEvents(run, w.tickDone(now(), tick));
  } catch (err) {
    w.tickFailed(failureText(err));
  } finally {
    w.tickRunning = false;
  }
  w.scheduleNextTick(now());
}

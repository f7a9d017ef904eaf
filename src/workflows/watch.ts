// The continuous watch beside the monitor (issue 14): one long-running activity per run of the wave,
// started once monitoring begins and cancelled when the run ends (the wave's end, or continue-as-new,
// after which the next run starts its own). Temporal restarts it on another worker when its worker
// dies (it heartbeats); the activity itself records how long nobody watched. What it sees goes to the
// wave's store, read by the ticks and checkpoints; only its "tick now" asks reach the workflow.
import { CancellationScope, isCancellation } from '@temporalio/workflow';
import type { WaveRef } from '../activities/types';
import type { WaveActivities } from './activity-options';
import type { WaveState } from './wave-state';

export interface Watch {
  start(): void;
  /** Cancels the watch (the wave ends or continues as new); safe to call more than once. */
  stop(): void;
}

export function watchOf(w: WaveState, acts: WaveActivities, ref: () => Promise<WaveRef>, failureText: (err: unknown) => string): Watch {
  const scope = new CancellationScope();
  let state: 'idle' | 'running' | 'stopped' = 'idle';
  return {
    start() {
      if (state !== 'idle') return;
      state = 'running';
      scope.run(async () => acts.watch.watchWave(await ref())).then(
        (r) => {
          if (r.note) w.watchStopped(r.note);
        },
        (err) => {
          if (!isCancellation(err)) w.watchStopped(`the watch failed: ${failureText(err)}`);
        },
      );
    },
    stop() {
      if (state === 'running') scope.cancel();
      state = 'stopped';
    },
  };
}

// What every link of the watch is given: the plan, its real timings, the recorder it reports to, the
// clock it reads times from (epoch ms) and the signal that stops it. One shape for the three links.
import type { Plan } from '../../plan/schema';
import type { WatchTimings } from '../../plan/watch-timings';
import type { WatchRecorder } from './recorder';

export interface WatchContext {
  plan: Plan;
  timings: WatchTimings;
  recorder: WatchRecorder;
  /** Epoch ms now. */
  clock: () => number;
  signal: AbortSignal;
  /** Called when an episode began (a new event or a flap re-opening one): the owner may act at once. */
  began: (event: import('../../model/watch').WatchEvent) => void;
}

/** Waits `ms`, or less when the signal aborts (never rejects). */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

// The continuous watch of one wave (issue 14), knowing nothing of Temporal: the NATS link, the agents'
// liveness, the instances' connections and the SSH link run side by side until the signal aborts,
// reporting to one recorder. The whole report is saved every ~second (its lastBeatMs says the watch
// was alive then) and at once when something begins, before `onBegin` is told (so whoever acts on it
// finds the event saved). Resolves with the last report once everything is closed and saved.
import { setMaxListeners } from 'node:events';
import type { Plan } from '../../plan/schema';
import { watchTimings, WATCH_SAVE_EVERY_MS } from '../../plan/watch-timings';
import type { WatchEvent, WatchReport } from '../../model/watch';
import { pause, type WatchContext } from './context';
import { WatchRecorder } from './recorder';
import { startNatsLink } from './nats-link';
import { runLiveness } from './liveness';
import { runInstanceWatch } from './instances';
import { runSshLink, sshLinkOptions } from './ssh-link';

export interface RunWatchOptions {
  waveId: string;
  /** This watcher's name in its report: `<runId>/<attempt>`. */
  watcher: string;
  timeScale: number;
  /** Aborting stops the watch; runWatch then resolves with the last report. */
  signal: AbortSignal;
  /** Epoch ms now (default Date.now). */
  clock?: () => number;
  /** Something began (a new event or a flap re-opening one); called after the report holding it was saved. */
  onBegin?: (event: WatchEvent) => void;
  /** Saves the whole report (rewritten each time). A failed save is tried again at the next beat. */
  save: (report: WatchReport) => Promise<void> | void;
  /** The time nobody watched before this watcher (from its predecessors' last beat): a watch-blind event. */
  blind?: { fromMs: number; why: string };
  /** Between two saves when nothing began, ms (default 1000). */
  saveEveryMs?: number;
  /** Where the SSH key and NATS credentials paths may come from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** Watches until `opts.signal` aborts. Throws at once when the plan turns the watch off. */
export async function runWatch(plan: Plan, opts: RunWatchOptions): Promise<WatchReport> {
  const timings = watchTimings(plan, opts.timeScale);
  if (!timings.enabled) throw new Error('the plan turns the watch off (watch.enabled: false)');
  const clock = opts.clock ?? Date.now;
  const startedAtMs = clock();
  // (the saver reads the recorder only when asked to save, after it exists)
  const saver = serialSaver(() => recorder.snapshot(clock()), opts.save);
  // Every change is saved at once (an outage's end too), besides the beat: a tick that reads the
  // reports right after an outage ended must find it over, not still going on — else its alert
  // resolves at the next tick without the outage's duration (seen in a fresh-clone run).
  const recorder = new WatchRecorder({
    waveId: opts.waveId,
    watcher: opts.watcher,
    startedAtMs,
    flapMergeMs: timings.flapMergeMs,
    minOutageMs: timings.minOutageMs,
    onChange: () => void saver.save(),
  });
  if (opts.blind && opts.blind.fromMs < startedAtMs) recorder.blind(opts.blind.fromMs, startedAtMs, opts.blind.why);

  const stop = new AbortController();
  // Every host's and agent's loop listens on this one signal: more than node's default of 10.
  setMaxListeners(0, stop.signal);
  const onAbort = () => stop.abort();
  if (opts.signal.aborted) stop.abort();
  else opts.signal.addEventListener('abort', onAbort, { once: true });

  const ctx: WatchContext = {
    plan,
    timings,
    recorder,
    clock,
    signal: stop.signal,
    began: (event) => {
      void saver.save().then(() => {
        try {
          opts.onBegin?.(event);
        } catch {
          /* the owner's callback never stops the watch */
        }
      });
    },
  };
  try {
    // wavewatch's own setup (key and credentials files) fails here, before anything is recorded.
    const ssh = sshLinkOptions(plan, timings, opts.env);
    const link = startNatsLink(ctx, { env: opts.env });
    await saver.save();
    const beats = (async () => {
      while (!stop.signal.aborted) {
        await pause(opts.saveEveryMs ?? WATCH_SAVE_EVERY_MS, stop.signal);
        if (!stop.signal.aborted) await saver.save();
      }
    })();
    await Promise.all([link.done, runLiveness(ctx, link), runInstanceWatch(ctx), runSshLink(ctx, { env: opts.env, ssh }), beats]);
  } finally {
    stop.abort();
    opts.signal.removeEventListener('abort', onAbort);
  }
  return saver.final();
}

/**
 * Saves never overlap: a save asked for while one runs is done once after it (coalesced). `final`
 * waits for the last, saves once more, and throws if that save failed (the report is not kept).
 */
function serialSaver(snapshot: () => WatchReport, save: RunWatchOptions['save']) {
  let running: Promise<void> | null = null;
  let again = false;
  const once = async () => {
    try {
      await save(snapshot());
    } catch {
      /* tried again at the next beat; only the final save's failure is the caller's */
    }
  };
  const loop = async () => {
    do {
      again = false;
      await once();
    } while (again);
    running = null;
  };
  return {
    save(): Promise<void> {
      if (running) {
        again = true;
        return running;
      }
      running = loop();
      return running;
    },
    async final(): Promise<WatchReport> {
      while (running) await running;
      const report = snapshot();
      await save(report);
      return report;
    },
  };
}

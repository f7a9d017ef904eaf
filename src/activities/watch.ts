// The continuous watch as a Temporal activity (issue 14): runs for a whole run of the wave,
// heartbeating so that Temporal restarts it on another worker when its own dies. It saves what it
// sees in the wave's store (artifacts/watch-reports.ts) and, when something begins that may change a
// decision, asks its workflow for a tick now (the `tickNow` signal) — so the same code decides, at
// once. It never judges. A restarted watch records how long nobody watched, never as the fleet's outage.
import { Context } from '@temporalio/activity';
import { runWatch } from '../collect';
import { readWatchReports, saveWatchReport } from '../artifacts/watch-reports';
import { watchTimings, WATCH_SAVE_EVERY_MS } from '../plan/watch-timings';
import type { WatchEvent } from '../model/watch';
import type { ActivityContext } from './context';
import type { WaveRef } from './types';

/** How often the activity tells Temporal it is alive (the workflow's heartbeat timeout is 10 s). */
const HEARTBEAT_MS = 2000;

export function watchActivities(ctx: ActivityContext) {
  return {
    /** Watches until cancelled (the run ends); `note` says why it did not watch, when it did not. */
    async watchWave(input: WaveRef): Promise<{ note: string | null }> {
      const actx = Context.current();
      const plan = await ctx.planOf(input);
      const timings = watchTimings(plan, input.timeScale);
      if (!timings.enabled) return { note: 'the plan turns the watch off (watch.enabled: false)' };
      const watcher = `${actx.info.workflowExecution?.runId ?? input.waveId}/${actx.info.attempt}`;

      // Whoever watched before (an earlier attempt, the previous run): from its last beat, nobody did.
      const { reports } = await readWatchReports(ctx.store, plan, input.waveId);
      const last = reports.reduce<{ at: number; by: string } | null>((m, r) => (m && m.at >= r.lastBeatMs ? m : { at: r.lastBeatMs, by: r.watcher }), null);
      // (A watcher is taken as watching for a beat and a probe interval after its last save, as readers do.)
      const blindFrom = last ? last.at + WATCH_SAVE_EVERY_MS + timings.probeIntervalMs : null;
      const blind = last && blindFrom! < Date.now() ? { fromMs: blindFrom!, why: `no watcher since the last beat of ${last.by} at ${new Date(last.at).toISOString()}; now ${watcher}` } : undefined;

      // Each ask is a signal, an event in the wave's history: the first of a burst goes at once, the
      // rest at most one per 5 probe intervals (1 s at the least), and a flap of an event already
      // told about asks nothing (the next tick sees it anyway).
      const ask = tickAsker(
        (reason) =>
          // through the worker's client to the wave's current run (no run id: continue-as-new moves it);
          // a wave that ended meanwhile, or a server away: the next tick sees the event anyway
          void actx.client.workflow.getHandle(input.waveId).signal('tickNow', { reason }).catch(() => undefined),
        Math.max(1000, 5 * timings.probeIntervalMs),
      );
      const beat = setInterval(() => actx.heartbeat(), HEARTBEAT_MS);
      try {
        await runWatch(plan, {
          waveId: input.waveId,
          watcher,
          timeScale: input.timeScale,
          signal: actx.cancellationSignal,
          blind,
          save: (report) => saveWatchReport(ctx.store, plan, report),
          onBegin: (e) => {
            if (e.flaps === 0) ask(e);
          },
        });
      } finally {
        clearInterval(beat);
        ask.stop();
      }
      // Cancelled: the run ended (the wave's end, or continue-as-new, whose next run starts its own).
      return { note: null };
    },
  };
}

/**
 * Asks the workflow for a tick now when something begins: the first ask at once, then at most one
 * per `gapMs` — one more at the end of a gap in which something else began (the workflow coalesces
 * asks it cannot use). `signal` sends one ask; its failure is the caller's to swallow.
 */
export function tickAsker(signal: (reason: string) => void, gapMs: number, clock: () => number = Date.now): ((e: WatchEvent) => void) & { stop(): void } {
  let lastAt = -Infinity;
  let trailing: NodeJS.Timeout | null = null;
  let reason = '';
  const send = () => {
    trailing = null;
    lastAt = clock();
    signal(reason);
  };
  const ask = (e: WatchEvent) => {
    reason = `${e.kind} ${e.subject} began ${new Date(e.startMs).toISOString()}`;
    const wait = lastAt + gapMs - clock();
    if (wait <= 0) send();
    else trailing ??= setTimeout(send, wait);
  };
  return Object.assign(ask, {
    stop() {
      if (trailing) clearTimeout(trailing);
      trailing = null;
    },
  });
}

// What every activity of a worker shares: the long-lived clients (store, SSH pools, mail) and the
// plan's reading helpers, built once per worker by createActivities (index.ts).
import { Context } from '@temporalio/activity';
import type { ArtifactStore } from '../artifacts/store';
import { ObservationLog } from '../artifacts/observation-log';
import { layoutPlan, waveDir } from '../artifacts/wave-folders';
import type { JudgeContext } from '../judge/measure/context';
import type { MailTransport } from '../notify/transport';
import type { Plan } from '../plan/schema';
import type { SshPools } from './ssh-pools';
import { readWatchReports } from '../artifacts/watch-reports';
import { watchTimings, WATCH_SAVE_EVERY_MS } from '../plan/watch-timings';
import type { WatchInput } from '../observe/watch';
import type { CollectInput, WaveRef } from './types';

export interface ActivityDeps {
  store: ArtifactStore;
  pools: SshPools;
  /** null when no SMTP server is configured: notifications are then recorded as not sent. */
  mail: MailTransport | null;
}

export interface ActivityContext extends ActivityDeps {
  /** The wave's plan from its reference (plan.ts): read once per worker and digest, then cached. */
  planOf(ref: WaveRef): Promise<Plan>;
  /** The wave's own memory, never another wave's (wave-folders.ts). */
  logOf(plan: Plan, waveId: string): ObservationLog;
  /**
   * Where this wave's checkpoint folders, hourly files, alert log and reports go: the spec's layout
   * if the wave owns it, else the same layout under waves/<waveId>/. Read per activity: a newer wave
   * may have taken the layout since (its start moved this wave's files to waves/<waveId>/).
   */
  humanPlan(plan: Plan, input: WaveRef): Promise<Plan>;
  judgeCtx(plan: Plan, input: CollectInput): JudgeContext;
  /** What the continuous watch saw in this wave (every watcher's report); null when the plan turns it off. */
  watchOf(plan: Plan, input: WaveRef): Promise<WatchInput | null>;
}

export function activityContext(deps: ActivityDeps, planOf: ActivityContext['planOf']): ActivityContext {
  const { store } = deps;
  return {
    ...deps,
    planOf,
    logOf: (plan, waveId) => new ObservationLog(store, waveDir(plan, waveId)),
    humanPlan: (plan, input) => layoutPlan(store, plan, input.waveId),
    judgeCtx: (plan, input) => ({ plan, startMs: input.startAtMs, endMs: input.endMs }),
    async watchOf(plan, input) {
      const t = watchTimings(plan, input.timeScale);
      if (!t.enabled) return null;
      // A report that cannot be read counts as unwatched time (the blind stretches), never as a guess.
      const { reports } = await readWatchReports(store, plan, input.waveId);
      return { reports, beatToleranceMs: WATCH_SAVE_EVERY_MS + t.probeIntervalMs };
    },
  };
}

/** Keeps the activity alive in the server's eyes while a long collection runs. */
export function heartbeats(): { beat: (what?: string) => void; stop: () => void } {
  const ctx = Context.current();
  let last = '';
  const beat = (what?: string) => {
    if (what) last = what;
  };
  const timer = setInterval(() => ctx.heartbeat(last), 3000);
  return { beat, stop: () => clearInterval(timer) };
}

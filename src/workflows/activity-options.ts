// The workflow's activities, grouped by how long they may take and how they are retried. The
// timeouts follow the plan: the sources' worst-case collection (src/collect/budget.ts), plus 30 s to
// record and judge a tick or the baseline, 5 min to judge, write and render a checkpoint.
import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { collectionBudget } from '../collect/budget';
import type { Plan } from '../plan/schema';
import { MAX_EXTEND_MS } from './bounds';

type Activities = ReturnType<typeof createActivities>;

export function waveActivities(plan: Plan, scaled: (ms: number) => number) {
  const collectMs = Math.max(collectionBudget(plan, 'baseline'), collectionBudget(plan, 'tick')) + 30_000;
  const checkpointMs = collectionBudget(plan, 'checkpoint') + 5 * 60_000;
  return {
    tick: proxyActivities<Activities>({
      startToCloseTimeout: collectMs,
      // Activities heartbeat every 5 s: a worker that died mid-collection is noticed within 20 s.
      heartbeatTimeout: 20_000,
      retry: { maximumAttempts: 2, initialInterval: 1000 },
    }),
    checkpoint: proxyActivities<Activities>({
      startToCloseTimeout: checkpointMs,
      heartbeatTimeout: 20_000,
      retry: { maximumAttempts: 5, initialInterval: 2000, maximumInterval: 60_000 },
    }),
    rollback: proxyActivities<Activities>({
      startToCloseTimeout: Math.max(...plan.rollback.steps.map((s) => s.timeout)) + collectMs,
      // A step that died with its worker is retried within 20 s, not after its whole timeout.
      heartbeatTimeout: 20_000,
      retry: { maximumAttempts: 5, initialInterval: 2000, maximumInterval: 30_000 },
    }),
    // The alert log is written in order, a few tries at a time: a log that cannot be written must not
    // stop the wave deciding. Entries not written wait for the next write (see alert-events.ts).
    alertLog: proxyActivities<Activities>({
      startToCloseTimeout: 30_000,
      retry: { maximumAttempts: 3, initialInterval: 1000, maximumInterval: 5000 },
    }),
    // Storing the plan and the final files must not be lost: retried until it succeeds.
    finish: proxyActivities<Activities>({
      startToCloseTimeout: 5 * 60_000,
      retry: { initialInterval: 2000, maximumInterval: 5 * 60_000 },
    }),
    // The continuous watch runs for the whole run of the wave (cancelled at its end); it heartbeats, so
    // a watch whose worker died is restarted on another within 10 s, for as long as the wave lasts
    // (its longest: the plan's duration and every extension allowed).
    watch: proxyActivities<Activities>({
      startToCloseTimeout: scaled(plan.wave.duration + MAX_EXTEND_MS) + 3_600_000,
      heartbeatTimeout: 10_000,
      retry: { initialInterval: 1000, maximumInterval: 10_000 },
      cancellationType: ActivityCancellationType.TRY_CANCEL,
    }),
    // Mail is retried for a while (a mail server that is down delays mail) but never holds the wave:
    // sends run beside the wave's progress and are given up after an hour of plan time (at least 1 min).
    mail: proxyActivities<Activities>({
      startToCloseTimeout: 60_000,
      scheduleToCloseTimeout: Math.max(60_000, scaled(3_600_000)),
      retry: { initialInterval: 1000, maximumInterval: 30_000 },
    }),
  };
}

export type WaveActivities = ReturnType<typeof waveActivities>;

// Activities: thin Temporal wrappers (heartbeats, cancellation, retries, summaries) over the
// collectors, the judge, the artifact writers and the notifiers, which know nothing of Temporal.
// Built once per worker around long-lived clients (SSH pools, the mail transport, the store); each
// file beside this one holds the activities of one part of a wave, composed here under their names.
import { alertActivities } from './alerts';
import { checkpointActivities } from './checkpoint';
import { collectionActivities } from './collection';
import { activityContext, type ActivityDeps } from './context';
import { planActivities } from './plan';
import { rollbackActivities } from './rollback';
import { watchActivities } from './watch';
import { waveEndActivities } from './wave-end';

export type { ActivityDeps } from './context';

export function createActivities(deps: ActivityDeps) {
  const { storePlan, planOf } = planActivities(deps.store);
  const ctx = activityContext(deps, planOf);
  return {
    storePlan,
    ...collectionActivities(ctx),
    ...checkpointActivities(ctx),
    ...alertActivities(ctx),
    ...waveEndActivities(ctx),
    ...rollbackActivities(ctx),
    ...watchActivities(ctx),
  };
}

export type Activities = ReturnType<typeof createActivities>;

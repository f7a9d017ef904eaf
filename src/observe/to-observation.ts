// A Collection (src/collect/wave-collection.ts) as the judge's input (src/judge/observations.ts):
// one TickObservation per baseline/tick, one CheckpointObservation per checkpoint. Missing data stays
// missing: a value that was not collected is null with the reason in `error`, never a zero; a source
// that was not asked for in this kind of collection (hosts at the baseline, sampling at a tick) is
// null/empty. Pure: every time comes from the collection. Each part is mapped in its own file.
import type { Plan } from '../plan/schema';
import type { Collection } from '../collect/wave-collection';
import type { CheckpointObservation, Observation, TickObservation } from '../judge/observations';
import { agentSamples } from './agents';
import { errorCounts } from './errors';
import { hostSamples } from './hosts';
import { messageCounts, natsHealthOf, samplingOf, subscriptionsOf } from './nats';
import type { Previous } from './previous';
import { probeResults } from './probes';
import { watchObservation, type WatchInput } from './watch';

export interface ObservationOptions {
  /**
   * Raw probe latencies for the judge's significance tests (degradation, test vs control), rebuilt
   * from each probe's encoded HDR histogram (µs resolution, 3 significant digits). Default true;
   * false leaves `latenciesMs` undefined (the degradation criterion is then inconclusive).
   */
  latencies?: boolean;
  /** Ticks skipped before this one (the workflow counts them). */
  skippedTicks?: number;
  /** The wave's watch reports (observe/watch.ts), for the observation's window; null: the watch was off; absent: no watch part (before the watch). */
  watch?: WatchInput | null;
}

/**
 * The judge's observation of one collection. `previous` is the collection before this one in the same
 * wave, or its `unitCounters` (CPU % is the CPUUsageNSec delta between the two; without it cpuPct is null).
 */
export function toObservation(plan: Plan, c: Collection, previous: Previous = null, o: ObservationOptions = {}): Observation {
  const tick: TickObservation = {
    kind: c.kind,
    at: c.finishedAt,
    windowMs: Math.max(0, c.finishedAt - c.windowStart),
    agents: agentSamples(plan, c, previous),
    hosts: hostSamples(plan, c),
    errors: errorCounts(plan, c),
    messages: messageCounts(plan, c),
    probes: probeResults(plan, c, { latencies: o.latencies }),
    nats: natsHealthOf(c),
    ...(o.skippedTicks ? { skippedTicks: o.skippedTicks } : {}),
    ...(o.watch !== undefined ? { watch: watchObservation(o.watch, c.windowStart, c.finishedAt) } : {}),
  };
  if (c.kind !== 'checkpoint') return tick;
  const cp: CheckpointObservation = {
    ...tick,
    kind: 'checkpoint',
    name: c.name ?? `collection-${c.seq}`,
    sampling: samplingOf(c),
    subscriptions: subscriptionsOf(c),
  };
  return cp;
}

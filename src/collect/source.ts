// The shape every data source of a collection has (after argo-rollouts' metric providers): what it
// is called, which collections it takes part in, when it runs relative to the others, how long it
// may take at most, and the collection itself. Types only: the workflow bundle may import what the
// specs build from this file (the budgets), never a collector.
import type { Plan } from '../plan/schema';
import type { HostsCollection } from './hosts/collect';
import type { ServerSnapshot, ServerStatsResult } from './nats/server';
import type { NatsHealth } from './nats/health';
import type { ProbeRunResult } from './nats/probes';
import type { SamplingResult } from './nats/sampler';

/** A T+0 baseline, a monitor tick or a checkpoint. */
export type CollectionKind = 'baseline' | 'tick' | 'checkpoint';

/**
 * When a source runs within one collection:
 * - 'alone': before anything else, one source at a time (what it measures must not share the
 *   worker's event loop with SSH collection and parsing: probe latency);
 * - 'beside': concurrently with the other 'beside' sources;
 * - 'after': once the others are done (counters whose deltas must cover the span they read).
 */
export type Stage = 'alone' | 'beside' | 'after';
export const STAGES: readonly Stage[] = ['alone', 'beside', 'after'];

/** Each source's result, by the Collection field it fills. A new source adds its line here. */
export interface SourceResults {
  hosts: HostsCollection;
  server: ServerStatsResult;
  health: NatsHealth;
  probes: ProbeRunResult;
  sampling: SamplingResult;
}
export type SourceName = keyof SourceResults;

/**
 * What one collection hands to the next (journal cursors, the server snapshot), so a retried
 * collection starts from the same place. Stored in the observation log as is.
 */
export interface Carry {
  cursors: Record<string, string | null>;
  server: ServerSnapshot | null;
}
export const EMPTY_CARRY: Carry = { cursors: {}, server: null };

/** The I/O-free part of a source: enough for the workflow to size its activity timeouts. */
export interface SourceSpec<N extends SourceName = SourceName> {
  readonly name: N;
  readonly kinds: readonly CollectionKind[];
  readonly stage: Stage;
  /** The longest this source's collection of `kind` can take, ms, from the plan alone (0 when it does not run). */
  budget(plan: Plan, kind: CollectionKind): number;
}

/** What a source gets for one collection besides the plan. */
export interface SourceContext {
  kind: CollectionKind;
  /** Start of the window when no cursor is known (the previous collection, or monitoring start). */
  sinceMs: number;
  /** The previous collection's carry (read-only). */
  carry: Carry;
  /** Sampling window after the time scale (never below the plan's floor: the sampler enforces it). */
  samplingWindowMs?: number;
  /** Probe spacing after the time scale: requests per second. */
  probeRatePerSecond?: number;
  attempt?: number;
  signal?: AbortSignal;
  progress: (what: string) => void;
}

export interface SourceOutput<N extends SourceName> {
  result: SourceResults[N];
  /** The part of the carry this source owns, for the next collection; absent: unchanged. */
  carry?: Partial<Carry>;
}

/** A source: its spec plus the collection. `collect` may throw; the collection then records it as missing. */
export interface Source<N extends SourceName = SourceName> extends SourceSpec<N> {
  collect(plan: Plan, ctx: SourceContext): Promise<SourceOutput<N>>;
}

/** Whether a source takes part in collections of `kind`. */
export const runsAt = (s: Pick<SourceSpec, 'kinds'>, kind: CollectionKind): boolean => s.kinds.includes(kind);

// The judge's input: compact records the collectors' results are mapped into, one per monitor tick,
// checkpoint or the T+0 baseline. Every value may be null (not collected) and may carry an error
// (collection failed after retries); the judge turns those into "no data" and "error", never zeros.
// Times are epoch milliseconds on the worker's clock, except the systemd timestamps (host clock).

import type { Role } from '../model/vocabulary';
import type { WatchEvent } from '../model/watch';

export type { Role };

/** systemd ActiveState; 'not-found' for LoadState=not-found (not installed); 'unknown' when not collected. */
export type UnitState = 'active' | 'reloading' | 'inactive' | 'failed' | 'activating' | 'deactivating' | 'not-found' | 'unknown';

export interface AgentSample {
  host: string;
  agent: string;
  role: Role;
  state: UnitState;
  nRestarts: number | null;
  /** ActiveEnterTimestamp, ms; a new value means the unit was restarted. */
  activeEnterTimestamp: number | null;
  /** ActiveExitTimestamp, ms: when the unit last left the active state (makes downtime exact). */
  activeExitTimestamp?: number | null;
  /**
   * The host's clock against the worker's when the unit was read: both timestamps above are on the
   * host's clock, sample times and monitoring start on the worker's. offsetMs is host − worker, true
   * within ± errorMs. Absent or null: not measured (older observations, a host without GNU date).
   */
  hostClock?: { offsetMs: number; errorMs: number } | null;
  memoryBytes: number | null;
  cpuPct: number | null;
  error?: string;
}

export interface HostSample {
  host: string;
  reachable: boolean;
  load1: number | null;
  memoryUsedPct: number | null;
  memoryTotalBytes?: number | null;
  diskUsedPct: number | null;
  error?: string;
}

/** Error entries of one unit in the observation's window. */
export interface ErrorCount {
  host: string;
  agent: string;
  role: Role;
  count: number | null;
  error?: string;
}

/** Messages handled by an agent's connection(s) in the observation's window (/connz deltas). */
export interface MessageCount {
  /** Omitted when the count is for the agent over all hosts. */
  host?: string;
  agent: string;
  role: Role;
  messages: number | null;
  error?: string;
}

// ProbeObservation, NatsObservation and SamplingObservation are the judge's compact projections of the
// collector's ProbeResult, NatsHealth and SamplingResult (src/collect/nats/), made by
// src/observe/to-observation.ts and kept per collection in the wave's observations log. They are
// different shapes (the counts the judge needs, not the collector's full detail), so they carry their
// own names; the judge never sees the collector's types.

/** One agent's probe as the judge counts it: `sent` is the requests judged (replies + losses), failures with wavewatch's own NATS connection left out. */
export interface ProbeObservation {
  agent: string;
  role: Role;
  sent: number;
  received: number;
  timeouts: number;
  p50: number | null;
  p99: number | null;
  p999?: number | null;
  /** Latency samples behind the percentiles. */
  samples: number;
  /** Replies that are not valid JSON. */
  corrupt: number;
  /** Raw latencies (ms) when the collector keeps them: needed for significance tests. */
  latenciesMs?: number[];
  error?: string;
  /**
   * The collector's second look at an agent that lost replies, in the same collection right after
   * its probe: requests judged (`sent`, replies + losses) and `lost`. Absent when none was taken
   * (nothing lost, or observations recorded before re-probes existed); `error` when it sent nothing judged.
   */
  reprobe?: { sent: number; lost: number; error?: string };
}

/** The NATS server's reachability and the agents' connections (by cid) in one collection. */
export interface NatsObservation {
  /** null: not checked (or the check itself failed: see error). */
  reachable: boolean | null;
  error?: string;
  /** The agents' named connections; a changed or missing cid is a dropped connection. */
  connections?: { host: string; agent: string; role: Role; cid: number | null }[];
  /**
   * Slow consumers the server counted since the previous collection (/varz slow_consumers, a delta).
   * null: not counted (the first reading, a server restart, /varz not read); absent: not recorded.
   */
  slowConsumers?: number | null;
}

/** A checkpoint's subject sampling, reduced to the counts the judge's dual-publish and agent-ref criteria use. */
export interface SamplingObservation {
  legacy: number;
  unified: number;
  /** Messages seen on both patterns (pairs) and on either. */
  paired: number;
  either: number;
  /** Dual-publish skew p99, ms (the publish time). */
  skewP99Ms: number | null;
  /** Sampled payloads on JSON subjects that do not parse. */
  corrupt: number;
  /** False when the sampler was slow or the window was cut: numbers marked incomplete. */
  complete: boolean;
  note?: string;
  error?: string;
}

export interface SubscriptionCheck {
  host: string;
  agent: string;
  role: Role;
  legacy: boolean;
  unified: boolean;
}

/**
 * What the continuous watch (issue 14) saw during an observation's window: its events overlapping
 * [fromMs, toMs] (unclipped: their own start, end and duration), merged over the watchers of the wave
 * (observe/watch.ts). `covered` is false when for part of the window no watcher was watching; that
 * part is among the events as 'watch-blind'.
 */
export interface WatchObservation {
  events: WatchEvent[];
  fromMs: number;
  toMs: number;
  covered: boolean;
}

export interface TickObservation {
  kind: 'baseline' | 'tick' | 'checkpoint';
  at: number;
  /** Errors and messages cover (at − windowMs, at]. */
  windowMs: number;
  agents: AgentSample[];
  hosts: HostSample[];
  /** null: not collected in this observation (e.g. the baseline). */
  errors: ErrorCount[] | null;
  messages: MessageCount[] | null;
  probes: ProbeObservation[];
  nats: NatsObservation | null;
  /** Ticks skipped before this one because collection took longer than the interval. */
  skippedTicks?: number;
  /** The watch over this observation's window; null: the watch was off or left no report (missing, never zero); absent: recorded before the watch existed. */
  watch?: WatchObservation | null;
}

export interface CheckpointObservation extends TickObservation {
  kind: 'checkpoint';
  name: string;
  sampling: SamplingObservation | null;
  subscriptions: SubscriptionCheck[] | null;
}

export type Observation = TickObservation | CheckpointObservation;

export function isCheckpoint(o: Observation): o is CheckpointObservation {
  return o.kind === 'checkpoint';
}

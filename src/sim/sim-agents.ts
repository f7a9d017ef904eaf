// What a fleet of simulated NATS agents offers (SimAgents: faults, crashes, ground-truth counters)
// and what it is started with (SimAgentsOptions). nats-agents.ts runs it.
import type { Plan } from '../plan/schema';

/** Where the simulator learns whether an agent's unit runs (the FleetModel satisfies it). */
export interface UnitStateSource {
  isActive(host: string, agent: string): boolean;
  on(event: 'unit-changed', fn: (e: { host: string; agent: string; active: boolean }) => void): unknown;
}

export interface AgentFault {
  /** Added to every reply's latency, ms. */
  latencyMs?: number;
  /** Share of probe requests that get no reply (the requester times out), %. */
  dropRepliesPct?: number;
  /** Receive requests but never answer (timeouts). */
  stopAnswering?: boolean;
  /** Publish on one pattern only (dual publishing broken); true means the legacy one. */
  singlePublish?: boolean | 'legacy' | 'unified';
  /** Delay between the legacy and the unified publish of one event, ms (the "publish time"). */
  slowPublishMs?: number;
  /** Share of probe replies and of event payloads that are not valid JSON, %. */
  corruptPct?: number;
}

export interface FaultTarget {
  host?: string;
  agent?: string;
}

export interface SimAgentsOptions {
  plan: Plan;
  /** nats://127.0.0.1:PORT of the local server(s). */
  servers: string[];
  units?: UnitStateSource;
  /** Events per second per agent instance (each event is published on both patterns). Default 2; 0 publishes nothing on its own. */
  ratePerSecond?: number;
  /** Reply latency without faults: log-normal with this median (ms) and sigma. Default 2 ms, 0.6. median 0 answers at once. */
  baseLatency?: { medianMs: number; sigma?: number };
  /** Seed of the latency generator (deterministic runs). */
  seed?: number;
  /** Set Nats-Msg-Id on events (default true); without it, pairing falls back to the payload hash. */
  msgIds?: boolean;
  /** What each connection subscribes to: both plan patterns (default), the agent's own part of them, or nothing. */
  subscribe?: 'patterns' | 'own' | 'none';
  /** Delay before a crashed agent reconnects with a new connection, ms (default 300). */
  crashRestartMs?: number;
  /** Event kinds (the subject's last tokens); default heartbeat, status, task.completed, capability.announce. */
  eventKinds?: string[];
}

export interface InstanceStats {
  host: string;
  agent: string;
  connectionName: string;
  connected: boolean;
  /** The server's client id of the current connection (null when not connected). */
  cid: number | null;
  /** Connections opened so far (1 + crashes/unit restarts that reconnected). */
  connections: number;
  events: number;
  legacyPublished: number;
  unifiedPublished: number;
  corruptEvents: number;
  probesReceived: number;
  repliesSent: number;
  repliesDropped: number;
  repliesCorrupt: number;
  /** Messages received on the pattern subscriptions. */
  received: number;
}

export interface SimAgents {
  readonly instances: ReadonlyArray<{ host: string; agent: string; connectionName: string }>;
  /** Merges the fault into every matching instance's fault (an empty target means all). */
  setFault(target: FaultTarget, fault: AgentFault): void;
  /** Removes the faults of the matching instances (all when no target). */
  clearFaults(target?: FaultTarget): void;
  /** Drops the instance's connection; it comes back with a new connection (new cid) after crashRestartMs. */
  crash(host: string, agent: string): Promise<void>;
  /** Publishes `count` events at once from each matching instance (beside the background rate). */
  publishNow(target: FaultTarget, count: number): Promise<void>;
  /** Ground-truth counters per instance. */
  stats(): InstanceStats[];
  /** Flushes every open connection (all published messages have reached the server). */
  flush(): Promise<void>;
  /** Resolves when every instance whose unit is active is connected (or rejects after timeoutMs). */
  ready(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

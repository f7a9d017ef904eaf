// One collection of a wave — a T+0 baseline, a monitor tick or a checkpoint — from every source:
// hosts over SSH, the NATS server's statistics and health, probes and (at checkpoints) the subject
// sampling window. What one collection hands to the next (journal cursors, the server snapshot) is
// returned as `carry`, so a retried collection starts from the same place.
import type { Plan } from '../plan/schema';
import { collectHosts, cursorKey, type HostsCollection } from './hosts/collect';
import type { SshPool } from './hosts/ssh-pool';
import { collectServerStats, type ServerSnapshot, type ServerStatsResult } from './nats/server';
import { natsHealth, type NatsHealth } from './nats/health';
import { probeAgents, type ProbeRunResult } from './nats/probes';
import { sampleTraffic, type SamplingResult } from './nats/sampler';

export type CollectionKind = 'baseline' | 'tick' | 'checkpoint';

export interface Carry {
  cursors: Record<string, string | null>;
  server: ServerSnapshot | null;
}

export const EMPTY_CARRY: Carry = { cursors: {}, server: null };

export interface Collection {
  kind: CollectionKind;
  /** Checkpoint name ("T+6h", "manual-1"); null for ticks and the baseline. */
  name: string | null;
  /** Order of collections in the wave (from the workflow). */
  seq: number;
  startedAt: number;
  finishedAt: number;
  /** Errors and message counts cover (windowStart, finishedAt]. */
  windowStart: number;
  hosts: HostsCollection | null;
  server: ServerStatsResult | null;
  health: NatsHealth | null;
  probes: ProbeRunResult | null;
  sampling: SamplingResult | null;
}

export interface CollectOptions {
  kind: CollectionKind;
  name?: string | null;
  seq: number;
  pool: SshPool;
  carry: Carry;
  /** Start of the window when no cursor is known (the previous collection, or monitoring start). */
  sinceMs: number;
  /** Sampling window after the time scale (never below the plan's floor: the sampler enforces it). */
  samplingWindowMs?: number;
  /** Probe spacing after the time scale: requests per second. */
  probeRatePerSecond?: number;
  attempt?: number;
  signal?: AbortSignal;
  onProgress?: (what: string) => void;
}

export async function collectWave(plan: Plan, o: CollectOptions): Promise<{ collection: Collection; carry: Carry }> {
  const startedAt = Date.now();
  const progress = (what: string) => o.onProgress?.(what);
  // Probes first and alone: SSH collection and parsing running beside them would put their own
  // event-loop delays into the measured latency (seen as a false degradation against T+0).
  // The T+0 baseline is the wave's reference: a first round warms connections and code paths and is
  // discarded, so the reference is not the slowest moment of the wave.
  if (o.kind === 'baseline') await probeAgents(plan, { kind: 'tick', ratePerSecond: o.probeRatePerSecond, signal: o.signal }).catch(() => null);
  const probes = await probeAgents(plan, {
    kind: o.kind,
    ratePerSecond: o.probeRatePerSecond,
    signal: o.signal,
  }).catch((err: Error): ProbeRunResult | null => {
    progress(`probes failed: ${err.message}`);
    return null;
  });
  const hostsP =
    o.kind === 'baseline'
      ? Promise.resolve(null)
      : collectHosts(o.pool, plan, {
          sinceMs: o.sinceMs,
          cursors: o.carry.cursors,
          gpus: o.kind === 'checkpoint',
          signal: o.signal,
          onProgress: (done, total) => progress(`hosts ${done}/${total}`),
        });
  const samplingP =
    o.kind === 'checkpoint'
      ? sampleTraffic({ plan, windowMs: o.samplingWindowMs, signal: o.signal, attempt: o.attempt, onProgress: () => progress('sampling') })
      : Promise.resolve(null);
  const healthP = natsHealth(plan);
  const [hosts, sampling, health] = await Promise.all([hostsP, samplingP, healthP]);
  // Server counters after the window: the deltas then cover the same span as the journal reads.
  const server = await collectServerStats(plan, { previous: o.carry.server });
  const cursors = { ...o.carry.cursors };
  for (const e of hosts?.errors ?? []) if (e.cursor) cursors[cursorKey(e.host, e.agent)] = e.cursor;
  return {
    collection: {
      kind: o.kind,
      name: o.name ?? null,
      seq: o.seq,
      startedAt,
      finishedAt: Date.now(),
      windowStart: o.sinceMs,
      hosts,
      server,
      health,
      probes,
      sampling,
    },
    carry: { cursors, server: server.snapshot ?? o.carry.server },
  };
}

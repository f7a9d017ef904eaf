// A Collection (src/collect/wave-collection.ts) as the judge's input (src/judge/observations.ts):
// one TickObservation per baseline/tick, one CheckpointObservation per checkpoint. Missing data stays
// missing: a value that was not collected is null with the reason in `error`, never a zero; a source
// that was not asked for in this kind of collection (hosts at the baseline, sampling at a tick) is
// null/empty. Pure: every time comes from the collection.
import type { Plan } from '../plan/schema';
import type { Collection } from '../collect/wave-collection';
import type { AgentRecord, AgentErrors, HostSystem } from '../collect/hosts/collect';
import type { AgentStatus } from '../collect/hosts/agent-status';
import type { ProbeResult as CollectedProbe } from '../collect/nats/probes';
import { compareUnitSamples } from '../collect/hosts/samples';
import type {
  AgentSample,
  CheckpointObservation,
  ErrorCount,
  HostSample,
  MessageCount,
  NatsObservation,
  Observation,
  ProbeObservation,
  SamplingObservation,
  SubscriptionCheck,
  TickObservation,
  UnitState,
} from '../judge/observations';
import { latenciesFromHistogram } from './latencies';
import { distinct, instanceKey, planAgentInfo, roleOf } from './readings';

export interface ObservationOptions {
  /**
   * Raw probe latencies for the judge's significance tests (degradation, test vs control), rebuilt
   * from each probe's encoded HDR histogram (µs resolution, 3 significant digits). Default true;
   * false leaves `latenciesMs` undefined (the degradation criterion is then inconclusive).
   */
  latencies?: boolean;
  /** Ticks skipped before this one (the workflow counts them). */
  skippedTicks?: number;
}

/** The judge's unit state from the collector's ('not-installed' is systemd's LoadState=not-found). */
export function unitStateOf(a: Pick<AgentRecord, 'state'>): UnitState {
  return a.state === 'not-installed' ? 'not-found' : a.state;
}

/**
 * What the next collection needs from this one to turn counters into rates, small enough to carry
 * (e.g. in the observation log): per agent instance ("agent@host") the CPUUsageNSec counter of an
 * active unit, with its NRestarts and ActiveEnterTimestamp (a restart resets the counter).
 */
export type UnitCounters = Record<string, { nsec: number; at: number; nRestarts?: number | null; activeEnter?: number | null }>;

/** Either the previous collection itself or its counters. */
export type Previous = Collection | UnitCounters | null | undefined;

export function unitCounters(c: Collection): UnitCounters {
  const out: UnitCounters = {};
  for (const a of c.hosts?.agents ?? [])
    if (a.state === 'active' && a.cpuUsageNSec !== null)
      out[instanceKey(a.host, a.agent)] = { nsec: a.cpuUsageNSec, at: a.collectedAt, nRestarts: a.nRestarts, activeEnter: a.activeEnterTimestamp };
  return out;
}

const isCollection = (p: Previous): p is Collection => !!p && typeof (p as Collection).kind === 'string' && 'finishedAt' in (p as object);

/** The previous sample of the same unit, as the collector's record (from a Collection or from counters). */
export function previousUnit(cur: AgentRecord, previous: Previous): AgentStatus | null {
  if (!previous) return null;
  if (isCollection(previous)) return previous.hosts?.agents.find((p) => p.host === cur.host && p.agent === cur.agent) ?? null;
  const k = (previous as UnitCounters)[instanceKey(cur.host, cur.agent)];
  if (!k || typeof k.nsec !== 'number' || typeof k.at !== 'number') return null;
  return {
    ...cur, state: 'active', cpuUsageNSec: k.nsec, collectedAt: k.at, nRestarts: k.nRestarts ?? null, activeEnterTimestamp: k.activeEnter ?? null,
    memoryBytes: null, error: undefined,
  };
}

/** CPU % of one core over the interval between two samples of the same unit; null when it cannot be told (no previous sample, a restart between). */
export function cpuPctOf(cur: AgentRecord, previous: Previous): number | null {
  const prev = previousUnit(cur, previous);
  return prev ? compareUnitSamples(prev, cur).cpuPct : null;
}

/** MemoryCurrent (the unit's cgroup), else the main process's RSS when the unit has no memory accounting. */
export const memoryOf = (a: AgentRecord): number | null => a.memoryBytes ?? a.rssBytes ?? null;

export function agentSamples(plan: Plan, c: Collection, previous?: Previous): AgentSample[] {
  if (!c.hosts) {
    // The baseline does not read the hosts; any other collection without them failed to.
    if (c.kind === 'baseline') return [];
    return plan.hosts.flatMap((h) =>
      planAgentInfo(plan).map((a) => ({
        host: h.name, agent: a.agent, role: a.role, state: 'unknown' as const, nRestarts: null, activeEnterTimestamp: null,
        activeExitTimestamp: null, memoryBytes: null, cpuPct: null, error: 'hosts were not collected in this collection',
      })),
    );
  }
  const out: AgentSample[] = [];
  for (const a of c.hosts.agents) {
    const role = roleOf(plan, a.agent) ?? a.role;
    const state = unitStateOf(a);
    out.push({
      host: a.host,
      agent: a.agent,
      role,
      state,
      nRestarts: a.nRestarts,
      activeEnterTimestamp: a.activeEnterTimestamp,
      activeExitTimestamp: a.activeExitTimestamp,
      hostClock: a.hostClock ?? null,
      memoryBytes: state === 'unknown' ? null : memoryOf(a),
      cpuPct: state === 'unknown' ? null : cpuPctOf(a, previous),
      ...(a.error ? { error: a.error } : state === 'unknown' ? { error: 'unit state not collected' } : {}),
    });
  }
  return out;
}

/** A host is reachable when some command came back (collect.ts) and it is not listed unreachable. */
export function hostReachable(c: Collection, host: string, sys: HostSystem | undefined): boolean {
  if (c.hosts?.unreachable.some((u) => u.host === host)) return false;
  return sys ? sys.reachable : true;
}

export function hostSamples(plan: Plan, c: Collection): HostSample[] {
  if (!c.hosts) return [];
  const out: HostSample[] = [];
  for (const h of plan.hosts) {
    const sys = c.hosts.system.find((s) => s.host === h.name);
    const down = c.hosts.unreachable.find((u) => u.host === h.name);
    if (!sys) {
      if (down) out.push({ host: h.name, reachable: false, load1: null, memoryUsedPct: null, memoryTotalBytes: null, diskUsedPct: null, error: down.error });
      continue;
    }
    const reachable = hostReachable(c, h.name, sys);
    const errors = distinct([down?.error ?? '', sys.error ?? '', sys.load.error ?? '', sys.memory.error ?? '', sys.disk.error ?? '']);
    out.push({
      host: h.name,
      reachable,
      load1: sys.load.value?.load1 ?? null,
      memoryUsedPct: sys.memory.value?.usedPct ?? null,
      memoryTotalBytes: sys.memory.value?.totalBytes ?? null,
      diskUsedPct: sys.disk.value?.usedPct ?? null,
      ...(errors.length ? { error: errors.join('; ') } : {}),
    });
  }
  return out;
}

export function errorCounts(plan: Plan, c: Collection): ErrorCount[] | null {
  if (!c.hosts) return null;
  if (c.hosts.errors.length === 0) return null; // errors not read in this collection
  return c.hosts.errors.map((e: AgentErrors) => ({
    host: e.host,
    agent: e.agent,
    role: roleOf(plan, e.agent) ?? e.role,
    count: e.errors,
    ...(e.errors === null ? { error: e.error ?? 'journal not read' } : e.truncated ? { error: `journal read capped: ${e.errors} is a lower bound` } : {}),
  }));
}

/**
 * Messages handled per agent instance (agent@host) in the window: the server's /connz deltas of the
 * instance's named connection(s). Per instance, so that the error rate can leave out exactly the
 * hosts whose errors were not read (measurements.ts errorRatePct). A failed server read gives one
 * entry per agent (no host): nothing is known of any instance.
 */
export function messageCounts(plan: Plan, c: Collection): MessageCount[] | null {
  if (c.kind === 'baseline') return null;
  const s = c.server;
  const agents = planAgentInfo(plan);
  if (!s) return agents.map((a) => ({ agent: a.agent, role: a.role, messages: null, error: 'NATS server statistics not collected' }));
  if (!s.reachable) return agents.map((a) => ({ agent: a.agent, role: a.role, messages: null, error: s.error ?? 'NATS monitoring endpoint unreachable' }));
  return plan.hosts.flatMap((h) =>
    agents.map((a): MessageCount => {
      const base = { host: h.name, agent: a.agent, role: a.role };
      const i = s.instances.find((x) => x.host === h.name && x.agent === a.agent);
      if (!i) return { ...base, messages: null, error: 'no connection statistics for this instance' };
      if (!i.delta)
        return { ...base, messages: null, error: s.notes.find((n) => n.startsWith('first collection')) ?? 'no message counters for this instance (no connection, no baseline)' };
      return { ...base, messages: i.delta.handled, ...(i.delta.partial ? { error: 'lower bound: a closed connection’s final counters were not readable' } : {}) };
    }),
  );
}

export function probeResults(plan: Plan, c: Collection, opts: { latencies?: boolean } = {}): ProbeObservation[] {
  const out: ProbeObservation[] = [];
  const run = c.probes;
  for (const a of planAgentInfo(plan)) {
    const r = run?.agents.find((p) => p.agent === a.agent);
    if (!r) {
      out.push({
        agent: a.agent, role: a.role, sent: 0, received: 0, timeouts: 0, p50: null, p99: null, p999: null, samples: 0, corrupt: 0,
        error: run ? (run.fault?.message ?? 'agent not probed') : 'probes not run (the probe activity failed)',
      });
      continue;
    }
    out.push(probeResult(a.role, r, opts.latencies !== false));
  }
  return out;
}

/**
 * One agent's probe. `sent` counts the requests judged (replies + timeouts + no-responders): a request
 * that failed with wavewatch's own NATS connection is a NATS fault, not the agent's loss (probes.ts).
 */
export function probeResult(role: 'test' | 'control', r: CollectedProbe, withLatencies: boolean): ProbeObservation {
  const judged = r.replies + r.lossCount;
  const latencies = withLatencies ? latenciesFromHistogram(r.latency.histogram) : null;
  const notes = distinct([
    judged === 0 ? (r.fault?.message ?? (r.sent === 0 ? 'no probe requests sent' : 'every request failed with the NATS connection')) : '',
    r.connectionErrors ? `${r.connectionErrors} request(s) failed with wavewatch's NATS connection (not counted)` : '',
    r.otherErrors ? `${r.otherErrors} request(s) failed for another reason (not counted)` : '',
  ]);
  return {
    agent: r.agent,
    role,
    sent: judged,
    received: r.replies,
    timeouts: r.timeouts + r.noResponders,
    p50: r.latency.p50,
    p99: r.latency.p99,
    p999: r.latency.p999,
    samples: r.latency.count,
    corrupt: r.corrupt,
    ...(latencies ? { latenciesMs: latencies } : {}),
    ...(notes.length ? { error: notes.join('; ') } : {}),
    ...(r.reprobe ? { reprobe: reprobeOf(r.reprobe) } : {}),
  };
}

/** The re-probe as the judge counts it: like the probe, failures with wavewatch's own NATS connection are not the agent's loss. */
function reprobeOf(r: NonNullable<CollectedProbe['reprobe']>): NonNullable<ProbeObservation['reprobe']> {
  const sent = r.replies + r.lossCount;
  return {
    sent,
    lost: r.lossCount,
    ...(sent === 0 ? { error: r.connectionErrors ? `every re-probe request failed with wavewatch's NATS connection (${r.connectionErrors})` : 'no re-probe request sent' } : {}),
  };
}

/** NATS health: the client port check (health.ts) and the agents' connections with their cids (server.ts). */
export function natsHealthOf(c: Collection): NatsObservation | null {
  const h = c.health;
  const s = c.server;
  if (!h && !s) return null;
  const out: NatsObservation = { reachable: h ? h.reachable : null };
  if (!h) out.error = 'NATS health not checked in this collection';
  else if (h.problems.length) out.error = h.problems.join('; ');
  if (s && s.reachable && s.instances.length) {
    out.connections = s.instances.map((i) => ({
      host: i.host,
      agent: i.agent,
      role: i.role,
      // a duplicate connection keeps the newest cid (a reconnect gets a higher one)
      cid: i.present && i.cids.length ? Math.max(...i.cids) : null,
    }));
  }
  return out;
}

export function samplingOf(c: Collection): SamplingObservation | null {
  const s = c.sampling;
  if (!s) return null;
  const notes = distinct([...s.incompleteReasons, s.dualPublish?.note ?? '']);
  if (!s.patterns)
    return {
      legacy: 0, unified: 0, paired: 0, either: 0, skewP99Ms: null, corrupt: 0, complete: false,
      error: s.fault?.message ?? 'NATS sampling did not connect',
      ...(notes.length ? { note: notes.join('; ') } : {}),
    };
  const d = s.dualPublish;
  return {
    legacy: s.patterns.legacy.count,
    unified: s.patterns.unified.count,
    paired: d?.paired ?? 0,
    either: d?.events ?? 0,
    skewP99Ms: d?.skew.p99 ?? null,
    corrupt: s.corruptPayloads ?? 0,
    complete: s.complete,
    ...(notes.length ? { note: notes.join('; ') } : {}),
    ...(d ? {} : { error: 'dual-publish pairing not computed' }),
  };
}

/** Which agent connections under test and control subscribe to the legacy and unified patterns (/connz?subs=1). */
export function subscriptionsOf(c: Collection): SubscriptionCheck[] | null {
  const s = c.server;
  if (!s || !s.reachable || s.instances.length === 0) return null;
  // An instance without a connection is left out: the judge counts it as "no connection found".
  return s.instances.filter((i) => i.present).map((i) => ({ host: i.host, agent: i.agent, role: i.role, legacy: i.subscribesLegacy, unified: i.subscribesUnified }));
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

// Hand-built Collections for plans/wave2.yaml (3 hosts × network-expert, tdd-expert under test,
// nix-expert, qa-expert control): a healthy fleet, with faults switched on one by one.
import { loadPlan } from '../../src/plan/load';
import type { Plan } from '../../src/plan/schema';
import type { Collection, CollectionKind } from '../../src/collect/wave-collection';
import type { AgentErrors, AgentRecord, HostSystem, HostsCollection } from '../../src/collect/hosts/collect';
import type { AgentInstanceStats, ServerStatsResult } from '../../src/collect/nats/server';
import type { NatsHealth } from '../../src/collect/nats/health';
import type { ProbeResult, ProbeRunResult } from '../../src/collect/nats/probes';
import type { SamplingResult } from '../../src/collect/nats/sampler';
import { MsRecorder, type DistributionSummary } from '../../src/collect/nats/stats';
import { agentConnectionName, probeSubject } from '../../src/collect/nats/subjects';

export const START = Date.parse('2026-01-23T12:00:00.000Z');
export const MIN = 60_000;
export const H = 3_600_000;
export const MiB = 1024 * 1024;

export function wave2Plan(): Plan {
  return loadPlan(`${__dirname}/../../plans/wave2.yaml`);
}

export interface Faults {
  /** No command on this host returned. */
  unreachableHost?: string;
  /** The journal read of this "agent@host" failed (exit 1). */
  journalFailed?: string;
  /** Errors logged by network-expert@dgx-1 in the window. */
  errors?: number;
  /** The NATS server (client port and monitoring endpoint) does not answer. */
  natsDown?: boolean;
  /** A checkpoint without the sampling window (the sampler failed to run). */
  noSampling?: boolean;
  /** Latency added to every probe reply of the agents under test, ms. */
  latencyMs?: number;
  /** Probe timeouts of network-expert. */
  lost?: number;
}

export interface CollectionSpec {
  kind: CollectionKind;
  name?: string | null;
  seq: number;
  /** finishedAt, ms after START. */
  atMs: number;
  /** windowStart, ms after START. */
  sinceMs: number;
  faults?: Faults;
  /** CPU seconds used by each unit so far (CPUUsageNSec grows with it). */
  cpuSeconds?: number;
  /** A previous server snapshot exists (message deltas are known). */
  withBaseline?: boolean;
}

const agentsOf = (plan: Plan) => [
  ...plan.agents.underTest.map((a) => ({ agent: a.name, role: 'test' as const })),
  ...plan.agents.control.map((a) => ({ agent: a.name, role: 'control' as const })),
];

function summary(values: number[]): DistributionSummary {
  const r = new MsRecorder();
  for (const v of values) r.record(v);
  return r.summary({ includeHistogram: true });
}

/** Deterministic latencies around `base` ms. */
export function latencies(n: number, base: number, spread = 0.6): number[] {
  return Array.from({ length: n }, (_, i) => base + spread * (((i * 7919) % 101) / 100));
}

function probe(plan: Plan, agent: string, role: 'test' | 'control', count: number, f: Faults, startedAt: string): ProbeResult {
  const lost = agent === 'network-expert' ? (f.lost ?? 0) : 0;
  const replies = count - lost;
  const base = 1.2 + (role === 'test' ? (f.latencyMs ?? 0) : 0);
  const lat = summary(latencies(replies, base));
  return {
    agent, role, subject: probeSubject(plan.nats.probe.subject, agent), startedAt,
    planned: count, sent: count, replies, timeouts: lost, noResponders: 0, connectionErrors: 0, otherErrors: 0, corrupt: 0, lossCount: lost,
    deliveryPct: Math.round((replies / count) * 10000) / 100, latency: lat, sendLag: summary([0.05]), plannedRatePerSecond: 10,
    throughputPerSecond: 10, burst: null, durationMs: count * 100, complete: true, fault: null,
    notes: count < 1000 ? [`p99.9 rests on fewer than 1000 samples (${replies})`] : [],
  };
}

function probes(plan: Plan, kind: CollectionKind, f: Faults, at: number): ProbeRunResult | null {
  const startedAt = new Date(at - 20_000).toISOString();
  const endedAt = new Date(at - 5_000).toISOString();
  if (f.natsDown) {
    const e = new MsRecorder().summary();
    return {
      kind, startedAt, endedAt, agents: [], underTest: { sent: 0, replies: 0, lossCount: 0, corrupt: 0, deliveryPct: null, latency: e },
      fault: { kind: 'nats-unreachable', message: 'cannot connect to nats://127.0.0.1:4222: CONNECTION_REFUSED' }, complete: false,
    };
  }
  const count = kind === 'tick' ? plan.nats.probe.perTick : plan.nats.probe.count;
  const agents = agentsOf(plan).map((a) => probe(plan, a.agent, a.role, count, f, startedAt));
  const test = agents.filter((a) => a.role === 'test');
  return {
    kind, startedAt, endedAt, agents,
    underTest: { sent: test.reduce((s, p) => s + p.sent, 0), replies: test.reduce((s, p) => s + p.replies, 0), lossCount: test.reduce((s, p) => s + p.lossCount, 0), corrupt: 0, deliveryPct: 100, latency: summary([1]) },
    fault: null, complete: true,
  };
}

function agentRecord(host: string, agent: string, role: 'test' | 'control', at: number, f: Faults, cpuSeconds: number): AgentRecord {
  const down = f.unreachableHost === host;
  const base = {
    host, agent, role, unit: `agent-runtime@${agent}`, collectedAt: at - 2000, hostClock: null,
  };
  if (down)
    return {
      ...base, state: 'unknown', loadState: null, activeState: null, subState: null, activeEnterTimestamp: null, activeExitTimestamp: null,
      nRestarts: null, memoryBytes: null, cpuUsageNSec: null, mainPid: null, exitCode: null, error: `ssh ${host}: connect ECONNREFUSED`, rssBytes: null, vmsBytes: null,
    };
  return {
    ...base, state: 'active', loadState: 'loaded', activeState: 'active', subState: 'running', activeEnterTimestamp: START - 10 * MIN,
    activeExitTimestamp: null, nRestarts: 0, memoryBytes: 200 * MiB + (role === 'test' ? 8 * MiB : 0), cpuUsageNSec: Math.round(cpuSeconds * 1e9), mainPid: 4242, exitCode: 0,
    rssBytes: 150 * MiB, vmsBytes: 900 * MiB,
  };
}

function errorsOf(host: string, agent: string, role: 'test' | 'control', at: number, since: number, f: Faults): AgentErrors {
  const unit = `agent-runtime@${agent}`;
  const base = { host, agent, role, unit, collectedAt: at - 1500, sinceMs: since, fromCursor: null, truncated: false, badLines: 0 };
  const failed = f.unreachableHost === host ? `ssh ${host}: connect ECONNREFUSED` : f.journalFailed === `${agent}@${host}` ? `journalctl -u ${unit} exited 1: Failed to open journal` : null;
  if (failed)
    return { ...base, exitCode: f.unreachableHost === host ? null : 1, error: failed, cursor: null, entries: null, errors: null, byPriority: null, byPattern: null, types: [], recurringTypes: null, oneOffTypes: null, log: [] };
  const n = agent === 'network-expert' && host === 'dgx-1' ? (f.errors ?? 0) : 0;
  const log = Array.from({ length: n }, (_, i) => ({ at: new Date(since + (i + 1) * 1000).toISOString(), unit, pid: 4242, priority: 3, message: `request ${i} failed: error upstream timeout` }));
  return {
    ...base, exitCode: 0, cursor: `s=${host}-${agent}-${at}`, entries: 500 + n, errors: n, byPriority: n, byPattern: 0,
    types: n ? [{ type: 'request <n> failed: error upstream timeout', count: n, recurring: n > 1, firstSeen: since + 1000, lastSeen: since + n * 1000, example: 'request 0 failed: error upstream timeout', priority: 3 }] : [],
    recurringTypes: n > 1 ? 1 : 0, oneOffTypes: n === 1 ? 1 : 0, log,
  };
}

function systemOf(host: string, at: number, f: Faults, gpus: boolean): HostSystem {
  const t = at - 1000;
  if (f.unreachableHost === host) {
    const e = { value: null, collectedAt: t, exitCode: null, error: `ssh ${host}: connect ECONNREFUSED` };
    return { host, collectedAt: t, reachable: false, error: e.error, load: e, memory: e, disk: { ...e, path: '/opt/cim-dgx' }, uptime: e, network: e, gpus: { ...e, absent: false } };
  }
  const ok = <T>(value: T) => ({ value, collectedAt: t, exitCode: 0 });
  return {
    host, collectedAt: t, reachable: true,
    load: ok({ load1: 0.42, load5: 0.4, load15: 0.38, running: 2, total: 900 }),
    memory: ok({ totalBytes: 2048 * 1024 * MiB, availableBytes: 1200 * 1024 * MiB, freeBytes: 1000 * 1024 * MiB, cachedBytes: 150 * 1024 * MiB, buffersBytes: MiB, usedBytes: 848 * 1024 * MiB, usedPct: 41.41, swapTotalBytes: 0, swapFreeBytes: 0 }),
    disk: { ...ok({ source: '/dev/nvme0n1p2', fstype: 'ext4', sizeBytes: 1000 * 1024 * MiB, usedBytes: 400 * 1024 * MiB, availBytes: 600 * 1024 * MiB, usedPct: 40, target: '/' }), path: '/opt/cim-dgx' },
    uptime: ok({ seconds: 864000 }),
    network: ok([{ name: 'eth0', rxBytes: 1e9 + at, rxPackets: 1e6, rxErrors: 0, rxDropped: 0, txBytes: 2e9 + 2 * at, txPackets: 1e6, txErrors: 0, txDropped: 0 }]),
    gpus: gpus
      ? {
          ...ok(Array.from({ length: 8 }, (_, i) => ({
            index: i, uuid: `GPU-${i}`, name: 'NVIDIA A100-SXM4-80GB', utilizationPct: 35, memoryUtilizationPct: 20, memoryTotalMiB: 81920, memoryUsedMiB: 20480,
            temperatureC: 41, powerW: 120, eccUncorrected: 0, throttleReasonsMask: '0x0', throttleReasons: [], throttledBy: [], healthy: true,
          }))),
          absent: false,
        }
      : { value: null, collectedAt: t, exitCode: null, error: 'not collected (gpus: false)', absent: false },
  };
}

export function hostsOf(plan: Plan, spec: CollectionSpec): HostsCollection {
  const f = spec.faults ?? {};
  const at = START + spec.atMs;
  const since = START + spec.sinceMs;
  const agents = plan.hosts.flatMap((h) => agentsOf(plan).map((a) => agentRecord(h.name, a.agent, a.role, at, f, spec.cpuSeconds ?? 100)));
  const errors = plan.hosts.flatMap((h) => agentsOf(plan).map((a) => errorsOf(h.name, a.agent, a.role, at, since, f)));
  const system = plan.hosts.map((h) => systemOf(h.name, at, f, spec.kind === 'checkpoint'));
  const unreachable = f.unreachableHost ? [{ host: f.unreachableHost, error: `ssh ${f.unreachableHost}: connect ECONNREFUSED` }] : [];
  return { startedAt: at - 5000, finishedAt: at - 500, sinceMs: since, agents, errors, system, unreachable, commands: { run: 60, failed: unreachable.length * 20 } };
}

export function serverOf(plan: Plan, spec: CollectionSpec): ServerStatsResult {
  const at = new Date(START + spec.atMs).toISOString();
  const f = spec.faults ?? {};
  const base = 'http://127.0.0.1:8222';
  if (f.natsDown)
    return {
      at, monitoringUrl: base, reachable: false, error: 'NATS monitoring endpoint unreachable: http://127.0.0.1:8222/varz: ECONNREFUSED', healthy: null,
      server: null, connections: null, slowConsumers: { total: null, delta: null }, instances: [], perAgent: {}, dualSubscriptionPct: null, connectionDrops: null,
      notes: ['no data: the monitoring endpoint did not answer'], snapshot: null,
    };
  const baseline = spec.withBaseline ?? spec.kind !== 'baseline';
  let cid = 10;
  const instances: AgentInstanceStats[] = plan.hosts.flatMap((h) =>
    agentsOf(plan).map((a) => {
      const name = agentConnectionName(plan.nats.agentConnectionName, h.name, a.agent);
      const down = f.unreachableHost === h.name; // the host is cut off: its agents' connections are gone too
      const id = cid++;
      return {
        host: h.name, agent: a.agent, role: a.role, connectionName: name, present: !down, connections: down ? 0 : 1, cids: down ? [] : [id],
        subscriptions: down ? [] : ['cim-agent.>', 'cim.agent.>'], subscribesLegacy: !down, subscribesUnified: !down, dualSubscribed: !down,
        inMsgs: down ? null : 50_000, outMsgs: down ? null : 50_000, rttMs: down ? null : 0.4,
        delta: baseline ? { inMsgs: down ? 0 : 1000, outMsgs: down ? 0 : 1000, handled: down ? 0 : 2000, reset: false, partial: down } : null,
        dropped: down && baseline ? 1 : 0,
        ...(down ? { note: 'no connection with this name' } : {}),
      };
    }),
  );
  const perAgent: ServerStatsResult['perAgent'] = {};
  for (const i of instances) {
    const p = (perAgent[i.agent] ??= { role: i.role, expected: 0, present: 0, handled: null, inMsgs: null, outMsgs: null, partial: false, dropped: 0 });
    p.expected++;
    if (i.present) p.present++;
    p.dropped += i.dropped;
    if (i.delta) {
      p.handled = (p.handled ?? 0) + i.delta.handled;
      p.inMsgs = (p.inMsgs ?? 0) + i.delta.inMsgs;
      p.outMsgs = (p.outMsgs ?? 0) + i.delta.outMsgs;
      p.partial ||= i.delta.partial;
    }
  }
  const test = instances.filter((i) => i.role === 'test');
  return {
    at, monitoringUrl: base, reachable: true, healthy: true,
    server: { id: 'NSRV', version: '2.10.22', start: new Date(START - H).toISOString(), restarted: false },
    connections: { total: instances.filter((i) => i.present).length + 2, agentsExpected: instances.length, agentsPresent: instances.filter((i) => i.present).length, missing: instances.filter((i) => !i.present).map((i) => i.connectionName) },
    slowConsumers: { total: 0, delta: baseline ? 0 : null },
    instances, perAgent,
    dualSubscriptionPct: Math.round((test.filter((i) => i.dualSubscribed).length / test.length) * 10000) / 100,
    connectionDrops: baseline ? test.reduce((s, i) => s + i.dropped, 0) : null,
    notes: baseline ? [] : ['first collection: message deltas need a previous collection (baseline taken now)'],
    snapshot: { at, serverId: 'NSRV', serverStart: new Date(START - H).toISOString(), connections: {}, slowConsumers: 0 },
  };
}

export function healthOf(plan: Plan, spec: CollectionSpec): NatsHealth {
  const f = spec.faults ?? {};
  const at = new Date(START + spec.atMs).toISOString();
  if (f.natsDown)
    return { at, reachable: false, monitoringReachable: false, healthy: null, agentConnections: null, connection: null, problems: ['NATS unreachable: CONNECTION_REFUSED', 'NATS monitoring endpoint unreachable: ECONNREFUSED'], durationMs: 3000 };
  return { at, reachable: true, monitoringReachable: true, healthy: true, agentConnections: { expected: 12, present: 12, missing: [], underTestMissing: [] }, connection: null, problems: [], durationMs: 12 };
}

export function samplingOf(plan: Plan, spec: CollectionSpec): SamplingResult | null {
  const f = spec.faults ?? {};
  if (spec.kind !== 'checkpoint' || f.noSampling) return null;
  const end = START + spec.atMs - 30_000;
  const start = end - 5 * MIN;
  const common = { wave: plan.wave.name, connectionName: `wavewatch:${plan.wave.name}:sampler`, attempt: 1, startedAt: new Date(start).toISOString(), endedAt: new Date(end).toISOString(), windowMs: 5 * MIN };
  if (f.natsDown)
    return {
      ...common, measuredMs: 0, complete: false, incompleteReasons: ['never connected'], fault: { kind: 'nats-unreachable', message: 'cannot connect: CONNECTION_REFUSED' },
      patterns: null, total: null, agentRefPct: null, dualPublish: null, corruptPayloads: null, emptyPayloads: null, sample: [], sampleCapped: false,
      slowConsumer: { client: false, closedAsSlowByServer: false, serverSlowConsumersDelta: null }, connection: { disconnects: 0, reconnects: 0 }, lagAtEndMs: null, notes: [],
    };
  const subjects = (prefix: string) => agentsOf(plan).map((a) => ({ subject: `${prefix}.${a.agent}.heartbeat`, count: 150 }));
  const pattern = (p: string, prefix: string) => ({ pattern: p, count: 600, bytes: 60_000, sharePct: 50, ratePerMinute: 120, uniqueSubjects: 4, subjectsCapped: false, subjects: subjects(prefix) });
  return {
    ...common, measuredMs: 5 * MIN, complete: true, incompleteReasons: [], fault: null,
    patterns: { legacy: pattern('cim-agent.>', 'cim-agent'), unified: pattern('cim.agent.>', 'cim.agent') },
    total: { count: 1200, ratePerMinute: 240 }, agentRefPct: 50,
    dualPublish: {
      events: 600, paired: 600, unpaired: { legacy: 0, unified: 0 }, pairedPct: 100, perAgent: {},
      skew: summary(latencies(600, 0.3, 0.2)), legacyFirst: 400, unifiedFirst: 200, pairedOutsideWindow: 2,
    },
    corruptPayloads: 0, emptyPayloads: 0, sample: [], sampleCapped: false,
    slowConsumer: { client: false, closedAsSlowByServer: false, serverSlowConsumersDelta: 0 }, connection: { disconnects: 0, reconnects: 0 }, lagAtEndMs: 0.4, notes: [],
  };
}

export function makeCollection(plan: Plan, spec: CollectionSpec): Collection {
  const f = spec.faults ?? {};
  return {
    kind: spec.kind,
    name: spec.name ?? null,
    seq: spec.seq,
    startedAt: START + spec.atMs - 40_000,
    finishedAt: START + spec.atMs,
    windowStart: START + spec.sinceMs,
    hosts: spec.kind === 'baseline' ? null : hostsOf(plan, spec),
    server: serverOf(plan, spec),
    health: healthOf(plan, spec),
    probes: probes(plan, spec.kind, f, START + spec.atMs),
    sampling: samplingOf(plan, spec),
    missing: [],
  };
}

/** T+0 baseline, ticks every 5 minutes to T+1h (the last one is the T+1h checkpoint). */
export function firstHour(plan: Plan, faults: Faults = {}): Collection[] {
  const out: Collection[] = [makeCollection(plan, { kind: 'baseline', name: 'T+0', seq: 0, atMs: 30_000, sinceMs: 0, withBaseline: false })];
  for (let i = 1; i <= 12; i++) {
    const last = i === 12;
    out.push(
      makeCollection(plan, {
        kind: last ? 'checkpoint' : 'tick',
        name: last ? 'T+1h' : null,
        seq: i,
        atMs: i * 5 * MIN,
        sinceMs: i === 1 ? 30_000 : (i - 1) * 5 * MIN,
        cpuSeconds: 100 + i * 3,
        faults: last ? faults : {},
      }),
    );
  }
  return out;
}

// One checkpoint Collection plus the judge's verdict as a CheckpointRecord (src/artifacts/types.ts),
// the input of writeCheckpoint: every agent instance, probe, host and the NATS sampling, with what
// could not be collected listed as gaps and kept as null readings with their reason. Pure: times come
// from the collection and the context.
import type { Plan } from '../plan/schema';
import type { Collection } from '../collect/wave-collection';
import type { AgentRecord, AgentErrors, HostSystem } from '../collect/hosts/collect';
import type { ProbeResult as CollectedProbe } from '../collect/nats/probes';
import type { PatternStats } from '../collect/nats/sampler';
import { BAD_THROTTLE_REASONS, type GpuInfo } from '../collect/hosts/parse/nvidia';
import { PRIORITY_NAMES } from '../collect/hosts/parse/journal';
import { agentConnectionName, probeSubject } from '../collect/nats/subjects';
import type { Observation } from '../judge/observations';
import { downtimeIntervals, onWorkerClock, restartEvents, samplesByInstance, unionLength, type TimedSample } from '../judge/uptime';
import type {
  AgentInstanceRecord,
  AlertRecord,
  CheckpointRecord,
  CheckpointVerdict,
  ControlComparison,
  CriterionResult,
  DualSubscriptionRecord,
  ErrorEntry,
  Finding,
  GpuRecord,
  HostRecord,
  NatsRecord,
  OperatorAction,
  PatternTraffic,
  ProbeRecord,
  Reading,
} from '../artifacts/types';
import { agentSamples, cpuPctOf, hostReachable, memoryOf, unitStateOf, type Previous } from './to-observation';
import { instanceMessages } from './to-monitor-sample';
import { distinct, expectedInstances, iso, isoOrNull, isNum, missing, reading, round, type PlanAgentInfo } from './readings';

export interface CheckpointJudged {
  verdict: CheckpointVerdict;
  verdictReason: string;
  criteria: CriterionResult[];
  comparison: ControlComparison | null;
  findings: Finding[];
}

export interface CheckpointRecordContext {
  waveId: string;
  offsetMs: number;
  dueAt: string;
  collection: number;
  collectionReason?: string;
  alerts: AlertRecord[];
  operatorActions: OperatorAction[];
  /** The collection before this one (or its unitCounters): CPU %, network rates. */
  previous?: Previous;
  /** The wave's observations so far (this checkpoint's may be among them): uptime and restarts since monitoring start. */
  history?: Observation[];
  /** Monitoring start (epoch ms); default the history's baseline, else the checkpoint's window start. */
  startMs?: number;
  /** The plan's actions for a collection not in the plan (a manual one); default the plan's, else every collecting action. */
  actions?: string[];
  /** Error entries kept in errors.log (default 1000); the rest are counted as omitted. */
  maxErrorEntries?: number;
  /** Busiest subjects listed (default 20). */
  maxTopSubjects?: number;
  /** Clock skew tolerated between a host and the worker when the host's clock was not read (restart detection at the first sample), default 60 s. */
  clockSkewMs?: number;
}

/** The actions of a manual (checkpoint-grade) collection that is not one of the plan's checkpoints. */
export const MANUAL_ACTIONS = ['agent-status', 'errors', 'dual-subscription', 'nats-sampling', 'probe', 'system'];



// ---- agents ------------------------------------------------------------------------------------------

interface InstanceHistory {
  samples: TimedSample[];
  startMs: number;
  /** Without the wave's history only this collection (and the previous) say anything. */
  partial: boolean;
}

function instanceHistory(plan: Plan, c: Collection, ctx: CheckpointRecordContext): Map<string, InstanceHistory> {
  const hist = (ctx.history ?? []).filter((o) => o.at < c.finishedAt);
  const current = agentSamples(plan, c, ctx.previous ?? null).map((s) => ({ ...s, at: c.finishedAt }));
  const baseline = hist.find((o) => o.kind === 'baseline');
  const earliest = hist.length ? Math.min(...hist.map((o) => o.at - o.windowMs)) : null;
  const startMs = ctx.startMs ?? baseline?.at ?? earliest ?? c.windowStart;
  const byInst = samplesByInstance(hist, () => true);
  const out = new Map<string, InstanceHistory>();
  for (const s of current) {
    const key = `${s.agent}@${s.host}`;
    out.set(key, { samples: [...(byInst.get(key) ?? []), s], startMs, partial: !ctx.history });
  }
  return out;
}

function errorTypesOf(e: AgentErrors | undefined): AgentInstanceRecord['errorTypes'] {
  return (e?.types ?? []).map((t) => ({
    type: t.type,
    count: t.count,
    recurring: t.recurring,
    firstAt: isoOrNull(t.firstSeen),
    lastAt: isoOrNull(t.lastSeen),
    example: t.example,
  }));
}

function agentRecord(plan: Plan, c: Collection, ctx: CheckpointRecordContext, exp: PlanAgentInfo & { host: string }, a: AgentRecord | undefined, hist: InstanceHistory | undefined): AgentInstanceRecord {
  const unitName = a?.unit || plan.agents.unitTemplate.split('{agent}').join(exp.agent);
  const errs = c.hosts?.errors.find((e) => e.host === exp.host && e.agent === exp.agent);
  const notCollected = !a ? (c.hosts ? 'no status reported for this instance' : 'hosts were not collected') : a.state === 'unknown' ? (a.error ?? 'unit state not collected') : null;
  const state = a ? unitStateOf(a) : 'unknown';
  const active = state === 'active' || state === 'reloading';
  const collectedAt = a?.collectedAt ?? c.finishedAt;

  // errors and messages in the window
  const errors: Reading = errs
    ? reading(errs.errors, errs.error ?? 'journal not read', { caveat: errs.truncated ? 'journal read capped: a lower bound' : undefined })
    : missing(c.hosts ? 'errors not read for this unit' : 'hosts were not collected');
  const msgs = instanceMessages(c, exp.host, exp.agent);
  const inst = c.server?.instances.find((i) => i.host === exp.host && i.agent === exp.agent);
  const messages: Reading =
    msgs !== null
      ? reading(msgs, '', { caveat: [inst?.delta?.partial ? 'lower bound: a closed connection’s final counters were not readable' : '', inst?.delta?.reset ? 'counted from a new connection (reconnect or server restart)' : ''].filter(Boolean).join('; ') || undefined })
      : missing(
          !c.server ? 'NATS server statistics not collected'
          : !c.server.reachable ? (c.server.error ?? 'NATS monitoring endpoint unreachable')
          : !inst?.present && !inst?.delta ? `no connection named ${inst?.connectionName ?? agentConnectionName(plan.nats.agentConnectionName, exp.host, exp.agent)}`
          : 'first collection: message counters need a previous collection',
        );
  let errorRatePct: Reading;
  if (errors.value === null) errorRatePct = missing(`errors: ${errors.reason}`);
  else if (messages.value === null) errorRatePct = missing(`messages: ${messages.reason}`);
  else if (messages.value === 0) errorRatePct = { value: null, reason: 'no messages handled in the window', samples: 0 };
  else errorRatePct = reading((errors.value / messages.value) * 100, '', { samples: messages.value, caveat: [errors.reason, messages.reason].filter(Boolean).join('; ') || undefined });

  // uptime and restarts from the samples (history, or this collection alone)
  const skew = ctx.clockSkewMs ?? 60_000;
  let uptimePct: Reading = missing(notCollected ?? 'no samples');
  let restarts: Reading = missing(notCollected ?? 'no samples');
  if (hist && hist.samples.some((s) => s.state !== 'unknown')) {
    const from = c.windowStart;
    const to = c.finishedAt;
    const down = downtimeIntervals(hist.samples, hist.startMs, skew);
    const downMs = unionLength(down, from, to);
    const estimated = down.some((d) => d.estimated && d.to > from && d.from < to);
    const caveat = [
      estimated ? 'exit time unknown: downtime counted from the previous sample (upper bound)' : '',
      hist.partial ? 'from this collection only (no wave history given)' : '',
      notCollected ? `state now unknown: ${notCollected}` : '',
    ].filter(Boolean).join('; ');
    if (to > from) uptimePct = reading(100 * (1 - downMs / (to - from)), '', { caveat: caveat || undefined });
    const events = restartEvents(hist.samples, hist.startMs, skew);
    restarts = reading(events.reduce((s, e) => s + e.count, 0), '', {
      caveat: [events.map((e) => e.detail).join('; '), hist.partial ? `since ${iso(hist.startMs)}, from this collection only (no wave history given): a lower bound` : ''].filter(Boolean).join('; ') || undefined,
    });
  }

  const cpu = a && !notCollected ? cpuPctOf(a, ctx.previous) : null;
  return {
    agent: exp.agent,
    host: exp.host,
    role: exp.role,
    cluster: exp.cluster,
    unit: unitName,
    state: {
      active: a?.activeState ?? null,
      sub: a?.subState ?? null,
      load: a?.loadState ?? null,
      ...(notCollected ? { reason: notCollected } : a?.error ? { reason: a.error } : {}),
    },
    activeSince: isoOrNull(a?.activeEnterTimestamp),
    uptimeSeconds: notCollected
      ? missing(notCollected)
      : active && isNum(a?.activeEnterTimestamp)
        ? reading(Math.max(0, Math.round((collectedAt - onWorkerClock(a!, a!.activeEnterTimestamp as number)) / 1000)), '')
        : active
          ? missing('active, but ActiveEnterTimestamp not reported')
          : reading(0, '', { caveat: `not running (${state})` }),
    uptimePct,
    restarts,
    memoryBytes: notCollected ? missing(notCollected) : a && memoryOf(a) !== null ? reading(memoryOf(a), '', { caveat: a.memoryBytes === null ? 'main process RSS (no MemoryCurrent)' : undefined }) : missing(active ? (a?.processError ?? 'MemoryCurrent not reported') : `not running (${state})`),
    cpuPct: notCollected
      ? missing(notCollected)
      : reading(cpu === null ? null : round(cpu, 3), !active ? `not running (${state})` : ctx.previous ? 'restarted since the previous collection, or CPUUsageNSec not reported' : 'CPU % needs the previous collection (CPUUsageNSec delta)'),
    errors,
    messages,
    errorRatePct,
    errorTypes: errorTypesOf(errs),
  };
}

// ---- probes ------------------------------------------------------------------------------------------

function probeRecord(plan: Plan, c: Collection, a: PlanAgentInfo): ProbeRecord {
  const r: CollectedProbe | undefined = c.probes?.agents.find((p) => p.agent === a.agent);
  const subject = r?.subject ?? probeSubject(plan.nats.probe.subject, a.agent);
  if (!r) {
    const why = c.probes ? (c.probes.fault?.message ?? 'agent not probed') : 'probes not run (the probe activity failed)';
    return {
      agent: a.agent, role: a.role, host: null, subject, sent: 0, received: 0, timeouts: 0, noResponders: 0, corrupt: 0,
      deliveryPct: missing(why), p50Ms: missing(why), p99Ms: missing(why), p999Ms: missing(why), maxMs: missing(why), throughputPerSec: missing(why),
    };
  }
  const judged = r.replies + r.lossCount;
  const excluded = [
    r.connectionErrors ? `${r.connectionErrors} request(s) failed with wavewatch's own NATS connection (a NATS fault, not counted)` : '',
    r.otherErrors ? `${r.otherErrors} request(s) failed for another reason (not counted)` : '',
  ].filter(Boolean).join('; ');
  const noLatency = r.latency.note ?? 'no replies';
  return {
    agent: a.agent,
    role: a.role,
    host: null,
    subject,
    sent: judged,
    received: r.replies,
    timeouts: r.timeouts,
    noResponders: r.noResponders,
    corrupt: r.corrupt,
    deliveryPct: reading(r.deliveryPct, r.fault?.message ?? 'no request judged', { samples: judged, caveat: excluded || undefined }),
    p50Ms: reading(r.latency.p50, noLatency, { samples: r.latency.count }),
    p99Ms: reading(r.latency.p99, noLatency, { samples: r.latency.count }),
    p999Ms: reading(r.latency.p999, noLatency, { samples: r.latency.count, caveat: r.latency.p999Reliable ? undefined : `p99.9 rests on ${r.latency.count} samples (< 1000)` }),
    maxMs: reading(r.latency.max, noLatency, { samples: r.latency.count }),
    throughputPerSec: reading(r.throughputPerSecond, 'no replies'),
  };
}

// ---- NATS --------------------------------------------------------------------------------------------

function traffic(p: PatternStats): PatternTraffic {
  return { pattern: p.pattern, messages: p.count, uniqueSubjects: p.uniqueSubjects, perMinute: reading(p.ratePerMinute, 'no window measured') };
}

function dualSubscription(plan: Plan, c: Collection): DualSubscriptionRecord[] {
  const s = c.server;
  const expected = expectedInstances(plan).filter((e) => e.role === 'test');
  return expected.map((e) => {
    const name = agentConnectionName(plan.nats.agentConnectionName, e.host, e.agent);
    if (!s) return { agent: e.agent, host: e.host, connection: null, legacy: null, unified: null, reason: 'NATS server statistics not collected' };
    if (!s.reachable || s.instances.length === 0) return { agent: e.agent, host: e.host, connection: null, legacy: null, unified: null, reason: s.error ?? 'NATS monitoring endpoint unreachable' };
    const i = s.instances.find((x) => x.host === e.host && x.agent === e.agent);
    if (!i || !i.present) return { agent: e.agent, host: e.host, connection: null, legacy: null, unified: null, reason: `no connection named ${name}` };
    return { agent: e.agent, host: e.host, connection: i.connectionName, legacy: i.subscribesLegacy, unified: i.subscribesUnified, ...(i.note ? { reason: i.note } : {}) };
  });
}

function natsRecord(plan: Plan, c: Collection, maxTop: number): NatsRecord {
  const s = c.sampling;
  const server = c.server;
  const connectionDrops: Reading = !server
    ? missing('NATS server statistics not collected')
    : reading(server.connectionDrops, server.reachable ? 'first collection: drops need a previous collection' : (server.error ?? 'NATS monitoring endpoint unreachable'));
  const common = {
    dualSubscription: dualSubscription(plan, c),
    connectionDrops,
    serverReachable: server ? server.reachable : null,
  };
  if (!s || !s.patterns) {
    const why = !s ? 'NATS traffic not sampled at this collection' : (s.fault?.message ?? 'the sampler did not connect');
    return {
      sampled: false, reason: why, windowStart: s ? s.startedAt : null, windowEnd: s ? s.endedAt : null, windowMs: s ? s.measuredMs : null,
      legacy: null, unified: null, agentRefPct: missing(why), dualPublishPct: missing(why), pairing: null,
      publishSkewP50Ms: missing(why), publishSkewP99Ms: missing(why), topSubjects: [], subjectsOmitted: 0, corruptPayloads: 0, ...common,
    };
  }
  const d = s.dualPublish;
  const total = s.patterns.legacy.count + s.patterns.unified.count;
  const listed = [
    ...s.patterns.legacy.subjects.map((x) => ({ subject: x.subject, pattern: 'legacy' as const, messages: x.count })),
    ...s.patterns.unified.subjects.map((x) => ({ subject: x.subject, pattern: 'unified' as const, messages: x.count })),
  ].sort((a, b) => b.messages - a.messages || a.subject.localeCompare(b.subject));
  const top = listed.slice(0, maxTop);
  const unique = s.patterns.legacy.uniqueSubjects + s.patterns.unified.uniqueSubjects;
  const reason = distinct([...s.incompleteReasons, ...s.notes]).join('; ');
  const skewNote = d?.skew.note ?? 'no paired messages';
  return {
    sampled: true,
    ...(reason ? { reason } : {}),
    windowStart: s.startedAt,
    windowEnd: s.endedAt,
    windowMs: s.measuredMs,
    legacy: traffic(s.patterns.legacy),
    unified: traffic(s.patterns.unified),
    agentRefPct: reading(s.agentRefPct, 'no messages sampled', { samples: total }),
    dualPublishPct: d ? reading(d.pairedPct, d.note ?? 'no messages on either pattern', { samples: d.events }) : missing('dual-publish pairing not computed'),
    // The pairer ignores unpaired grace-period messages (their twins belong to the next window): none are pending.
    pairing: d ? { paired: d.paired, legacyOnly: d.unpaired.legacy, unifiedOnly: d.unpaired.unified, pendingAtEnd: 0 } : null,
    publishSkewP50Ms: d ? reading(d.skew.p50, skewNote, { samples: d.skew.count }) : missing('dual-publish pairing not computed'),
    publishSkewP99Ms: d ? reading(d.skew.p99, skewNote, { samples: d.skew.count }) : missing('dual-publish pairing not computed'),
    topSubjects: top,
    subjectsOmitted: Math.max(0, unique - top.length),
    corruptPayloads: s.corruptPayloads ?? 0,
    ...common,
  };
}

// ---- hosts -------------------------------------------------------------------------------------------

function gpuRecord(g: GpuInfo, i: number): GpuRecord {
  const problems: string[] = [];
  if (isNum(g.eccUncorrected) && g.eccUncorrected > 0) problems.push(`${g.eccUncorrected} uncorrected ECC errors`);
  const bad = (g.throttleReasons ?? []).filter((r) => BAD_THROTTLE_REASONS.has(r));
  if (bad.length) problems.push(`throttled: ${bad.join(', ')}`);
  const known = g.eccUncorrected !== null || g.throttleReasons !== null;
  return {
    index: isNum(g.index) && g.index >= 0 ? Math.round(g.index) : i,
    name: g.name,
    utilizationPct: g.utilizationPct,
    memoryUsedPct: isNum(g.memoryUsedMiB) && isNum(g.memoryTotalMiB) && g.memoryTotalMiB > 0 ? round((100 * g.memoryUsedMiB) / g.memoryTotalMiB, 2) : null,
    temperatureC: g.temperatureC,
    healthy: problems.length ? false : known ? true : null,
    ...(problems.length ? { reason: problems.join('; ') } : !known ? { reason: 'ECC and throttle state not reported' } : {}),
  };
}

function networkRates(sys: HostSystem, previous: Previous): HostRecord['network'] {
  const cur = sys.network.value ?? [];
  const prevSys = previous && 'kind' in previous && typeof previous.kind === 'string' ? (previous as Collection).hosts?.system.find((s) => s.host === sys.host) : undefined;
  const prevList = prevSys?.network.value ?? null;
  const dt = prevSys ? (sys.network.collectedAt - prevSys.network.collectedAt) / 1000 : 0;
  return cur.map((n) => {
    const p = prevList?.find((x) => x.name === n.name);
    const rate = (a: number, b: number | undefined) => (p && b !== undefined && dt > 0 && a >= b ? round((a - b) / dt, 1) : null);
    return { iface: n.name, rxBytesPerSec: rate(n.rxBytes, p?.rxBytes), txBytesPerSec: rate(n.txBytes, p?.txBytes) };
  });
}

function hostRecord(plan: Plan, c: Collection, host: string, previous: Previous): HostRecord {
  const sys = c.hosts?.system.find((s) => s.host === host);
  const down = c.hosts?.unreachable.find((u) => u.host === host);
  const reachable = c.hosts ? hostReachable(c, host, sys) : false;
  const hostWhy = !c.hosts ? 'hosts were not collected' : down ? `host ${host} unreachable: ${down.error}` : !sys ? 'system resources not collected' : '';
  const val = <T>(s: { value: T | null; error?: string } | undefined, f: (v: T) => number | null, what: string): Reading => {
    if (!s) return missing(hostWhy || `${what} not collected`);
    if (s.value === null) return missing(!reachable && hostWhy ? hostWhy : (s.error ?? `${what} not collected`));
    return reading(f(s.value), `${what} not reported`);
  };
  const server = c.server;
  const conns = server?.reachable ? server.instances.filter((i) => i.host === host) : [];
  const natsConnections: Reading = !server
    ? missing('NATS server statistics not collected')
    : !server.reachable
      ? missing(server.error ?? 'NATS monitoring endpoint unreachable')
      : reading(conns.reduce((s, i) => s + i.connections, 0), '', { caveat: 'agent connections named for this host (/connz)', samples: conns.length });
  const gpus = sys?.gpus.value ?? [];
  const gpuReason = !sys ? hostWhy || 'not collected' : sys.gpus.absent ? 'no nvidia-smi on this host' : sys.gpus.value === null ? (sys.gpus.error ?? 'GPUs not collected') : gpus.length === 0 ? 'nvidia-smi listed no GPU' : undefined;
  return {
    host,
    reachable,
    ...(hostWhy && !reachable ? { reason: hostWhy } : sys?.error ? { reason: sys.error } : {}),
    load1: val(sys?.load, (v) => v.load1, '/proc/loadavg'),
    load5: val(sys?.load, (v) => v.load5, '/proc/loadavg'),
    load15: val(sys?.load, (v) => v.load15, '/proc/loadavg'),
    memory: {
      totalBytes: val(sys?.memory, (v) => v.totalBytes, '/proc/meminfo'),
      usedBytes: val(sys?.memory, (v) => v.usedBytes, '/proc/meminfo'),
      availableBytes: val(sys?.memory, (v) => v.availableBytes, '/proc/meminfo'),
      cachedBytes: val(sys?.memory, (v) => v.cachedBytes, 'Cached in /proc/meminfo'),
      usedPct: val(sys?.memory, (v) => v.usedPct, '/proc/meminfo'),
    },
    disk: {
      path: sys?.disk.path ?? plan.agents.installPath,
      totalBytes: val(sys?.disk, (v) => v.sizeBytes, 'df'),
      usedBytes: val(sys?.disk, (v) => v.usedBytes, 'df'),
      availableBytes: val(sys?.disk, (v) => v.availBytes, 'df'),
      usedPct: val(sys?.disk, (v) => v.usedPct, 'df'),
    },
    natsConnections,
    network: sys ? networkRates(sys, previous) : [],
    gpus: gpus.map(gpuRecord),
    ...(gpuReason ? { gpuReason } : {}),
  };
}

// ---- errors.log --------------------------------------------------------------------------------------

/** A line of collect.ts formatErrorLine: "<ISO|(no time)> <host> <unit>[<pid>] <<prio>> <message>". */
export function parseErrorLine(line: string, e: Pick<AgentErrors, 'host' | 'agent' | 'role' | 'collectedAt'>): ErrorEntry {
  const m = /^(\S+|\(no time\)) (\S+) (\S+?)\[[^\]]*\] <([^>]*)> ?(.*)$/.exec(line);
  if (!m) return { at: iso(e.collectedAt), host: e.host, agent: e.agent, role: e.role, priority: null, message: line };
  const at = /^\d{4}-\d{2}-\d{2}T/.test(m[1]) && Number.isFinite(Date.parse(m[1])) ? new Date(Date.parse(m[1])).toISOString() : iso(e.collectedAt);
  const p = (PRIORITY_NAMES as readonly string[]).indexOf(m[4]);
  const n = /^[0-7]$/.test(m[4]) ? Number(m[4]) : null;
  // the message keeps its escaped newlines ("\n" as written by formatErrorLine)
  return { at, host: e.host, agent: e.agent, role: e.role, priority: p >= 0 ? p : n, message: m[5].replace(/\\n/g, '\n') };
}

export function errorLogOf(plan: Plan, c: Collection, max: number): CheckpointRecord['errorLog'] {
  const all: ErrorEntry[] = [];
  let omitted = 0;
  for (const e of c.hosts?.errors ?? []) {
    const role = plan.agents.underTest.some((a) => a.name === e.agent) ? 'test' : plan.agents.control.some((a) => a.name === e.agent) ? 'control' : e.role;
    for (const l of e.lines) all.push(parseErrorLine(l, { ...e, role }));
    // the collector keeps the newest entries when its cap is hit: the rest are counted, not lost silently
    if (e.errors !== null && e.errors > e.lines.length) omitted += e.errors - e.lines.length;
  }
  all.sort((a, b) => a.at.localeCompare(b.at) || a.host.localeCompare(b.host) || a.agent.localeCompare(b.agent));
  const kept = all.length > max ? all.slice(all.length - max) : all;
  return { entries: kept, omitted: omitted + (all.length - kept.length) };
}

// ---- gaps --------------------------------------------------------------------------------------------

export function gapsOf(plan: Plan, c: Collection): string[] {
  const g: string[] = [];
  // A source that failed says why (wave-collection.ts); the lines below say what is missing.
  for (const m of c.missing) g.push(`${m.source} failed: ${m.error}`);
  const h = c.hosts;
  if (!h) g.push('hosts not collected');
  else {
    for (const u of h.unreachable) g.push(`host ${u.host} unreachable: ${u.error}`);
    const down = new Set(h.unreachable.map((u) => u.host));
    for (const a of h.agents) if (a.state === 'unknown' && !down.has(a.host)) g.push(`${a.agent}@${a.host}: unit state not collected${a.error ? `: ${a.error}` : ''}`);
    for (const e of h.errors) {
      if (down.has(e.host)) continue;
      if (e.errors === null) g.push(`${e.agent}@${e.host}: journal not read${e.error ? `: ${e.error}` : ''}`);
      else if (e.truncated) g.push(`${e.agent}@${e.host}: journal read capped, error counts are lower bounds`);
    }
    for (const s of h.system) {
      if (down.has(s.host)) continue;
      for (const [what, v] of [['load', s.load], ['memory', s.memory], ['disk', s.disk], ['network', s.network]] as const) if (v.error) g.push(`${s.host} ${what}: ${v.error}`);
      if (s.gpus.error && !s.gpus.absent && c.kind === 'checkpoint') g.push(`${s.host} GPUs: ${s.gpus.error}`);
    }
  }
  const s = c.server;
  if (!s) g.push('NATS server statistics not collected');
  else {
    if (!s.reachable) g.push(s.error ?? 'NATS monitoring endpoint unreachable');
    for (const n of s.notes) if (!n.startsWith('no data:')) g.push(`NATS server: ${n}`);
  }
  if (c.health && !c.health.reachable) g.push(...c.health.problems.filter((p) => /unreachable|not answering/i.test(p)));
  if (!c.health) g.push('NATS health not checked');
  if (!c.probes) g.push('probes not run (the probe activity failed)');
  else if (c.probes.fault) g.push(`probes: ${c.probes.fault.message}`);
  if (c.kind === 'checkpoint') {
    if (!c.sampling) g.push('NATS traffic not sampled');
    else if (!c.sampling.patterns) g.push(`NATS sampling: ${c.sampling.fault?.message ?? 'did not connect'}`);
    else if (!c.sampling.complete) g.push(`NATS sampling incomplete: ${c.sampling.incompleteReasons.join('; ') || 'window cut short'}`);
  }
  return distinct(g);
}

// ---- the record --------------------------------------------------------------------------------------

export function toCheckpointRecord(plan: Plan, c: Collection, judged: CheckpointJudged, ctx: CheckpointRecordContext): CheckpointRecord {
  const name = c.name ?? `collection-${c.seq}`;
  const hist = instanceHistory(plan, c, ctx);
  const agents = expectedInstances(plan).map((exp) => {
    const a = c.hosts?.agents.find((x) => x.host === exp.host && x.agent === exp.agent);
    return agentRecord(plan, c, ctx, exp, a, hist.get(`${exp.agent}@${exp.host}`));
  });
  const planAgents = [...plan.agents.underTest.map((a) => ({ agent: a.name, role: 'test' as const, cluster: a.cluster })), ...plan.agents.control.map((a) => ({ agent: a.name, role: 'control' as const, cluster: null }))];
  return {
    wave: plan.wave.name,
    waveId: ctx.waveId,
    checkpoint: name,
    collection: ctx.collection,
    ...(ctx.collectionReason !== undefined ? { collectionReason: ctx.collectionReason } : {}),
    offsetMs: Math.max(0, ctx.offsetMs),
    dueAt: ctx.dueAt,
    startedAt: iso(c.startedAt),
    finishedAt: iso(c.finishedAt),
    windowStart: iso(c.windowStart),
    verdict: judged.verdict,
    verdictReason: judged.verdictReason,
    actions: ctx.actions ?? plan.checkpoints.find((x) => x.name === name)?.actions ?? MANUAL_ACTIONS,
    criteria: judged.criteria,
    agents,
    probes: planAgents.map((a) => probeRecord(plan, c, a)),
    nats: natsRecord(plan, c, ctx.maxTopSubjects ?? 20),
    hosts: plan.hosts.map((h) => hostRecord(plan, c, h.name, ctx.previous)),
    errorLog: errorLogOf(plan, c, ctx.maxErrorEntries ?? 1000),
    comparison: judged.comparison,
    findings: judged.findings,
    alerts: ctx.alerts,
    operatorActions: ctx.operatorActions,
    gaps: gapsOf(plan, c),
  };
}



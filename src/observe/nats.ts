// The NATS server and its traffic: messages handled per instance (/connz deltas), the server's
// health and the agents' connections, the sampled legacy/unified traffic with dual-publish pairing,
// and the subscriptions — as the judge's observations and as the checkpoint record's NatsRecord.
import type { Plan } from '../plan/schema';
import type { Collection } from '../collect/wave-collection';
import { agentConnectionName, type PatternStats } from '../collect/nats';
import type { MessageCount, NatsObservation, SamplingObservation, SubscriptionCheck } from '../judge/observations';
import type { DualSubscriptionRecord, NatsRecord, PatternTraffic } from '../artifacts/records/nats';
import type { Reading } from '../artifacts/records/common';
import { distinct, missing, reading } from './readings';
import { expectedInstances, planAgentInfo } from '../model/instance';

/** Messages one agent instance handled in the window (its named connection's /connz delta); null when unknown. */
export function instanceMessages(c: Collection, host: string, agent: string): number | null {
  const s = c.server;
  if (!s || !s.reachable) return null;
  const i = s.instances.find((x) => x.host === host && x.agent === agent);
  return i?.delta ? i.delta.handled : null;
}

/**
 * Messages handled per agent instance (agent@host) in the window: the server's /connz deltas of the
 * instance's named connection(s). Per instance, so that the error rate can leave out exactly the
 * hosts whose errors were not read (judge/measure/errors.ts errorRatePct). A failed server read gives one
 * entry per agent (no host): nothing is known of any instance.
 */
export function messageCounts(plan: Plan, c: Collection): MessageCount[] | null {
  if (c.kind === 'baseline') return null;
  const s = c.server;
  const agents = planAgentInfo(plan);
  if (!s) return agents.map((a) => ({ agent: a.agent, role: a.role, messages: null, error: 'NATS server statistics not collected' }));
  if (!s.reachable) return agents.map((a) => ({ agent: a.agent, role: a.role, messages: null, error: s.error ?? 'NATS monitoring endpoint unreachable' }));
  return expectedInstances(plan).map((a): MessageCount => {
    const base = { host: a.host, agent: a.agent, role: a.role };
    const i = s.instances.find((x) => x.host === a.host && x.agent === a.agent);
    if (!i) return { ...base, messages: null, error: 'no connection statistics for this instance' };
    if (!i.delta)
      return { ...base, messages: null, error: s.notes.find((n) => n.startsWith('first collection')) ?? 'no message counters for this instance (no connection, no baseline)' };
    return { ...base, messages: i.delta.handled, ...(i.delta.partial ? { error: 'lower bound: a closed connection’s final counters were not readable' } : {}) };
  });
}

/** NATS health: the client port check (health.ts) and the agents' connections with their cids (server.ts). */
export function natsHealthOf(c: Collection): NatsObservation | null {
  const h = c.health;
  const s = c.server;
  if (!h && !s) return null;
  const out: NatsObservation = { reachable: h ? h.reachable : null };
  if (!h) out.error = 'NATS health not checked in this collection';
  else if (h.problems.length) out.error = h.problems.join('; ');
  if (s) out.slowConsumers = s.slowConsumers.delta;
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

// ---- the checkpoint record's NatsRecord ----------------------------------------------------------------

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

/** The sampled traffic (its `maxTop` busiest subjects listed), pairing, dual subscription and connection drops. */
export function natsRecord(plan: Plan, c: Collection, maxTop: number): NatsRecord {
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

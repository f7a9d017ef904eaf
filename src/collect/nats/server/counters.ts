// The per-connection facts of each expected agent instance, found by its connection name in /connz:
// present or not, how many connections (more than one is a duplicate agent), subscriptions to the
// legacy and unified patterns, running message counters and rtt; then the totals per agent.
import type { Plan } from '../../../plan/schema';
import { expectedInstances as planInstances } from '../../../model/instance';
import { agentConnectionName, subscriptionWithin } from '../subjects';
import { parseGoDuration, type ConnzEntry } from './endpoint';
import type { MessageDelta } from './deltas';

export interface ExpectedInstance {
  host: string;
  agent: string;
  role: 'test' | 'control';
  name: string;
}

export function expectedInstances(plan: Plan): ExpectedInstance[] {
  return planInstances(plan).map(({ host, agent, role }) => ({ host, agent, role, name: agentConnectionName(plan.nats.agentConnectionName, host, agent) }));
}

export interface AgentInstanceStats {
  host: string;
  agent: string;
  role: 'test' | 'control';
  connectionName: string;
  present: boolean;
  /** Connections with this name now (more than one is suspicious: a duplicate agent). */
  connections: number;
  cids: number[];
  subscriptions: string[];
  subscribesLegacy: boolean;
  subscribesUnified: boolean;
  /** Both patterns ("dual subscription working"). */
  dualSubscribed: boolean;
  inMsgs: number | null;
  outMsgs: number | null;
  rttMs: number | null;
  /** Since the previous collection; null on the first (no baseline) or when absent throughout. */
  delta: MessageDelta | null;
  /** Connections with this name that went away since the previous collection. */
  dropped: number;
  note?: string;
}

/** One agent's instances added up (message counts are deltas: null until one instance has a delta). */
export interface AgentTotals {
  role: 'test' | 'control';
  expected: number;
  present: number;
  handled: number | null;
  inMsgs: number | null;
  outMsgs: number | null;
  partial: boolean;
  dropped: number;
}

/** /connz entries grouped by connection name (unnamed connections are not agents). */
export function connectionsByName(connz: readonly ConnzEntry[]): Map<string, ConnzEntry[]> {
  const byName = new Map<string, ConnzEntry[]>();
  for (const c of connz) {
    if (!c.name) continue;
    const l = byName.get(c.name);
    if (l) l.push(c);
    else byName.set(c.name, [c]);
  }
  return byName;
}

/** One expected instance from its connections now (no delta yet: that needs the previous snapshot). */
export function instanceCounters(e: ExpectedInstance, conns: readonly ConnzEntry[], patterns: Plan['nats']['patterns']): AgentInstanceStats {
  const subs = [...new Set(conns.flatMap((c) => c.subscriptions_list ?? []))].sort();
  const subscribesLegacy = subs.some((s) => subscriptionWithin(s, patterns.legacy));
  const subscribesUnified = subs.some((s) => subscriptionWithin(s, patterns.unified));
  const present = conns.length > 0;
  const inst: AgentInstanceStats = {
    host: e.host,
    agent: e.agent,
    role: e.role,
    connectionName: e.name,
    present,
    connections: conns.length,
    cids: conns.map((c) => c.cid).sort((a, b) => a - b),
    subscriptions: subs,
    subscribesLegacy,
    subscribesUnified,
    dualSubscribed: subscribesLegacy && subscribesUnified,
    inMsgs: present ? conns.reduce((a, c) => a + c.in_msgs, 0) : null,
    outMsgs: present ? conns.reduce((a, c) => a + c.out_msgs, 0) : null,
    rttMs: present ? parseGoDuration(conns[0].rtt) : null,
    delta: null,
    dropped: 0,
  };
  if (conns.length > 1) inst.note = `${conns.length} connections named ${e.name}`;
  if (!present) inst.note = 'no connection with this name';
  return inst;
}

/** The instances added up per agent. */
export function agentTotals(instances: readonly AgentInstanceStats[]): Record<string, AgentTotals> {
  const perAgent: Record<string, AgentTotals> = {};
  for (const i of instances) {
    const a = (perAgent[i.agent] ??= { role: i.role, expected: 0, present: 0, handled: null, inMsgs: null, outMsgs: null, partial: false, dropped: 0 });
    a.expected++;
    if (i.present) a.present++;
    a.dropped += i.dropped;
    if (i.delta) {
      a.handled = (a.handled ?? 0) + i.delta.handled;
      a.inMsgs = (a.inMsgs ?? 0) + i.delta.inMsgs;
      a.outMsgs = (a.outMsgs ?? 0) + i.delta.outMsgs;
      a.partial ||= i.delta.partial;
    }
  }
  return perAgent;
}

// The server statistics of one collection, from what the monitoring endpoint returned: server
// identity and restarts, connections per agent (counters.ts), message deltas against the previous
// collection (deltas.ts), slow consumers, and the share of agents under test subscribed to both
// patterns. Pure: collect.ts does the fetching.
import type { Plan } from '../../../plan/schema';
import { round2 } from '../pairing';
import type { ConnzEntry, VarzData } from './endpoint';
import { agentTotals, connectionsByName, expectedInstances, instanceCounters, type AgentInstanceStats, type AgentTotals } from './counters';
import { messageDelta, serverRestarted, takeSnapshot, type ServerSnapshot } from './deltas';

export interface ServerStatsResult {
  at: string;
  monitoringUrl: string;
  reachable: boolean;
  error?: string;
  /** /healthz said ok; null when not asked or unreachable. */
  healthy: boolean | null;
  healthError?: string;
  server: { id: string | null; version: string | null; start: string | null; restarted: boolean } | null;
  connections: { total: number; agentsExpected: number; agentsPresent: number; missing: string[] } | null;
  slowConsumers: { total: number | null; delta: number | null };
  instances: AgentInstanceStats[];
  perAgent: Record<string, AgentTotals>;
  /** Agent connections subscribed to both patterns among the expected agent instances under test, %. */
  dualSubscriptionPct: number | null;
  /** Agent connections (under test) dropped or replaced since the previous collection. */
  connectionDrops: number | null;
  notes: string[];
  /** Keep for the next collection. */
  snapshot: ServerSnapshot | null;
}

/**
 * Pure: the statistics from what the endpoints returned. `closed` is /connz?state=closed (may be
 * empty); `previous` the snapshot of the last collection (null the first time).
 */
export function computeServerStats(input: {
  plan: Plan;
  monitoringUrl: string;
  at: Date;
  varz: VarzData;
  connz: ConnzEntry[];
  closed: ConnzEntry[];
  previous: ServerSnapshot | null;
  healthy: boolean | null;
  healthError?: string;
}): ServerStatsResult {
  const { plan, varz, connz, closed, previous } = input;
  const notes: string[] = [];
  const expected = expectedInstances(plan);
  const byName = connectionsByName(connz);
  const closedByCid = new Map<number, ConnzEntry>();
  for (const c of closed) closedByCid.set(c.cid, c);

  const serverId = varz.server_id ?? null;
  const serverStart = varz.start ?? null;
  const restarted = serverRestarted(previous, serverId, serverStart);
  if (restarted) notes.push('the NATS server restarted since the last collection: message counters restart from zero');

  const instances: AgentInstanceStats[] = expected.map((e) => {
    const conns = byName.get(e.name) ?? [];
    const inst = instanceCounters(e, conns, plan.nats.patterns);
    if (previous) {
      const { delta, dropped } = messageDelta({ name: e.name, conns, before: previous.connections[e.name] ?? [], closedByCid, restarted });
      inst.delta = delta;
      inst.dropped = dropped;
      if (delta?.partial) inst.note = [inst.note, 'messages of a connection that went away are partly unknown (lower bound)'].filter(Boolean).join('; ');
    }
    return inst;
  });
  if (!previous) notes.push('first collection: message deltas need a previous collection (baseline taken now)');

  const underTest = instances.filter((i) => i.role === 'test');
  const slowTotal = typeof varz.slow_consumers === 'number' ? varz.slow_consumers : null;
  return {
    at: input.at.toISOString(),
    monitoringUrl: input.monitoringUrl,
    reachable: true,
    healthy: input.healthy,
    healthError: input.healthError,
    server: { id: serverId, version: varz.version ?? null, start: serverStart, restarted },
    connections: {
      total: typeof varz.connections === 'number' ? varz.connections : connz.length,
      agentsExpected: expected.length,
      agentsPresent: instances.filter((i) => i.present).length,
      missing: instances.filter((i) => !i.present).map((i) => i.connectionName),
    },
    slowConsumers: {
      total: slowTotal,
      delta: slowTotal !== null && previous?.slowConsumers != null && !restarted ? slowTotal - previous.slowConsumers : null,
    },
    instances,
    perAgent: agentTotals(instances),
    dualSubscriptionPct: underTest.length ? round2((underTest.filter((i) => i.dualSubscribed).length / underTest.length) * 100) : null,
    connectionDrops: previous ? underTest.reduce((a, i) => a + i.dropped, 0) : null,
    notes,
    snapshot: takeSnapshot({ at: input.at, serverId, serverStart, names: expected.map((e) => e.name), byName, slowConsumers: slowTotal }),
  };
}

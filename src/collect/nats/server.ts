// NATS server statistics from the monitoring endpoint (/varz, /connz?subs=1, /healthz): connections
// per agent by connection name, per-connection message counters as deltas between collections (a
// new cid or a new server resets the baseline; a closed connection's final counters are read from
// /connz?state=closed), slow consumers, server health, and which agent connections subscribe to both
// patterns. `computeServerStats` is pure; `collectServerStats` fetches and never throws.
import { request } from 'node:http';
import type { Plan } from '../../plan/schema';
import { agentConnectionName, subscriptionWithin } from './subjects';
import { round2 } from './pairing';
import { CONNZ_MAX_PAGES, CONNZ_PAGE, MONITOR_FETCH_MS } from './limits';
import { expectedInstances as planInstances } from '../../model/instance';

export interface FetchResult {
  ok: boolean;
  status: number | null;
  data: any;
  error?: string;
}

/** GET a JSON document over plain HTTP with a timeout; never throws. */
export function fetchJson(url: string, timeoutMs = MONITOR_FETCH_MS): Promise<FetchResult> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: FetchResult) => {
      if (!settled) {
        settled = true;
        resolve(r);
      }
    };
    let req;
    try {
      req = request(url, { timeout: timeoutMs, headers: { accept: 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => done({ ok: false, status: res.statusCode ?? null, data: null, error: e.message }));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let data: any = null;
          try {
            data = JSON.parse(text);
          } catch {
            return done({ ok: false, status: res.statusCode ?? null, data: null, error: `not JSON from ${url}` });
          }
          const ok = (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300;
          done({ ok, status: res.statusCode ?? null, data, error: ok ? undefined : `HTTP ${res.statusCode}` });
        });
      });
    } catch (e) {
      return done({ ok: false, status: null, data: null, error: (e as Error).message });
    }
    req.on('timeout', () => {
      req.destroy();
      done({ ok: false, status: null, data: null, error: `no answer from ${url} within ${timeoutMs} ms` });
    });
    req.on('error', (e: NodeJS.ErrnoException) => done({ ok: false, status: null, data: null, error: `${url}: ${e.code ?? e.message}` }));
    req.end();
  });
}

/** One connection as /connz reports it (the fields used here). */
export interface ConnzEntry {
  cid: number;
  name?: string;
  in_msgs: number;
  out_msgs: number;
  in_bytes?: number;
  out_bytes?: number;
  rtt?: string;
  start?: string;
  subscriptions_list?: string[];
  reason?: string;
  stop?: string;
}

export interface VarzData {
  server_id?: string;
  version?: string;
  start?: string;
  connections?: number;
  total_connections?: number;
  slow_consumers?: number;
  in_msgs?: number;
  out_msgs?: number;
  mem?: number;
  cpu?: number;
}

/** Counters kept from one collection to the next (JSON, so a workflow can carry it). */
export interface ServerSnapshot {
  at: string;
  serverId: string | null;
  serverStart: string | null;
  /** Per agent connection name: the counters of each connection with that name. */
  connections: Record<string, { cid: number; inMsgs: number; outMsgs: number }[]>;
  slowConsumers: number | null;
}

export interface MessageDelta {
  inMsgs: number;
  outMsgs: number;
  /** in + out: the messages the agent handled (error-rate denominator). */
  handled: number;
  /** The baseline was reset (new cid or server restart): counts of the new connection since it started. */
  reset: boolean;
  /** Some messages are unknown (a connection closed and its final counters were gone): the delta is a lower bound. */
  partial: boolean;
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
  perAgent: Record<string, { role: 'test' | 'control'; expected: number; present: number; handled: number | null; inMsgs: number | null; outMsgs: number | null; partial: boolean; dropped: number }>;
  /** Agent connections subscribed to both patterns among the expected agent instances under test, %. */
  dualSubscriptionPct: number | null;
  /** Agent connections (under test) dropped or replaced since the previous collection. */
  connectionDrops: number | null;
  notes: string[];
  /** Keep for the next collection. */
  snapshot: ServerSnapshot | null;
}

export interface ExpectedInstance {
  host: string;
  agent: string;
  role: 'test' | 'control';
  name: string;
}

export function expectedInstances(plan: Plan): ExpectedInstance[] {
  return planInstances(plan).map(({ host, agent, role }) => ({ host, agent, role, name: agentConnectionName(plan.nats.agentConnectionName, host, agent) }));
}

/** "1.518568ms", "350µs", "2.1s" → ms. */
export function parseGoDuration(s: string | undefined): number | null {
  if (!s) return null;
  const re = /(\d+(?:\.\d+)?)(h|m(?!s)|s|ms|µs|us|ns)/g;
  let total = 0;
  let any = false;
  for (let m; (m = re.exec(s)); ) {
    any = true;
    const v = parseFloat(m[1]);
    total += v * ({ h: 3_600_000, m: 60_000, s: 1000, ms: 1, 'µs': 0.001, us: 0.001, ns: 0.000001 } as Record<string, number>)[m[2]];
  }
  return any ? Math.round(total * 1000) / 1000 : null;
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
  const byName = new Map<string, ConnzEntry[]>();
  for (const c of connz) {
    if (!c.name) continue;
    const l = byName.get(c.name);
    if (l) l.push(c);
    else byName.set(c.name, [c]);
  }
  const closedByCid = new Map<number, ConnzEntry>();
  for (const c of closed) closedByCid.set(c.cid, c);

  const serverId = varz.server_id ?? null;
  const serverStart = varz.start ?? null;
  const restarted = !!previous && ((previous.serverId !== null && serverId !== previous.serverId) || (previous.serverStart !== null && serverStart !== previous.serverStart));
  if (restarted) notes.push('the NATS server restarted since the last collection: message counters restart from zero');

  const legacy = plan.nats.patterns.legacy;
  const unified = plan.nats.patterns.unified;
  const instances: AgentInstanceStats[] = expected.map((e) => {
    const conns = byName.get(e.name) ?? [];
    const subs = [...new Set(conns.flatMap((c) => c.subscriptions_list ?? []))].sort();
    const subscribesLegacy = subs.some((s) => subscriptionWithin(s, legacy));
    const subscribesUnified = subs.some((s) => subscriptionWithin(s, unified));
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
    if (previous) {
      const before = previous.connections[e.name] ?? [];
      let inMsgs = 0;
      let outMsgs = 0;
      let reset = restarted;
      let partial = false;
      for (const c of conns) {
        const b = restarted ? undefined : before.find((x) => x.cid === c.cid);
        if (b && c.in_msgs >= b.inMsgs && c.out_msgs >= b.outMsgs) {
          inMsgs += c.in_msgs - b.inMsgs;
          outMsgs += c.out_msgs - b.outMsgs;
        } else {
          // A connection born after the last collection: all its messages fall in this interval.
          inMsgs += c.in_msgs;
          outMsgs += c.out_msgs;
          reset = true;
        }
      }
      for (const b of before) {
        if (!restarted && conns.some((c) => c.cid === b.cid)) continue;
        inst.dropped++;
        const fin = restarted ? undefined : closedByCid.get(b.cid);
        if (fin && fin.name === e.name && fin.in_msgs >= b.inMsgs && fin.out_msgs >= b.outMsgs) {
          inMsgs += fin.in_msgs - b.inMsgs;
          outMsgs += fin.out_msgs - b.outMsgs;
        } else partial = true;
        reset = true;
      }
      if (present || before.length) inst.delta = { inMsgs, outMsgs, handled: inMsgs + outMsgs, reset, partial };
      if (partial) inst.note = [inst.note, 'messages of a connection that went away are partly unknown (lower bound)'].filter(Boolean).join('; ');
    }
    return inst;
  });

  const perAgent: ServerStatsResult['perAgent'] = {};
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
  if (!previous) notes.push('first collection: message deltas need a previous collection (baseline taken now)');

  const underTest = instances.filter((i) => i.role === 'test');
  const slowTotal = typeof varz.slow_consumers === 'number' ? varz.slow_consumers : null;
  const snapshot: ServerSnapshot = {
    at: input.at.toISOString(),
    serverId,
    serverStart,
    connections: Object.fromEntries(expected.map((e) => [e.name, (byName.get(e.name) ?? []).map((c) => ({ cid: c.cid, inMsgs: c.in_msgs, outMsgs: c.out_msgs }))])),
    slowConsumers: slowTotal,
  };
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
    perAgent,
    dualSubscriptionPct: underTest.length ? round2((underTest.filter((i) => i.dualSubscribed).length / underTest.length) * 100) : null,
    connectionDrops: previous ? underTest.reduce((a, i) => a + i.dropped, 0) : null,
    notes,
    snapshot,
  };
}

async function fetchAllConnz(base: string, query: string, timeoutMs: number): Promise<FetchResult & { list: ConnzEntry[] }> {
  const list: ConnzEntry[] = [];
  const limit = CONNZ_PAGE;
  for (let offset = 0; ; offset += limit) {
    const r = await fetchJson(`${base}/connz?${query}&limit=${limit}&offset=${offset}`, timeoutMs);
    if (!r.ok) return { ...r, list };
    const conns: ConnzEntry[] = Array.isArray(r.data?.connections) ? r.data.connections : [];
    list.push(...conns);
    const total = typeof r.data?.total === 'number' ? r.data.total : conns.length;
    if (conns.length < limit || list.length >= total || offset >= (CONNZ_MAX_PAGES - 1) * limit) return { ...r, list };
  }
}

/** Fetches /healthz, /varz, /connz?subs=1 (and closed connections when a baseline exists); never throws. */
export async function collectServerStats(
  plan: Plan,
  opts: { monitoringUrl?: string; previous?: ServerSnapshot | null; timeoutMs?: number } = {},
): Promise<ServerStatsResult> {
  const base = (opts.monitoringUrl ?? plan.nats.monitoringUrl).replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? MONITOR_FETCH_MS;
  const at = new Date();
  const previous = opts.previous ?? null;
  const health = await fetchJson(`${base}/healthz`, timeoutMs);
  const varz = await fetchJson(`${base}/varz`, timeoutMs);
  if (!varz.ok) {
    return {
      at: at.toISOString(),
      monitoringUrl: base,
      reachable: false,
      error: `NATS monitoring endpoint unreachable: ${varz.error ?? 'no answer'}`,
      healthy: health.status === null ? null : health.ok && health.data?.status === 'ok',
      healthError: health.ok ? undefined : health.error,
      server: null,
      connections: null,
      slowConsumers: { total: null, delta: null },
      instances: [],
      perAgent: {},
      dualSubscriptionPct: null,
      connectionDrops: null,
      notes: ['no data: the monitoring endpoint did not answer'],
      // Keep the old baseline: the next successful collection measures from it.
      snapshot: previous,
    };
  }
  const connz = await fetchAllConnz(base, 'subs=1', timeoutMs);
  const closed = previous ? await fetchAllConnz(base, 'state=closed', timeoutMs) : { ok: true, list: [] as ConnzEntry[], status: 200, data: null };
  if (!connz.ok)
    return {
      ...computeServerStats({ plan, monitoringUrl: base, at, varz: varz.data, connz: [], closed: [], previous: null, healthy: null }),
      reachable: false,
      error: `NATS /connz unreachable: ${connz.error}`,
      instances: [],
      perAgent: {},
      connections: null,
      dualSubscriptionPct: null,
      connectionDrops: null,
      snapshot: previous,
    };
  const healthy = health.ok && health.data?.status === 'ok';
  const res = computeServerStats({
    plan,
    monitoringUrl: base,
    at,
    varz: varz.data,
    connz: connz.list,
    closed: closed.ok ? closed.list : [],
    previous,
    healthy,
    healthError: healthy ? undefined : health.error ?? JSON.stringify(health.data),
  });
  if (!closed.ok) res.notes.push(`closed connections not readable: ${closed.error}`);
  return res;
}

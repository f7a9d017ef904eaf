// Collecting the server statistics: /healthz, /varz, every page of /connz?subs=1 and, once a
// baseline exists, the closed connections (their final counters finish the deltas). Never throws:
// an endpoint that does not answer is reported, and the old baseline kept for the next collection.
import type { Plan } from '../../../plan/schema';
import { MONITOR_FETCH_MS } from '../limits';
import { fetchAllConnz, fetchJson, type ConnzEntry } from './endpoint';
import type { ServerSnapshot } from './deltas';
import { computeServerStats, type ServerStatsResult } from './statistics';

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

// The monitor tick's quick NATS check: is the server reachable (client port and monitoring endpoint),
// healthy (/healthz), and are the agents' named connections there. Never throws, bounded in time.
import type { Plan } from '../../plan/schema';
import type { NatsConnection } from './client';
import { connectForWave, withTimeout as within } from './connect';
import { expectedInstances, fetchJson, type ConnzEntry } from './server';
import { HEALTH_CLOSE_MS, HEALTH_CONNECT_EXTRA_MS, HEALTH_TIMEOUT_MS } from './limits';

export interface NatsHealth {
  at: string;
  /** The client port answered (a connect + flush, or the given connection flushed). */
  reachable: boolean;
  /** The monitoring endpoint answered. */
  monitoringReachable: boolean;
  /** /healthz said ok; null when the endpoint did not answer. */
  healthy: boolean | null;
  agentConnections: { expected: number; present: number; missing: string[]; underTestMissing: string[] } | null;
  /** Connection state of the caller's long-lived connection, when one was given. */
  connection: 'connected' | 'reconnecting' | 'closed' | null;
  problems: string[];
  durationMs: number;
}

export async function natsHealth(
  plan: Plan,
  opts: { nc?: NatsConnection; servers?: string[]; monitoringUrl?: string; timeoutMs?: number } = {},
): Promise<NatsHealth> {
  const t0 = performance.now();
  const timeoutMs = opts.timeoutMs ?? HEALTH_TIMEOUT_MS;
  const base = (opts.monitoringUrl ?? plan.nats.monitoringUrl).replace(/\/+$/, '');
  const problems: string[] = [];

  const clientCheck = (async (): Promise<{ reachable: boolean; connection: NatsHealth['connection'] }> => {
    if (opts.nc) {
      const nc = opts.nc;
      if (nc.isClosed()) return { reachable: false, connection: 'closed' };
      try {
        await within(nc.flush(), timeoutMs, 'NATS flush');
        return { reachable: true, connection: 'connected' };
      } catch (e) {
        problems.push(`NATS connection not answering: ${(e as Error).message}`);
        return { reachable: false, connection: 'reconnecting' };
      }
    }
    let nc: NatsConnection | undefined;
    try {
      nc = await within(connectForWave(plan, { purpose: 'health', servers: opts.servers, timeoutMs, reconnect: false }), timeoutMs + HEALTH_CONNECT_EXTRA_MS, 'NATS connect');
      await within(nc.flush(), timeoutMs, 'NATS flush');
      return { reachable: true, connection: null };
    } catch (e) {
      problems.push(`NATS unreachable: ${(e as Error).message}`);
      return { reachable: false, connection: null };
    } finally {
      if (nc) await within(nc.close(), HEALTH_CLOSE_MS, 'close').catch(() => undefined);
    }
  })();

  const monitorCheck = (async () => {
    const [h, c] = await Promise.all([fetchJson(`${base}/healthz`, timeoutMs), fetchJson(`${base}/connz?limit=4096`, timeoutMs)]);
    return { h, c };
  })();

  const [client, { h, c }] = await Promise.all([clientCheck, monitorCheck]);
  const monitoringReachable = h.status !== null || c.ok;
  const healthy = h.status === null ? null : h.ok && h.data?.status === 'ok';
  if (!monitoringReachable) problems.push(`NATS monitoring endpoint unreachable: ${h.error ?? c.error}`);
  else if (healthy === false) problems.push(`NATS server unhealthy: ${h.error ?? JSON.stringify(h.data)}`);

  let agentConnections: NatsHealth['agentConnections'] = null;
  if (c.ok && Array.isArray(c.data?.connections)) {
    const names = new Set((c.data.connections as ConnzEntry[]).map((x) => x.name).filter(Boolean));
    const expected = expectedInstances(plan);
    const missing = expected.filter((e) => !names.has(e.name));
    agentConnections = {
      expected: expected.length,
      present: expected.length - missing.length,
      missing: missing.map((e) => e.name),
      underTestMissing: missing.filter((e) => e.role === 'test').map((e) => e.name),
    };
    if (typeof c.data.total === 'number' && c.data.total > c.data.connections.length)
      problems.push(`only ${c.data.connections.length} of ${c.data.total} connections listed; missing agents may be a listing limit`);
    if (missing.length) problems.push(`agent connections missing: ${missing.map((e) => e.name).join(', ')}`);
  }

  return {
    at: new Date().toISOString(),
    reachable: client.reachable,
    monitoringReachable,
    healthy,
    agentConnections,
    connection: client.connection,
    problems,
    durationMs: Math.round(performance.now() - t0),
  };
}

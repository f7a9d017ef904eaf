// The server's view of slow consumers around a sampling window, from the monitoring endpoint: its
// running count (before and after the window), and whether it closed our connection as one.
import { SAMPLER_FETCH_MS } from '../limits';
import { fetchJson } from '../server/endpoint';

export async function serverSlowConsumers(monitoringUrl: string): Promise<number | null> {
  const v = await fetchJson(`${monitoringUrl}/varz`, SAMPLER_FETCH_MS);
  return v.ok && typeof v.data?.slow_consumers === 'number' ? v.data.slow_consumers : null;
}

/** Whether the server closed a connection of ours (this name, stopped since `since`) as a slow consumer. */
export async function closedAsSlow(monitoringUrl: string, name: string, since: Date): Promise<boolean> {
  const r = await fetchJson(`${monitoringUrl}/connz?state=closed&limit=1024&sort=stop`, SAMPLER_FETCH_MS);
  if (!r.ok || !Array.isArray(r.data?.connections)) return false;
  return r.data.connections.some(
    (c: { name?: string; reason?: string; stop?: string }) =>
      c.name === name && /slow consumer/i.test(c.reason ?? '') && (!c.stop || Date.parse(c.stop) >= since.getTime() - 1000),
  );
}

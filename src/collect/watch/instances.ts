// Each agent instance's named connection as the NATS server sees it (/connz, one look per probe
// interval): an expected instance gone is 'instance-offline' from its connection's stop time (asked of
// the server's closed connections) until it is back; a connection replaced between two looks (a crash
// and a systemd restart faster than one look) is a closed event from the old connection's stop to the
// new one's start, both cids in the evidence. Server times are clamped to the watch's looks, so a
// skewed server clock cannot put an event outside what the watch saw. A monitoring endpoint that does
// not answer changes nothing (not knowing is not an instance's outage).
import { fetchAllConnz, fetchJson, type ConnzEntry } from '../nats/server/endpoint';
import { connectionsByName, expectedInstances, type ExpectedInstance } from '../nats/server/counters';
import { instanceKey } from '../../model/instance';
import { pause, type WatchContext } from './context';

interface Seen {
  /** The instance's connection ids at the last look; empty when it was absent. */
  cids: number[];
  /** Epoch ms of the last look that found it present. */
  lastSeenMs: number | null;
}

export async function runInstanceWatch(ctx: WatchContext, opts: { monitoringUrl?: string } = {}): Promise<void> {
  const base = (opts.monitoringUrl ?? ctx.plan.nats.monitoringUrl).replace(/\/+$/, '');
  const expected = expectedInstances(ctx.plan);
  const seen = new Map<string, Seen>();
  const interval = ctx.timings.probeIntervalMs;
  let lastLookMs = ctx.clock();
  let serverId: string | null = null;
  while (!ctx.signal.aborted) {
    const lookAt = ctx.clock();
    const r = await fetchAllConnz(base, 'state=open', Math.max(500, interval));
    if (r.ok && !ctx.signal.aborted) {
      const byName = connectionsByName(r.list);
      // A restarted server has new connections only (and forgets the closed ones): say so, so the
      // instances' gaps are read beside the server's outage, not as the agents' own.
      const id = typeof r.data?.server_id === 'string' ? r.data.server_id : null;
      const note = serverId !== null && id !== null && id !== serverId ? `; the server at ${base} restarted between the looks (server id ${serverId} → ${id})` : '';
      serverId = id ?? serverId;
      for (const e of expected) await look(ctx, base, e, byName.get(e.name) ?? [], seen, lastLookMs, ctx.clock(), note);
      lastLookMs = lookAt;
    }
    await pause(Math.max(0, lookAt + interval - ctx.clock()), ctx.signal);
  }
}

async function look(ctx: WatchContext, base: string, e: ExpectedInstance, conns: ConnzEntry[], seen: Map<string, Seen>, prevLookMs: number, now: number, note: string): Promise<void> {
  const rec = ctx.recorder;
  const subject = instanceKey(e.host, e.agent);
  const before = seen.get(subject);
  const cids = conns.map((c) => c.cid).sort((a, b) => a - b);
  seen.set(subject, { cids, lastSeenMs: cids.length ? now : before?.lastSeenMs ?? null });
  const clamp = (ms: number | null, lo: number) => (ms === null ? null : Math.min(now, Math.max(lo, ms)));
  const began = (ev: ReturnType<typeof rec.open>): void => {
    if (ev) ctx.began(ev);
  };

  if (!cids.length) {
    if (rec.isOpen('instance-offline', subject)) return;
    if (!before) return began(rec.open('instance-offline', subject, e.role, now, `no connection named ${e.name} when the watch began`));
    if (!before.cids.length) return;
    const stop = note ? FORGOTTEN : await closedConnection(base, before.cids, ctx.timings.probeIntervalMs);
    const start = clamp(stop.atMs, prevLookMs) ?? before.lastSeenMs ?? now;
    return began(rec.open('instance-offline', subject, e.role, start, `connection ${e.name} (cid ${before.cids.join(', ')}) gone${stop.how}${note}`));
  }
  const startOfNew = clamp(earliestStart(conns), prevLookMs);
  if (rec.isOpen('instance-offline', subject)) {
    rec.close('instance-offline', subject, startOfNew ?? now, `back as cid ${cids.join(', ')}${note}`);
    return;
  }
  if (!before || !before.cids.length || before.cids.some((c) => cids.includes(c))) return;
  // Replaced between two looks: the old connection's stop to the new one's start.
  const stop = note ? FORGOTTEN : await closedConnection(base, before.cids, ctx.timings.probeIntervalMs);
  const from = clamp(stop.atMs, prevLookMs) ?? prevLookMs;
  const to = Math.max(from, startOfNew ?? now);
  began(rec.record('instance-offline', subject, e.role, from, to, `connection ${e.name} replaced between two looks: cid ${before.cids.join(', ')} closed${stop.how}, cid ${cids.join(', ')} opened${note}`));
}

const FORGOTTEN = { atMs: null, how: ' (its stop time is not known to the server any more: from the last look that saw it)' };

/** When the server closed the latest of `cids`, and why (its closed-connection record), when it still has it. */
async function closedConnection(base: string, cids: number[], timeoutMs: number): Promise<{ atMs: number | null; how: string }> {
  let best: { atMs: number; reason: string } | null = null;
  for (const cid of cids) {
    const r = await fetchJson(`${base}/connz?state=closed&cid=${cid}`, Math.max(500, timeoutMs));
    const c: ConnzEntry | undefined = r.ok && Array.isArray(r.data?.connections) ? r.data.connections[0] : undefined;
    const at = c?.stop ? Date.parse(c.stop) : NaN;
    if (Number.isFinite(at) && (!best || at > best.atMs)) best = { atMs: at, reason: c?.reason ?? '' };
  }
  if (!best) return FORGOTTEN;
  return { atMs: best.atMs, how: ` at ${new Date(best.atMs).toISOString()}${best.reason ? ` (${best.reason})` : ''}` };
}

function earliestStart(conns: ConnzEntry[]): number | null {
  const t = conns.map((c) => (c.start ? Date.parse(c.start) : NaN)).filter(Number.isFinite);
  return t.length ? Math.min(...t) : null;
}

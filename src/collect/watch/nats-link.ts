// The watch's own NATS connection to each of the plan's servers, and what its status events say:
// a disconnect opens a 'nats-outage' for that server (the client's last error as evidence), the
// reconnect closes it. Short client pings notice a hung server (no socket close) within a few probe
// intervals; reconnects are tried every probe interval, forever. A first connect that fails opens the
// outage at that attempt and keeps trying. Nothing is done per message: the link only listens.
import { accessSync, constants } from 'node:fs';
import { connectForWave, resolveCredentialsPath, withTimeout } from '../nats/connect';
import type { NatsConnection, Status } from '../nats/client';
import { NATS_CLOSE_MS } from '../nats/limits';
import { pause, type WatchContext } from './context';

/** Unanswered client pings before the connection counts as stale (the client then reconnects). */
const MAX_PINGS_OUT = 2;
/**
 * Pings are at least this far apart (real ms), whatever the probe interval: a hung server is then
 * noticed within ~3 s, and a stall of wavewatch's own worker (a GC pause, a busy event loop, which
 * delays the pongs' reading as much as the server would) is not taken for the fleet's NATS outage —
 * an outage the wave rolls back on. A killed server closes the socket and is seen at once anyway.
 */
const MIN_PING_INTERVAL_MS = 1000;

export interface NatsLink {
  /** A connection that is up now (liveness probes through it), or null while every server is out. */
  connection(): NatsConnection | null;
  /** Epoch ms since which some connection has been up without a break; null while none is up. */
  upSinceMs(): number | null;
  /** Resolves once every server's link has ended (after the signal aborted). */
  done: Promise<void>;
}

interface ServerLink {
  url: string;
  nc: NatsConnection | null;
  up: boolean;
  upSince: number;
}

/**
 * Starts a link per server. Throws at once when the credentials file the plan or the environment names
 * cannot be read: that is wavewatch's own setup, never an outage of the fleet.
 */
export function startNatsLink(ctx: WatchContext, opts: { servers?: string[]; env?: NodeJS.ProcessEnv } = {}): NatsLink {
  const creds = resolveCredentialsPath(ctx.plan, opts.env);
  if (creds) {
    try {
      accessSync(creds, constants.R_OK);
    } catch (err) {
      throw new Error(`cannot read the NATS credentials file ${creds}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  const links: ServerLink[] = (opts.servers ?? ctx.plan.nats.servers).map((url) => ({ url, nc: null, up: false, upSince: 0 }));
  const done = Promise.all(links.map((l) => runLink(ctx, l, opts.env))).then(() => undefined);
  return {
    connection: () => links.find((l) => l.up && l.nc && !l.nc.isClosed())?.nc ?? null,
    upSinceMs: () => {
      const up = links.filter((l) => l.up);
      return up.length ? Math.min(...up.map((l) => l.upSince)) : null;
    },
    done,
  };
}

async function runLink(ctx: WatchContext, link: ServerLink, env?: NodeJS.ProcessEnv): Promise<void> {
  const { recorder: rec, timings, clock, signal } = ctx;
  const interval = timings.probeIntervalMs;
  const open = (atMs: number, evidence: string) => {
    const ev = rec.open('nats-outage', link.url, null, atMs, evidence);
    if (!ev) return;
    if (timings.minOutageMs <= 0) return ctx.began(ev);
    // Shorter than minOutage it is not an outage (the recorder drops it when it closes): the owner is
    // told only once it has lasted that long, so a blip asks for no tick.
    setTimeout(() => {
      if (!signal.aborted && rec.isOpen('nats-outage', link.url)) ctx.began(ev);
    }, Math.max(0, atMs + timings.minOutageMs - clock())).unref();
  };

  // The first connection: every failed attempt keeps the outage open from the first one.
  while (!signal.aborted) {
    const attemptAt = clock();
    try {
      link.nc = await connectForWave(ctx.plan, {
        purpose: 'watch',
        servers: [link.url],
        timeoutMs: Math.max(1000, 2 * interval),
        reconnectTimeWaitMs: interval,
        pingIntervalMs: Math.max(interval, MIN_PING_INTERVAL_MS),
        maxPingOut: MAX_PINGS_OUT,
        env,
      });
      break;
    } catch (err) {
      if (!rec.isOpen('nats-outage', link.url)) open(attemptAt, `cannot connect: ${(err as Error).message}`);
      await pause(interval, signal);
    }
  }
  const nc = link.nc;
  if (!nc) return;
  if (signal.aborted) return void (await closeQuietly(nc));
  const statuses = nc.status() as AsyncIterable<Status> & { stop?: () => void };
  link.up = true;
  link.upSince = clock();
  rec.close('nats-outage', link.url, link.upSince, `connected to ${link.url}`);

  const onAbort = () => {
    statuses.stop?.();
    void closeQuietly(nc);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  let lastError: string | null = null;
  try {
    for await (const s of statuses) {
      const now = clock();
      switch (s.type) {
        case 'error':
          lastError = String(s.error?.message ?? s.error);
          break;
        case 'staleConnection':
          lastError = `${MAX_PINGS_OUT} pings unanswered (${Math.max(interval, MIN_PING_INTERVAL_MS)} ms apart): the server hangs`;
          break;
        case 'disconnect':
          link.up = false;
          open(now, `disconnected from ${s.server}${lastError ? `: ${lastError}` : ''}`);
          lastError = null;
          break;
        case 'reconnect':
          link.up = true;
          link.upSince = now;
          rec.close('nats-outage', link.url, now, `reconnected to ${s.server}`);
          break;
      }
      if (s.type === 'close' || signal.aborted) break;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    link.up = false;
    await closeQuietly(nc);
  }
}

async function closeQuietly(nc: NatsConnection): Promise<void> {
  if (nc.isClosed()) return;
  await withTimeout(nc.close(), NATS_CLOSE_MS, 'closing the watch connection').catch(() => undefined);
}

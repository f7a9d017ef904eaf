// The watch's SSH link to each host: one connection per host through the project's SSH connect code
// (host keys checked, the key from the plan or the environment), with keepalives every probe interval
// so a host that stops answering is dropped within a few. A closed connection opens 'host-dropped'
// (a connect that fails, too, from that attempt); it is dialled again every probe interval, and the
// next 'ready' closes the event. The link runs no command: the connection itself is the sign.
import type { Client } from 'ssh2';
import { loadHostKeyPolicy, openClient, endClient } from '../hosts/ssh/connect';
import { sshPoolOptionsFromPlan } from '../hosts/ssh/options';
import { targetOf } from '../hosts/ssh/target';
import type { SshPoolOptions } from '../hosts/ssh/types';
import type { Plan } from '../../plan/schema';
import type { WatchTimings } from '../../plan/watch-timings';
import { pause, type WatchContext } from './context';
import { Semaphore } from '../hosts/ssh/semaphore';

/**
 * The link's SSH options: the plan's, with keepalives every probe interval and a connect bounded by a
 * few. Throws when the key file cannot be read: wavewatch's own setup, never a host's drop.
 */
export function sshLinkOptions(plan: Plan, timings: WatchTimings, env?: NodeJS.ProcessEnv): SshPoolOptions {
  const interval = timings.probeIntervalMs;
  return {
    ...sshPoolOptionsFromPlan(plan, env),
    keepaliveMs: interval,
    connectTimeoutMs: Math.min(plan.ssh.connectTimeout, Math.max(1000, 3 * interval)),
  };
}

/** Runs until the signal aborts; resolves once every host's connection is closed. */
export async function runSshLink(ctx: WatchContext, opts: { env?: NodeJS.ProcessEnv; ssh?: SshPoolOptions } = {}): Promise<void> {
  const pool = opts.ssh ?? sshLinkOptions(ctx.plan, ctx.timings, opts.env);
  const keys = loadHostKeyPolicy(pool.knownHostsFile);
  // Handshakes as many at a time as the collection's pool allows: 300 at once time out on a busy
  // worker, and each timeout would be a host-dropped event and a tick asked for.
  const dialing = new Semaphore(pool.maxConcurrentHosts);
  await Promise.all(ctx.plan.hosts.map((h) => watchHost(ctx, targetOf(h), pool, keys, dialing)));
}

async function watchHost(ctx: WatchContext, target: ReturnType<typeof targetOf>, pool: SshPoolOptions, keys: ReturnType<typeof loadHostKeyPolicy>, dialing: Semaphore): Promise<void> {
  const { recorder: rec, clock, signal } = ctx;
  const interval = ctx.timings.probeIntervalMs;
  const host = target.name;
  const open = (atMs: number, evidence: string) => {
    const ev = rec.open('host-dropped', host, null, atMs, evidence);
    if (ev) ctx.began(ev);
  };
  while (!signal.aborted) {
    let release: () => void;
    try {
      release = await dialing.acquire(signal);
    } catch {
      break; // aborted while waiting for a turn
    }
    const attemptAt = clock();
    let client: Client;
    try {
      client = await openClient(target, pool, keys, () => undefined, signal);
    } catch (err) {
      release();
      if (signal.aborted) break;
      if (!rec.isOpen('host-dropped', host)) open(attemptAt, `cannot connect: ${(err as Error).message}`);
      await pause(Math.max(0, attemptAt + interval - clock()), signal);
      continue;
    }
    release();
    rec.close('host-dropped', host, clock(), 'SSH connection ready again');
    const closed = await untilClosed(client, signal);
    if (signal.aborted) {
      await endClient(client);
      break;
    }
    open(clock(), `SSH connection closed${closed ? `: ${closed}` : ''}`);
    await pause(interval, signal);
  }
}

/** Resolves when the connection closes (with its last error, if any) or the signal aborts. */
function untilClosed(client: Client, signal: AbortSignal): Promise<string | null> {
  return new Promise((resolve) => {
    let lastError: string | null = null;
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve(lastError);
    };
    client.on('error', (e: Error) => (lastError = e.message));
    client.once('close', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

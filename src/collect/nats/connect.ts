// wavewatch's own NATS connections: named for the wave (so /connz tells them apart from the agents),
// credentials only from a file whose path the plan or the environment names (never the credentials
// themselves, never in a log), loopback or the plan's servers only.
import { readFileSync } from 'node:fs';
import type { Plan } from '../../plan/schema';
import { connect, credsAuthenticator, type NatsConnection, type ConnectionOptions, type Status } from './client';
import { NATS_CONNECT_MS } from './limits';

/** Environment variable holding a credentials file path when the plan names none. */
export const CREDS_ENV = 'WAVEWATCH_NATS_CREDS';

/** The connection name wavewatch uses for one purpose ("sampler", "probe", "health") of a wave. */
export function waveConnectionName(plan: Plan, purpose: string): string {
  return `wavewatch:${plan.wave.name}:${purpose}`;
}

/**
 * The credentials file path: the plan's `nats.credentialsFile` is either a path or the name of an
 * environment variable holding one (an upper-case name like NATS_CREDS); else WAVEWATCH_NATS_CREDS;
 * else none. Relative paths resolve against the working directory.
 */
export function resolveCredentialsPath(plan: Plan, env: NodeJS.ProcessEnv = process.env): string | null {
  const v = plan.nats.credentialsFile;
  if (v) {
    if (/^[A-Z_][A-Z0-9_]*$/.test(v)) {
      const fromEnv = env[v];
      if (!fromEnv) throw new Error(`nats.credentialsFile names the environment variable ${v}, which is not set`);
      return fromEnv;
    }
    return v;
  }
  return env[CREDS_ENV] || null;
}

export interface WaveConnectOptions {
  purpose: string;
  /** Override the plan's servers (tests, dev stack). */
  servers?: string[];
  /** Connect timeout, ms (default 5 s). */
  timeoutMs?: number;
  /** Reconnect after a loss (default true, forever, every 500 ms). */
  reconnect?: boolean;
  /** Wait between reconnect attempts, ms (default 500). */
  reconnectTimeWaitMs?: number;
  /** Client pings, ms, and how many may go unanswered before the connection is stale (the client's defaults: 2 min, 2). */
  pingIntervalMs?: number;
  maxPingOut?: number;
  env?: NodeJS.ProcessEnv;
}

export async function connectForWave(plan: Plan, opts: WaveConnectOptions): Promise<NatsConnection> {
  const options: ConnectionOptions = {
    servers: opts.servers ?? plan.nats.servers,
    name: waveConnectionName(plan, opts.purpose),
    timeout: opts.timeoutMs ?? NATS_CONNECT_MS,
    reconnect: opts.reconnect ?? true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: opts.reconnectTimeWaitMs ?? 500,
  };
  if (opts.pingIntervalMs !== undefined) options.pingInterval = opts.pingIntervalMs;
  if (opts.maxPingOut !== undefined) options.maxPingOut = opts.maxPingOut;
  const credsPath = resolveCredentialsPath(plan, opts.env);
  if (credsPath) {
    let creds: Uint8Array;
    try {
      creds = readFileSync(credsPath);
    } catch (err) {
      // The path is configuration, not a secret; the contents never appear anywhere.
      throw new Error(`cannot read the NATS credentials file ${credsPath}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    options.authenticator = credsAuthenticator(creds);
  }
  return connect(options);
}

/** Connection events of one connection, for marking a window incomplete. */
export interface ConnectionWatch {
  /** Disconnects seen since the watch started. */
  disconnects: number;
  reconnects: number;
  /** Whether the connection is up now. */
  connected: boolean;
  /** Server-reported slow consumer on this connection, or a client-side slowConsumer status. */
  slowConsumer: boolean;
  /** Server errors (permissions, auth) seen, as text. */
  errors: string[];
  /** Milliseconds (performance.now) of the first disconnect, or null. */
  firstDisconnectAt: number | null;
  stop(): void;
}

export function watchConnection(nc: NatsConnection): ConnectionWatch {
  let active = true;
  // stop() ends the status iterator, which unregisters it from the connection (no leak on a
  // long-lived connection watched once per tick).
  const statusIter = nc.status() as AsyncIterable<Status> & { stop?: () => void };
  const w: ConnectionWatch = {
    disconnects: 0,
    reconnects: 0,
    connected: !nc.isClosed(),
    slowConsumer: false,
    errors: [],
    firstDisconnectAt: null,
    stop: () => {
      active = false;
      try {
        statusIter.stop?.();
      } catch {
        /* already ended */
      }
    },
  };
  (async () => {
    for await (const s of statusIter) {
      if (!active) continue;
      switch (s.type) {
        case 'disconnect':
          w.disconnects++;
          w.connected = false;
          if (w.firstDisconnectAt === null) w.firstDisconnectAt = performance.now();
          break;
        case 'reconnect':
          w.reconnects++;
          w.connected = true;
          break;
        case 'slowConsumer':
          w.slowConsumer = true;
          break;
        case 'error':
          if (w.errors.length < 10) w.errors.push(String(s.error?.message ?? s.error));
          if (/slow consumer/i.test(String(s.error?.message ?? ''))) w.slowConsumer = true;
          break;
        case 'close':
          w.connected = false;
          break;
      }
    }
  })().catch(() => undefined);
  nc.closed().then(() => {
    w.connected = false;
  });
  return w;
}

/** Resolves or rejects with `p`, or rejects after `ms` (a NATS call on a lost connection may wait forever). */
export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, rej) => (t = setTimeout(() => rej(new Error(`${what}: no answer within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(t);
  }
}

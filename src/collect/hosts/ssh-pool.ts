// One SSH connection per host, reused, with keepalive; commands in parallel within a per-host channel
// cap and across hosts within a global cap; a timeout on every command, enforced locally (the
// channel is closed) and remotely (`timeout -s KILL`); host keys verified, never silently accepted.
// `exec` never throws for remote failures: the result says what happened.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve as resolvePath } from 'node:path';
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import type { Plan } from '../../plan/schema';
import { NAME_PATTERN } from '../../plan/schema';
import { parseKnownHosts, verifyHostKey, hostKeyAlgorithmsFor, entryMatches, knownHostsName, type KnownHostEntry } from './known-hosts';
import { wrapRemote } from './shell';

export interface SshTarget {
  name: string;
  address: string;
  port: number;
  user: string;
}

export interface SshPoolOptions {
  knownHostsFile?: string;
  fingerprints?: Record<string, string>;
  privateKey?: Buffer;
  agent?: string;
  connectTimeoutMs: number;
  keepaliveMs: number;
  channelsPerHost: number;
  maxConcurrentHosts: number;
  /** How long a failed connect is remembered (later commands fail fast instead of re-dialling). Default 5 s. */
  failureTtlMs?: number;
  /** Output beyond this is cut and the result carries an error. Default 64 MiB per stream. */
  maxOutputBytes?: number;
}

export interface ExecResult {
  host: string;
  command: string;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  error?: string;
  durationMs: number;
}

export interface ExecOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Send the command as is, without the `LC_ALL=C timeout -s KILL N sh -c '…'` wrapper. */
  raw?: boolean;
}

/** Exit status of GNU `timeout -s KILL` when it killed the command (128 + 9). */
export const REMOTE_TIMEOUT_EXIT = 137;
/** Extra time the local timer allows beyond the remote one, so the remote kill is normally seen first. */
const LOCAL_GRACE_MS = 1500;

class Semaphore {
  private waiters: (() => void)[] = [];
  private used = 0;
  peak = 0;
  constructor(private size: number) {}
  get inUse(): number {
    return this.used;
  }
  get limit(): number {
    return this.size;
  }
  /** Lowers the limit (a server that allows fewer sessions than we planned for). */
  shrinkTo(n: number): void {
    this.size = Math.max(1, Math.min(this.size, n));
  }
  acquire(signal?: AbortSignal): Promise<() => void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new Error('aborted'));
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        this.used++;
        this.peak = Math.max(this.peak, this.used);
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.used--;
          while (this.used < this.size && this.waiters.length) this.waiters.shift()!();
        });
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(grant);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error('aborted'));
      };
      if (this.used < this.size) grant();
      else {
        this.waiters.push(grant);
        signal?.addEventListener('abort', onAbort, { once: true });
      }
    });
  }
}

interface HostState {
  key: string;
  target: SshTarget;
  client: Client | null;
  connecting: Promise<Client> | null;
  everConnected: boolean;
  reconnectEpoch: number;
  reconnects: number;
  failure: { message: string; at: number; epoch: number } | null;
  channels: Semaphore;
  pending: number;
  slot: Promise<() => void> | null;
}

type ChannelOutcome = { started: false; error: string } | { started: true; result: ExecResult };

export class SshPool {
  private readonly hosts = new Map<string, HostState>();
  private readonly hostSlots: Semaphore;
  private knownHosts: KnownHostEntry[] | null = null;
  private knownHostsError: string | null = null;
  private epoch = 0;
  private closed = false;
  private opened = 0;

  constructor(private readonly opts: SshPoolOptions) {
    if (!(opts.channelsPerHost >= 1) || !(opts.maxConcurrentHosts >= 1)) throw new Error('channelsPerHost and maxConcurrentHosts must be at least 1');
    this.hostSlots = new Semaphore(opts.maxConcurrentHosts);
    if (opts.knownHostsFile) {
      try {
        this.knownHosts = parseKnownHosts(readFileSync(opts.knownHostsFile, 'utf8'));
      } catch (err) {
        this.knownHostsError = `cannot read known_hosts file ${opts.knownHostsFile}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`;
      }
    }
  }

  /** Connections opened so far (a reconnect counts). */
  get connectionsOpened(): number {
    return this.opened;
  }
  /** Connections open now. */
  get openConnections(): number {
    let n = 0;
    for (const h of this.hosts.values()) if (h.client) n++;
    return n;
  }
  /** Most hosts worked on at the same time (bounded by maxConcurrentHosts). */
  get peakConcurrentHosts(): number {
    return this.hostSlots.peak;
  }
  /** The channel cap per host now (lower than channelsPerHost where a server allowed fewer sessions). */
  get channelLimits(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const h of this.hosts.values()) out[h.target.name] = h.channels.limit;
    return out;
  }
  /** Most channels open at the same time on one host (bounded by channelsPerHost). */
  get peakChannelsPerHost(): number {
    let p = 0;
    for (const h of this.hosts.values()) p = Math.max(p, h.channels.peak);
    return p;
  }

  /**
   * Starts a new collection: hosts that failed to connect are dialled again, and each host may
   * re-open a dropped connection once more.
   */
  beginCollection(): void {
    this.epoch++;
  }

  async exec(target: SshTarget, command: string, opts: ExecOptions): Promise<ExecResult> {
    const started = Date.now();
    const fail = (error: string, timedOut = false): ExecResult => ({
      host: target?.name ?? '?', command, exitCode: null, stdout: '', stderr: '', timedOut, error, durationMs: Date.now() - started,
    });
    const invalid = validateTarget(target);
    if (invalid) return fail(invalid);
    if (this.closed) return fail('ssh pool is closed');
    if (!(opts.timeoutMs > 0)) return fail('timeoutMs must be above zero');
    if (opts.signal?.aborted) return fail('aborted before start');
    const h = this.hostState(target);
    h.pending++;
    let releaseSlot: (() => void) | null = null;
    try {
      if (!h.slot) h.slot = this.hostSlots.acquire();
      releaseSlot = await h.slot;
      for (let attempt = 0; ; attempt++) {
        let client: Client;
        try {
          client = await this.connection(h, opts.signal);
        } catch (err) {
          return fail((err as Error).message);
        }
        if (this.closed) return fail('ssh pool is closed');
        const out = await this.runOnChannel(h, client, command, opts, started);
        if (out.started) return out.result;
        // The command never started: if the connection turned out dead, re-open it once.
        if (out.error === 'aborted') return fail('aborted');
        if (attempt === 0 && h.client !== client) continue;
        if (attempt === 0 && !isUsable(client)) {
          this.drop(h, client);
          continue;
        }
        return fail(`cannot open a channel to ${target.name}: ${out.error}`);
      }
    } catch (err) {
      return fail((err as Error).message);
    } finally {
      h.pending--;
      if (h.pending === 0) {
        h.slot = null;
        releaseSlot?.();
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const waits: Promise<void>[] = [];
    for (const h of this.hosts.values()) {
      const c = h.client;
      h.client = null;
      if (c) waits.push(endClient(c));
      if (h.connecting) waits.push(h.connecting.then(endClient, () => undefined));
    }
    await Promise.all(waits);
  }

  private hostState(t: SshTarget): HostState {
    const key = `${t.name}\0${t.user}@${t.address}:${t.port}`;
    let h = this.hosts.get(key);
    if (!h) {
      h = {
        key, target: { ...t }, client: null, connecting: null, everConnected: false, reconnectEpoch: -1, reconnects: 0,
        failure: null, channels: new Semaphore(this.opts.channelsPerHost), pending: 0, slot: null,
      };
      this.hosts.set(key, h);
    }
    return h;
  }

  private drop(h: HostState, client: Client): void {
    if (h.client === client) h.client = null;
    client.end();
  }

  private connection(h: HostState, signal?: AbortSignal): Promise<Client> {
    if (h.client) return Promise.resolve(h.client);
    if (h.connecting) return h.connecting;
    const ttl = this.opts.failureTtlMs ?? 5000;
    if (h.failure && h.failure.epoch === this.epoch && Date.now() - h.failure.at < ttl)
      return Promise.reject(new Error(h.failure.message));
    if (h.everConnected) {
      if (h.reconnectEpoch !== this.epoch) {
        h.reconnectEpoch = this.epoch;
        h.reconnects = 0;
      }
      if (h.reconnects >= 1) {
        const message = `connection to ${h.target.name} lost again after it was re-opened once in this collection`;
        return Promise.reject(new Error(message));
      }
      h.reconnects++;
    }
    const p = this.connect(h, signal).then(
      (c) => {
        h.connecting = null;
        h.failure = null;
        h.everConnected = true;
        h.client = c;
        c.on('close', () => {
          if (h.client === c) h.client = null;
        });
        return c;
      },
      (err: Error) => {
        h.connecting = null;
        h.failure = { message: err.message, at: Date.now(), epoch: this.epoch };
        throw err;
      },
    );
    h.connecting = p;
    return p;
  }

  private connect(h: HostState, signal?: AbortSignal): Promise<Client> {
    const t = h.target;
    const label = `${t.name} (${t.user}@${t.address}:${t.port})`;
    if (this.knownHostsError && !this.opts.fingerprints?.[t.name]) return Promise.reject(new Error(`${label}: ${this.knownHostsError}`));
    if (!this.opts.privateKey && !this.opts.agent)
      return Promise.reject(new Error(`${label}: no SSH credentials: set ssh.identityFile in the plan, WAVEWATCH_SSH_KEY, or run an ssh-agent (SSH_AUTH_SOCK)`));
    return new Promise<Client>((resolve, reject) => {
      const client = new Client();
      this.opened++;
      let settled = false;
      let refusal: string | null = null;
      const finish = (err: Error | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (err) {
          client.removeAllListeners('ready');
          client.on('error', () => undefined);
          client.end();
          reject(err);
        } else resolve(client);
      };
      const onAbort = () => finish(new Error('aborted while connecting'));
      signal?.addEventListener('abort', onAbort, { once: true });
      // readyTimeout covers the handshake; this covers everything up to "ready" (auth included).
      const timer = setTimeout(() => finish(new Error(`${label}: connect timed out after ${this.opts.connectTimeoutMs} ms`)), this.opts.connectTimeoutMs + 250);
      client.on('ready', () => finish(null));
      client.on('error', (err: Error & { level?: string }) => {
        if (refusal) return finish(new Error(`${label}: ${refusal}`));
        const level = err.level === 'client-authentication' ? 'authentication failed (key not accepted)' : err.message;
        finish(new Error(`${label}: ${level}`));
      });
      client.on('close', () => finish(new Error(`${label}: ${refusal ?? 'connection closed during the handshake'}`)));
      const policy = {
        knownHosts: this.knownHosts,
        knownHostsFile: this.opts.knownHostsFile,
        fingerprint: this.opts.fingerprints?.[t.name],
      };
      const knownTypes = (this.knownHosts ?? [])
        .filter((e) => e.marker === null && entryMatches(e, knownHostsName(t.address, t.port)))
        .map((e) => e.keyType);
      const algos = policy.fingerprint ? null : hostKeyAlgorithmsFor(knownTypes);
      const config: ConnectConfig = {
        host: t.address,
        port: t.port,
        username: t.user,
        readyTimeout: this.opts.connectTimeoutMs,
        keepaliveInterval: this.opts.keepaliveMs,
        keepaliveCountMax: 3,
        hostVerifier: (key: Buffer) => {
          const verdict = verifyHostKey(policy, t.name, t.address, t.port, key);
          if (!verdict.ok) refusal = verdict.reason;
          return verdict.ok;
        },
      };
      if (algos) config.algorithms = { serverHostKey: algos as NonNullable<ConnectConfig['algorithms']>['serverHostKey'] };
      if (this.opts.privateKey) config.privateKey = this.opts.privateKey;
      if (this.opts.agent) config.agent = this.opts.agent;
      try {
        client.connect(config);
      } catch (err) {
        finish(new Error(`${label}: ${(err as Error).message}`));
      }
    });
  }

  private async runOnChannel(h: HostState, client: Client, command: string, opts: ExecOptions, started: number): Promise<ChannelOutcome> {
    for (let attempt = 0; ; attempt++) {
      let release: () => void;
      try {
        release = await h.channels.acquire(opts.signal);
      } catch {
        return { started: false, error: 'aborted' };
      }
      let out: ChannelOutcome;
      try {
        if (h.client !== client || !isUsable(client)) return { started: false, error: 'connection closed' };
        out = await this.runChannel(h, client, command, opts, started);
      } finally {
        release();
      }
      // The server refused a session while others are open (its MaxSessions is below our cap):
      // lower this host's cap to what it allows and wait for a free channel.
      const others = h.channels.inUse;
      if (!out.started && /open failed|Channel open failure/i.test(out.error) && others >= 1 && attempt < 20 && h.client === client && isUsable(client)) {
        h.channels.shrinkTo(others);
        // OpenSSH frees a closed session's slot a moment after the close: give it that moment.
        await new Promise((r) => setTimeout(r, 20 * (attempt + 1)));
        continue;
      }
      return out;
    }
  }

  private runChannel(h: HostState, client: Client, command: string, opts: ExecOptions, started: number): Promise<ChannelOutcome> {
    const max = this.opts.maxOutputBytes ?? 64 * 1024 * 1024;
    const timeoutSec = Math.max(1, Math.ceil(opts.timeoutMs / 1000));
    const wire = opts.raw ? command : wrapRemote(command, timeoutSec);
    return new Promise<ChannelOutcome>((resolve) => {
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let outBytes = 0;
      let errBytes = 0;
      let exitCode: number | null = null;
      let exitSignal: string | null = null;
      let gotExit = false;
      let error: string | undefined;
      let timedOut = false;
      let stream: ClientChannel | null = null;
      let done = false;
      const stop = () => {
        if (!stream) return;
        try {
          stream.signal('KILL');
        } catch {
          /* the server may not support signals */
        }
        try {
          stream.close();
        } catch {
          /* already closed */
        }
      };
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        client.removeListener('close', onConnClose);
        const durationMs = Date.now() - started;
        if (!error && !gotExit) error = `connection to ${h.target.name} lost while the command ran`;
        if (!error && exitSignal) error = `killed by signal ${exitSignal}`;
        // `timeout -s KILL` exits 137, or, when the shell exec'd it, the whole command dies of SIGKILL.
        const killed = exitCode === REMOTE_TIMEOUT_EXIT || (exitCode === null && (exitSignal === 'KILL' || exitSignal === 'SIGKILL'));
        if (!opts.raw && !timedOut && killed && Date.now() - started >= timeoutSec * 1000 * 0.95) {
          timedOut = true;
          error = `timed out after ${timeoutSec} s (killed on the host)`;
        }
        resolve({
          started: true,
          result: {
            host: h.target.name, command, exitCode, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'),
            timedOut, ...(error ? { error } : {}), durationMs,
          },
        });
      };
      const timer = setTimeout(() => {
        timedOut = true;
        error = `timed out after ${opts.timeoutMs} ms (channel closed)`;
        stop();
        finish();
      }, opts.raw ? opts.timeoutMs : timeoutSec * 1000 + LOCAL_GRACE_MS);
      const onAbort = () => {
        error = 'aborted';
        stop();
        finish();
      };
      const onConnClose = () => finish();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      client.once('close', onConnClose);
      try {
        client.exec(wire, (e, s) => {
          if (done) {
            s?.close();
            return;
          }
          if (e) {
            done = true;
            clearTimeout(timer);
            opts.signal?.removeEventListener('abort', onAbort);
            client.removeListener('close', onConnClose);
            resolve({ started: false, error: e.message });
            return;
          }
          stream = s;
          s.on('data', (d: Buffer) => {
            if (outBytes + d.length > max) {
              error = `stdout exceeded ${max} bytes; cut`;
              stop();
              return;
            }
            outBytes += d.length;
            out.push(d);
          });
          s.stderr.on('data', (d: Buffer) => {
            if (errBytes + d.length > max) return;
            errBytes += d.length;
            err.push(d);
          });
          s.on('exit', (code: number | null, sig?: string) => {
            gotExit = true;
            if (typeof code === 'number') exitCode = code;
            if (sig) exitSignal = sig;
          });
          s.on('close', finish);
          s.on('error', (e2: Error) => {
            error = error ?? e2.message;
          });
        });
      } catch (e) {
        done = true;
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        client.removeListener('close', onConnClose);
        resolve({ started: false, error: (e as Error).message });
      }
    });
  }
}

function isUsable(client: Client): boolean {
  const sock = (client as unknown as { _sock?: { writable?: boolean; destroyed?: boolean } })._sock;
  return !!sock && sock.writable !== false && !sock.destroyed;
}

function endClient(c: Client): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, 1000);
    c.once('close', () => {
      clearTimeout(t);
      resolve();
    });
    c.on('error', () => undefined);
    c.end();
  });
}

function validateTarget(t: SshTarget): string | null {
  if (!t || typeof t !== 'object') return 'invalid target';
  if (!NAME_PATTERN.test(t.name ?? '')) return `invalid host name ${JSON.stringify(t.name)}`;
  if (!NAME_PATTERN.test(t.user ?? '')) return `invalid user name ${JSON.stringify(t.user)} for ${t.name}`;
  if (!/^[A-Za-z0-9.:-]{1,253}$/.test(t.address ?? '')) return `invalid address ${JSON.stringify(t.address)} for ${t.name}`;
  if (!Number.isInteger(t.port) || t.port < 1 || t.port > 65535) return `invalid port ${t.port} for ${t.name}`;
  return null;
}

function expandPath(p: string, cwd: string): string {
  if (p === '~') return homedir();
  if (p.startsWith('~/')) return resolvePath(homedir(), p.slice(2));
  return resolvePath(cwd, p);
}

/**
 * Pool options from a plan: the key from `ssh.identityFile` (~ expanded, relative to the working
 * directory) or `WAVEWATCH_SSH_KEY` (a path), else the ssh-agent of `SSH_AUTH_SOCK`. Throws when a
 * named key file cannot be read (a clear error at start beats an auth failure per host).
 */
export function sshPoolOptionsFromPlan(plan: Plan, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): SshPoolOptions {
  const s = plan.ssh;
  const opts: SshPoolOptions = {
    fingerprints: { ...s.fingerprints },
    connectTimeoutMs: s.connectTimeout,
    keepaliveMs: s.keepalive,
    channelsPerHost: s.channelsPerHost,
    maxConcurrentHosts: s.maxConcurrentHosts,
  };
  if (s.knownHostsFile) opts.knownHostsFile = expandPath(s.knownHostsFile, cwd);
  const keyPath = s.identityFile ?? env.WAVEWATCH_SSH_KEY;
  if (keyPath) {
    const full = expandPath(keyPath, cwd);
    try {
      opts.privateKey = readFileSync(full);
    } catch (err) {
      const from = s.identityFile ? 'ssh.identityFile' : 'WAVEWATCH_SSH_KEY';
      throw new Error(`cannot read the SSH key ${full} (${from}): ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  } else if (env.SSH_AUTH_SOCK) opts.agent = env.SSH_AUTH_SOCK;
  return opts;
}

/** The pool's target for a plan host. */
export function targetOf(host: Plan['hosts'][number]): SshTarget {
  return { name: host.name, address: host.address, port: host.port, user: host.user };
}

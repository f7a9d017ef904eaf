// One SSH connection per host, reused, with keepalive; commands in parallel within a per-host channel
// cap and across hosts within a global cap; a timeout on every command, enforced locally (the
// channel is closed) and remotely (`timeout -s KILL`); host keys verified, never silently accepted.
// `exec` never throws for remote failures: the result says what happened.
// The pieces live in ./ssh/: the semaphore, opening a connection, one command's channel, the
// options from a plan, the time bounds. This file keeps the pool's state and its public names.
import type { Client } from 'ssh2';
import { Semaphore } from './ssh/semaphore';
import { openClient, isUsable, endClient, loadHostKeyPolicy, type HostKeyPolicy } from './ssh/connect';
import { runChannel } from './ssh/channel';
import { validateTarget } from './ssh/target';
import type { ChannelOutcome, ExecOptions, ExecResult, SshPoolOptions, SshTarget } from './ssh/types';

export type { SshTarget, SshPoolOptions, ExecResult, ExecOptions } from './ssh/types';
export { REMOTE_TIMEOUT_EXIT } from './ssh/limits';
export { sshPoolOptionsFromPlan } from './ssh/options';
export { targetOf } from './ssh/target';

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

export class SshPool {
  private readonly hosts = new Map<string, HostState>();
  private readonly hostSlots: Semaphore;
  private readonly keys: HostKeyPolicy;
  private epoch = 0;
  private closed = false;
  private opened = 0;

  constructor(private readonly opts: SshPoolOptions) {
    if (!(opts.channelsPerHost >= 1) || !(opts.maxConcurrentHosts >= 1)) throw new Error('channelsPerHost and maxConcurrentHosts must be at least 1');
    this.hostSlots = new Semaphore(opts.maxConcurrentHosts);
    this.keys = loadHostKeyPolicy(opts.knownHostsFile);
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
    return openClient(h.target, this.opts, this.keys, () => this.opened++, signal);
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
        out = await runChannel(h.target.name, client, command, opts, started, this.opts.maxOutputBytes);
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
}

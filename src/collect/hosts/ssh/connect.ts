// Opening one SSH connection: credentials present, host key verified against known_hosts or a pinned
// fingerprint (never silently accepted), the whole handshake bounded in time; and closing one.
import { Client, type ConnectConfig } from 'ssh2';
import { readFileSync } from 'node:fs';
import { verifyHostKey, hostKeyAlgorithmsFor, entryMatches, knownHostsName, parseKnownHosts, type KnownHostEntry } from '../known-hosts';
import { CONNECT_GRACE_MS } from './limits';
import type { SshPoolOptions, SshTarget } from './types';

export interface HostKeyPolicy {
  knownHosts: KnownHostEntry[] | null;
  /** Why the known_hosts file could not be read; hosts without a pinned fingerprint are refused. */
  knownHostsError: string | null;
}

/** The host-key policy from a known_hosts file (none named: fingerprints only); never throws. */
export function loadHostKeyPolicy(knownHostsFile: string | undefined): HostKeyPolicy {
  if (!knownHostsFile) return { knownHosts: null, knownHostsError: null };
  try {
    return { knownHosts: parseKnownHosts(readFileSync(knownHostsFile, 'utf8')), knownHostsError: null };
  } catch (err) {
    return { knownHosts: null, knownHostsError: `cannot read known_hosts file ${knownHostsFile}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
}

/**
 * Dials `t` and resolves once authenticated. `onDial` is called when a connection is really
 * attempted (not for a refusal before dialling), for the pool's count of connections opened.
 */
export function openClient(t: SshTarget, opts: SshPoolOptions, keys: HostKeyPolicy, onDial: () => void, signal?: AbortSignal): Promise<Client> {
  const label = `${t.name} (${t.user}@${t.address}:${t.port})`;
  if (keys.knownHostsError && !opts.fingerprints?.[t.name]) return Promise.reject(new Error(`${label}: ${keys.knownHostsError}`));
  if (!opts.privateKey && !opts.agent)
    return Promise.reject(new Error(`${label}: no SSH credentials: set ssh.identityFile in the plan, WAVEWATCH_SSH_KEY, or run an ssh-agent (SSH_AUTH_SOCK)`));
  return new Promise<Client>((resolve, reject) => {
    const client = new Client();
    onDial();
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
    const timer = setTimeout(() => finish(new Error(`${label}: connect timed out after ${opts.connectTimeoutMs} ms`)), opts.connectTimeoutMs + CONNECT_GRACE_MS);
    client.on('ready', () => finish(null));
    client.on('error', (err: Error & { level?: string }) => {
      if (refusal) return finish(new Error(`${label}: ${refusal}`));
      const level = err.level === 'client-authentication' ? 'authentication failed (key not accepted)' : err.message;
      finish(new Error(`${label}: ${level}`));
    });
    client.on('close', () => finish(new Error(`${label}: ${refusal ?? 'connection closed during the handshake'}`)));
    const policy = {
      knownHosts: keys.knownHosts,
      knownHostsFile: opts.knownHostsFile,
      fingerprint: opts.fingerprints?.[t.name],
    };
    const knownTypes = (keys.knownHosts ?? [])
      .filter((e) => e.marker === null && entryMatches(e, knownHostsName(t.address, t.port)))
      .map((e) => e.keyType);
    const algos = policy.fingerprint ? null : hostKeyAlgorithmsFor(knownTypes);
    const config: ConnectConfig = {
      host: t.address,
      port: t.port,
      username: t.user,
      readyTimeout: opts.connectTimeoutMs,
      keepaliveInterval: opts.keepaliveMs,
      keepaliveCountMax: 3,
      hostVerifier: (key: Buffer) => {
        const verdict = verifyHostKey(policy, t.name, t.address, t.port, key);
        if (!verdict.ok) refusal = verdict.reason;
        return verdict.ok;
      },
    };
    if (algos) config.algorithms = { serverHostKey: algos as NonNullable<ConnectConfig['algorithms']>['serverHostKey'] };
    if (opts.privateKey) config.privateKey = opts.privateKey;
    if (opts.agent) config.agent = opts.agent;
    try {
      client.connect(config);
    } catch (err) {
      finish(new Error(`${label}: ${(err as Error).message}`));
    }
  });
}

/** Whether the connection's socket can still carry a new channel. */
export function isUsable(client: Client): boolean {
  const sock = (client as unknown as { _sock?: { writable?: boolean; destroyed?: boolean } })._sock;
  return !!sock && sock.writable !== false && !sock.destroyed;
}

/** Ends a connection and waits (at most 1 s) for it to close. */
export function endClient(c: Client): Promise<void> {
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

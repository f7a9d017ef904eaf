// The pool's options from a plan and the environment: settings, the key file or the ssh-agent.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve as resolvePath } from 'node:path';
import type { Plan } from '../../../plan/schema';
import type { SshPoolOptions } from './types';

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

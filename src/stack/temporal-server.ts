// A local Temporal dev server (the Temporal CLI's `server start-dev`): for tests, `wavewatch dev up`
// and the demo. Bound to 127.0.0.1, with the wave search attributes registered, a database file
// when the state must survive a restart, and the Web UI unless headless.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { freePort } from './nats-server';

export interface TemporalDevServerOptions {
  port?: number;
  /** Web UI port; the UI is off when `headless`. */
  uiPort?: number;
  headless?: boolean;
  /** SQLite file: state survives restarts. Without it, state dies with the process. */
  dbFile?: string;
  /** Where the server's output goes (default: discarded). */
  logFile?: string;
  /** Keep running after this process exits (`wavewatch dev up`). */
  detached?: boolean;
  binary?: string;
  readyTimeoutMs?: number;
}

export interface TemporalDevServer {
  address: string;
  port: number;
  uiPort: number | null;
  uiUrl: string | null;
  pid: number;
  /** SIGTERM, then SIGKILL after 10 s. */
  stop(): Promise<void>;
  /** SIGKILL (a crash). */
  kill(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) if (!child.killed) child.kill('SIGKILL');
});

/** Resolves once the frontend answers gRPC (a TCP accept alone comes before it is ready). */
export async function waitForTemporal(address: string, timeoutMs: number, isAlive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`the Temporal dev server exited before it was ready (${address})`);
    try {
      const conn = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await conn.workflowService.describeNamespace({ namespace: 'default' });
        return;
      } finally {
        await conn.close();
      }
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`the Temporal dev server at ${address} did not become ready in ${timeoutMs} ms: ${(last as Error)?.message ?? last}`);
}

export async function startTemporalDevServer(opts: TemporalDevServerOptions = {}): Promise<TemporalDevServer> {
  const port = opts.port ?? (await freePort());
  const uiPort = opts.headless ? null : (opts.uiPort ?? (await freePort()));
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--namespace', 'default', '--log-level', 'warn'];
  if (uiPort === null) args.push('--headless');
  else args.push('--ui-port', String(uiPort));
  if (opts.dbFile) {
    mkdirSync(dirname(opts.dbFile), { recursive: true });
    args.push('--db-filename', opts.dbFile);
  }
  for (const sa of SEARCH_ATTRIBUTES) args.push('--search-attribute', sa);
  let out: number | 'ignore' = 'ignore';
  if (opts.logFile) {
    mkdirSync(dirname(opts.logFile), { recursive: true });
    out = openSync(opts.logFile, 'a');
  }
  const child = spawn(opts.binary ?? 'temporal', args, { stdio: ['ignore', out, out], detached: opts.detached ?? false });
  if (typeof out === 'number') closeSync(out);
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.on('exit', () => {
      exited = true;
      live.delete(child);
      resolve();
    });
    child.on('error', () => {
      exited = true;
      resolve();
    });
  });
  if (opts.detached) child.unref();
  else live.add(child);
  const address = `127.0.0.1:${port}`;
  try {
    await waitForTemporal(address, opts.readyTimeoutMs ?? 60_000, () => !exited);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const signal = async (sig: NodeJS.Signals, graceMs: number) => {
    if (exited) return;
    child.kill(sig);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exit;
    clearTimeout(timer);
  };
  return {
    address,
    port,
    uiPort,
    uiUrl: uiPort === null ? null : `http://127.0.0.1:${uiPort}`,
    pid: child.pid!,
    stop: () => signal('SIGTERM', 10_000),
    kill: () => signal('SIGKILL', 0),
  };
}

// A local nats-server for tests, `wavewatch dev up` and the demo: the Debian binary, bound to
// 127.0.0.1 only (client port and monitoring port), free ports unless given, ready when /healthz
// answers. Never the machine's own service, never a non-loopback address.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, existsSync, rmSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';

export interface StartNatsServerOptions {
  /** Client port; a free one when not given. */
  port?: number;
  /** HTTP monitoring port (-m); a free one when not given. */
  monitorPort?: number;
  /** Folder for the config file and the log; a fresh temporary one (removed on stop) when not given. */
  dir?: string;
  /** Binary; default WAVEWATCH_NATS_SERVER, else nats-server on PATH, else /usr/sbin/nats-server. */
  binary?: string;
  /** Extra nats-server configuration lines (e.g. "max_pending: 1MB"). */
  extraConfig?: string;
  /** How long to wait for /healthz, ms (default 10 s). */
  readyTimeoutMs?: number;
}

export interface NatsServerHandle {
  /** nats://127.0.0.1:PORT */
  readonly url: string;
  /** http://127.0.0.1:MONITORPORT */
  readonly monitoringUrl: string;
  readonly port: number;
  readonly monitorPort: number;
  /** The current process id (changes on restart). */
  readonly pid: number;
  /** The log file nats-server writes. */
  readonly logFile: string;
  /** Whether the process is running now. */
  readonly running: boolean;
  /** SIGTERM, then SIGKILL after 5 s; resolves when the process has exited. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL at once (a crash, for fault tests); resolves when the process has exited. */
  kill(): Promise<void>;
  /** Stop (if running) and start again on the same ports; resolves when /healthz answers. */
  restart(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (the OS picks one; a race with other processes is retried by the caller). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

function findBinary(explicit?: string): string {
  if (explicit) return explicit;
  if (process.env.WAVEWATCH_NATS_SERVER) return process.env.WAVEWATCH_NATS_SERVER;
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'nats-server'))) return join(dir, 'nats-server');
  }
  return '/usr/sbin/nats-server';
}

/** GET url; resolves with the status code, or null when nothing answers within timeoutMs. */
function httpStatus(url: string, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    const req = request(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? null));
      res.on('error', () => resolve(null));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
    req.end();
  });
}

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test runner that exits without stop() must not leave servers behind.
  process.on('exit', () => {
    for (const child of liveChildren) {
      try {
        child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
}

export async function startNatsServer(opts: StartNatsServerOptions = {}): Promise<NatsServerHandle> {
  const ownDir = !opts.dir;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'wavewatch-nats-'));
  mkdirSync(dir, { recursive: true });
  const binary = findBinary(opts.binary);
  const readyTimeoutMs = opts.readyTimeoutMs ?? 10_000;
  const logFile = join(dir, 'nats-server.log');
  const configFile = join(dir, 'nats-server.conf');

  let port = opts.port ?? 0;
  let monitorPort = opts.monitorPort ?? 0;
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let lastExit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  let stderrTail = '';

  const writeConfig = () => {
    const lines = [
      '# written by wavewatch (src/stack/nats-server.ts)',
      `listen: "127.0.0.1:${port}"`,
      `http: "127.0.0.1:${monitorPort}"`,
      `pid_file: "${join(dir, 'nats-server.pid')}"`,
      `log_file: "${logFile}"`,
      opts.extraConfig ?? '',
    ];
    writeFileSync(configFile, lines.join('\n') + '\n');
  };

  const launch = async (): Promise<void> => {
    writeConfig();
    lastExit = null;
    stderrTail = '';
    const proc = spawn(binary, ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'], detached: false });
    child = proc;
    liveChildren.add(proc);
    installExitHook();
    proc.stderr?.on('data', (d: Buffer) => {
      stderrTail = (stderrTail + d.toString()).slice(-2000);
    });
    exited = new Promise<void>((resolve) => {
      proc.once('exit', (code, signal) => {
        lastExit = { code, signal };
        liveChildren.delete(proc);
        resolve();
      });
      proc.once('error', (err) => {
        stderrTail += `\nspawn error: ${err.message}`;
        lastExit = { code: null, signal: null };
        liveChildren.delete(proc);
        resolve();
      });
    });
    const deadline = Date.now() + readyTimeoutMs;
    const healthz = `http://127.0.0.1:${monitorPort}/healthz`;
    for (;;) {
      if (lastExit) throw new Error(`nats-server exited before it was ready (${describeExit(lastExit)}): ${stderrTail.trim() || logTail(logFile)}`);
      if ((await httpStatus(healthz, 500)) === 200) return;
      if (Date.now() > deadline) {
        await terminate('SIGKILL');
        throw new Error(`nats-server did not answer ${healthz} within ${readyTimeoutMs} ms (see ${logFile})`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  const terminate = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child;
    if (!proc || lastExit) return;
    proc.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), 5000)));
    if ((await Promise.race([exited.then(() => 'exited' as const), timedOut])) === 'timeout') {
      proc.kill('SIGKILL');
      await exited;
    }
    clearTimeout(timer);
  };

  // Free ports: the OS names one, nats-server binds it; if another process took it meanwhile, retry.
  const wantFree = !opts.port || !opts.monitorPort;
  for (let attempt = 1; ; attempt++) {
    if (!opts.port) port = await freePort();
    if (!opts.monitorPort) {
      do monitorPort = await freePort();
      while (monitorPort === port);
    }
    try {
      await launch();
      break;
    } catch (err) {
      if (!wantFree || attempt >= 3) {
        if (ownDir) rmSync(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }

  let stopped = false;
  const handle: NatsServerHandle = {
    get url() {
      return `nats://127.0.0.1:${port}`;
    },
    get monitoringUrl() {
      return `http://127.0.0.1:${monitorPort}`;
    },
    get port() {
      return port;
    },
    get monitorPort() {
      return monitorPort;
    },
    get pid() {
      return child?.pid ?? -1;
    },
    get logFile() {
      return logFile;
    },
    get running() {
      return child !== null && lastExit === null;
    },
    async stop() {
      await terminate('SIGTERM');
      if (!stopped && ownDir) rmSync(dir, { recursive: true, force: true });
      stopped = true;
    },
    async kill() {
      await terminate('SIGKILL');
    },
    async restart() {
      if (stopped) throw new Error('nats-server handle was stopped; start a new one');
      await terminate('SIGTERM');
      // The same ports, so clients reconnect to the same URL. A port in TIME_WAIT is fine for a
      // listener (Go sets SO_REUSEADDR); retry briefly in case the kernel is slow to release it.
      for (let attempt = 1; ; attempt++) {
        try {
          await launch();
          return;
        } catch (err) {
          if (attempt >= 5) throw err;
          await new Promise((r) => setTimeout(r, 200 * attempt));
        }
      }
    },
  };
  return handle;
}

function describeExit(e: { code: number | null; signal: NodeJS.Signals | null }): string {
  return e.signal ? `signal ${e.signal}` : `code ${e.code}`;
}

function logTail(file: string): string {
  try {
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    return lines.slice(-3).join(' | ') || `(empty log ${file})`;
  } catch {
    return `(no log at ${file})`;
  }
}

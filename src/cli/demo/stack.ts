// The local stack the demo runs on, each piece registered with the teardown as it starts: a Temporal
// server (the one already answering, else a dev server with its Web UI), the simulated fleet of the
// plan on free ports, a local SMTP sink, and a worker in a child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import type { Plan } from '../../plan/schema';
import { startLocalFleet, type LocalFleet } from '../../stack/local-stack';
import { startTemporalDevServer, waitForTemporal, type TemporalDevServer } from '../../stack/temporal-server';
import { TASK_QUEUE } from '../../client/connection';
import { startMailSink, type MailSink } from '../../notify/sink';
import type { Io } from './io';
import { killOnExit, type Interrupts, type Teardown } from './lifecycle';

const BIN = resolve(__dirname, '../../../bin/wavewatch.js');

export interface DemoTemporal {
  address: string;
  /** The dev server the demo started; null when it uses a server that was already answering. */
  server: TemporalDevServer | null;
  /** The Web UI's base URL, null when none answers. */
  webBase: string | null;
}

/** The Temporal server already answering on the port, else a dev server with the Web UI (stopped last). */
export async function startTemporal(ports: { temporalPort: number; uiPort: number }, stateDir: string, io: Io, teardown: Teardown): Promise<DemoTemporal> {
  const { temporalPort, uiPort } = ports;
  const address = `127.0.0.1:${temporalPort}`;
  try {
    await waitForTemporal(address, 1500);
    io.say(`Temporal: using the server already at ${address}`);
    return { address, server: null, webBase: (await httpAnswers(`http://127.0.0.1:${uiPort}/`)) ? `http://localhost:${uiPort}` : null };
  } catch {
    io.say(`Temporal: starting a dev server on ${address} (Web UI :${uiPort}, database ${join(stateDir, 'temporal.db')})`);
  }
  // In its own process group: a Ctrl-C in the terminal reaches the demo only, which still needs
  // the server to end its wave before it stops it (last). Killed on any exit of the demo.
  const server = await startTemporalDevServer({ port: temporalPort, uiPort, dbFile: join(stateDir, 'temporal.db'), logFile: join(stateDir, 'temporal.log'), detached: true });
  const onExit = killOnExit(() => {
    try {
      process.kill(server.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  });
  teardown.add('Temporal dev server', async () => {
    await server.stop();
    onExit.stop();
  });
  return { address, server, webBase: `http://localhost:${uiPort}` };
}

/** The plan's simulated fleet (SSH hosts and NATS) on free ports. */
export async function startFleet(plan: Plan, stateDir: string, io: Io, teardown: Teardown): Promise<LocalFleet> {
  const fleet = await startLocalFleet({ plan, stateDir: join(stateDir, 'fleet'), freePorts: true });
  teardown.add('simulated fleet', () => fleet.stop());
  io.say(`fleet: ${fleet.plan.hosts.map((h) => `${h.name} ssh :${h.port}`).join(', ')}; NATS ${fleet.nats.url} (monitoring ${fleet.nats.monitoringUrl})`);
  return fleet;
}

/** A local SMTP sink that saves every message of the run in `<runDir>/mail`. */
export async function startMail(runDir: string, io: Io, teardown: Teardown): Promise<MailSink> {
  const sink = await startMailSink({ dir: join(runDir, 'mail') });
  teardown.add('mail sink', () => sink.close());
  io.say(`mail: SMTP sink smtp://${sink.host}:${sink.port}, messages saved in ${sink.dir}`);
  return sink;
}

/**
 * A worker in a child process (`wavewatch worker`) with the given environment (the sink's SMTP
 * settings), its output in `logFile`; resolves once it polls the task queue.
 */
export async function startWorker(
  client: Client,
  address: string,
  env: Record<string, string>,
  logFile: string,
  io: Io,
  teardown: Teardown,
  interrupts: Interrupts,
): Promise<ChildProcess> {
  const worker = spawnWorker(address, env, logFile);
  interrupts.hardStop = () => {
    worker.kill('SIGKILL'); // the dev server and nats-server go with the exit hooks
  };
  const onExit = killOnExit(() => worker.kill('SIGKILL'));
  teardown.add('worker', async () => {
    await stopChild(worker, 15_000);
    onExit.stop();
  });
  io.say(`worker: pid ${worker.pid}, log ${logFile} (bundling the workflow code…)`);
  const others = await workerReady(client, worker, logFile, 180_000, () => interrupts.interrupted);
  if (others.length) io.say(`note: other workers poll the task queue "${TASK_QUEUE}" on this server too (${others.join(', ')}); they may run parts of this wave`);
  return worker;
}

/** Throws with the end of the worker's log when the worker process has exited. */
export function checkWorkerAlive(worker: ChildProcess, logFile: string): void {
  if (worker.exitCode !== null || worker.signalCode !== null) throw new Error(`the worker exited (${worker.exitCode ?? worker.signalCode}); ${logFile}:\n${logTail(logFile)}`);
}

function spawnWorker(address: string, env: Record<string, string>, logFile: string): ChildProcess {
  const fd = openSync(logFile, 'a');
  try {
    return spawn(process.execPath, [BIN, 'worker', '--address', address], {
      env: { ...process.env, ...env, TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: 'default' },
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
}

/** Resolves when the worker process polls the task queue (its identity is "<pid>@host"), with the other pollers' identities. */
async function workerReady(client: Client, child: ChildProcess, logFile: string, timeoutMs: number, interrupted: () => boolean): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the worker exited before it was ready (${child.exitCode ?? child.signalCode}); ${logFile}:\n${logTail(logFile)}`);
    if (interrupted()) throw new Error('interrupted');
    try {
      const r = await client.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: TASK_QUEUE, kind: 1 }, taskQueueType: 1 });
      const ids = (r.pollers ?? []).map((p) => p.identity ?? '');
      if (ids.some((id) => id.startsWith(`${child.pid}@`))) return ids.filter((id) => !id.startsWith(`${child.pid}@`));
    } catch {
      /* the server is busy starting */
    }
    if (Date.now() > deadline) throw new Error(`the worker did not poll the task queue within ${timeoutMs / 1000} s; ${logFile}:\n${logTail(logFile)}`);
    await sleep(300);
  }
}

async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

function httpAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((done) => {
    const req = request(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      done(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => done(false));
    req.end();
  });
}

function logTail(file: string, lines = 8): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

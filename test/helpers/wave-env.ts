// A real Temporal dev server (the CLI binary), a worker on the bundled workflow code, and a
// simulated fleet from a copy of plans/local.yaml with free ports: what every whole-wave test needs.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { loadPlan } from '../../src/plan/load';
import type { Plan } from '../../src/plan/schema';
import { startTemporalDevServer, type TemporalDevServer } from '../../src/stack/temporal-server';
import { startLocalFleet, type LocalFleet } from '../../src/stack/local-stack';
import { connectClient, startWave } from '../../src/client/waves';
import type { Policy, WaveStatus } from '../../src/model/status';
import { tsProcessArgs } from './ts-process';

// Worker state changes at INFO would drown the test output.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  /* installed already in this process */
}

let bundle: { code: string } | null = null;
export async function workflowBundle(): Promise<{ code: string }> {
  bundle ??= await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error } as never });
  return bundle;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `wavewatch-${prefix}-`));
}

/** `ui: true` starts the Web UI too, on a free port (`uiUrl` of the result). */
export async function startTemporal(opts: { dbFile?: string; port?: number; ui?: boolean } = {}): Promise<TemporalDevServer> {
  return startTemporalDevServer({ headless: !opts.ui, dbFile: opts.dbFile, port: opts.port });
}

export interface RunningWorker {
  stop(): Promise<void>;
}

/**
 * The worker runs in its own process, as in production: its collection and judging must not stall
 * the event loop of the simulated fleet, which lives in the test's process (the tests drive its
 * faults). Otherwise the probes would measure the test rig instead of the agents.
 */
export async function startWorker(address: string, root: string, taskQueue: string, env?: Record<string, string>): Promise<RunningWorker> {
  return spawnWorker(address, root, taskQueue, env);
}

/** A copy of plans/local.yaml with the test's changes, output under `root`. */
export function localPlan(root: string, change: (p: Plan) => void = () => undefined): Plan {
  const plan = loadPlan(join(__dirname, '../../plans/local.yaml'));
  plan.output = {
    dir: join(root, 'checkpoints'),
    alertLog: join(root, 'alerts.log'),
    decisionDoc: join(root, 'DECISION.md'),
    reportDoc: join(root, 'REPORT.md'),
  };
  change(plan);
  return plan;
}

export async function startFleet(plan: Plan, root: string): Promise<LocalFleet> {
  return startLocalFleet({ plan, stateDir: join(root, 'stack'), freePorts: true });
}

export async function client(address: string): Promise<Client> {
  return connectClient({ address, namespace: 'default' });
}

export async function runWave(c: Client, plan: Plan, o: { waveId: string; timeScale: number; policy?: Policy; taskQueue: string; startAtMs?: number; eventsPerRun?: number }) {
  return startWave(c, plan, { waveId: o.waveId, timeScale: o.timeScale, policy: o.policy ?? 'auto', startAtMs: o.startAtMs ?? Date.now(), taskQueue: o.taskQueue, eventsPerRun: o.eventsPerRun });
}

/** Polls the status query until `pred` holds (queries need a running worker). */
export async function waitForStatus(c: Client, waveId: string, pred: (s: WaveStatus) => boolean, timeoutMs = 120_000): Promise<WaveStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: WaveStatus | null = null;
  while (Date.now() < deadline) {
    try {
      last = await c.workflow.getHandle(waveId).query<WaveStatus>('status');
      if (pred(last)) return last;
    } catch {
      /* the worker may be restarting */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `timed out waiting on wave ${waveId}; last status: ${JSON.stringify(
      last && { phase: last.phase, verdict: last.verdict, ticks: last.interim.ticks, checkpoints: last.checkpoints.map((x) => [x.name, x.verdict]), rollback: last.rollback.trigger, hold: last.hold, alerts: last.alerts.map((a) => `${a.id} ${a.state}`) },
    )}`,
  );
}

/** Waits until the wave's current run has `activity` pending with a heartbeat that matches `detail`. */
export async function waitForPendingActivity(c: Client, waveId: string, activity: string, detail: RegExp, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const d = await c.workflow.getHandle(waveId).describe();
    for (const p of d.raw.pendingActivities ?? []) {
      if (p.activityType?.name !== activity) continue;
      const beats = (p.heartbeatDetails?.payloads ?? []).map((x) => Buffer.from(x.data ?? []).toString()).join(' ');
      if (detail.test(beats)) return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${activity} pending with a heartbeat matching ${detail} within ${timeoutMs} ms`);
}

/** Activities scheduled by type over every run of the wave (continue-as-new starts new runs). */
export async function scheduledActivities(c: Client, waveId: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for await (const run of c.workflow.list({ query: `WorkflowId = '${waveId}'` })) {
    const history = await c.workflow.getHandle(waveId, run.runId).fetchHistory();
    for (const e of history.events ?? []) {
      const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
      if (name) out[name] = (out[name] ?? 0) + 1;
    }
  }
  return out;
}

/** A worker in a child process (tsx), ready when it says so; `kill()` is a SIGKILL. */
export async function spawnWorker(address: string, root: string, taskQueue: string, env: Record<string, string> = {}) {
  const { spawn } = await import('node:child_process');
  const { writeFileSync } = await import('node:fs');
  const bundleFile = join(root, `workflow-bundle-${taskQueue}.js`);
  writeFileSync(bundleFile, (await workflowBundle()).code);
  const child = spawn(process.execPath, tsProcessArgs(join(__dirname, 'worker-process.ts'), address, taskQueue, root, bundleFile), {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`worker process exited early (${code})`)));
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    pid: child.pid!,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    /** SIGTERM (graceful shutdown), SIGKILL if it has not exited within 10 s. */
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

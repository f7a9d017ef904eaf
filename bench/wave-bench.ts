// Whole waves on a local Temporal dev server, measured (bench/workflow-cost.ts and bench/scale.ts):
// history events and bytes per run of the continue-as-new chain, the largest single event, the
// monitor ticks' collection time (from the monitorTick activity results in the history), the
// worker's memory (a worker in its own process reporting process.memoryUsage()), and optionally the
// time from a rollback criterion's breach (an agent under test stopped) to the rollback's first step.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { startWave } from '../src/client/waves';
import type { WaveStatus } from '../src/model/status';
import { benchPlan, median, quantile, sleep, startFleetChild, tempDir, MiB } from './lib';
import { tsProcessArgs } from '../test/helpers/ts-process';

/** Temporal's default per-run limits (history_size_limit_error / history_count_limit_error) and warnings. */
export const LIMITS = { events: 51_200, eventsWarn: 10_240, bytes: 50 * MiB, bytesWarn: 10 * MiB, payload: 2 * MiB };

export async function writeBundle(root: string): Promise<string> {
  const b = await bundleWorkflowCode({ workflowsPath: require.resolve('../src/workflows'), logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error } as never });
  const file = join(root, 'workflow-bundle.js');
  writeFileSync(file, b.code);
  return file;
}

export interface WaveBenchOptions {
  label: string;
  hosts: number;
  /** Agents per role (default the plan's 2 under test + 2 control). */
  agents?: { test: number; control: number };
  timeScale: number;
  /** Stop an agent under test after `afterTicks` monitor ticks and time the rollback. */
  rollback?: { afterTicks: number };
  /** Continue-as-new after this many history events (the workflow's default is 2,000). */
  eventsPerRun?: number;
  ratePerSecond?: number;
  subscribe?: 'patterns' | 'own' | 'none';
  address: string;
  client: Client;
  bundleFile: string;
}

export interface RunHistory {
  runId: string;
  events: number;
  bytes: number;
  maxEventBytes: number;
  maxEventType: string;
}

export interface WaveBenchResult {
  label: string;
  hosts: number;
  agentsPerHost: number;
  timeScale: number;
  wallMs: number;
  fleetStartMs: number;
  verdict: string | null;
  phase: string;
  statusRuns: number;
  ticks: number;
  skippedTicks: number;
  runs: RunHistory[];
  totalEvents: number;
  totalBytes: number;
  tickMs: number[];
  checkpointMs: { name: string; ms: number }[];
  memory: { t: number; rss: number; heapUsed: number }[];
  rollback: { breachAt: number; startedAt: number | null; firstStepAt: number | null; latencyMs: number | null; firstStepMs: number | null; trigger: string | null; tickIntervalMs: number } | null;
}

function eventTypeName(t: unknown): string {
  const n = proto.api.enums.v1.EventType[t as number];
  return typeof n === 'string' ? n.replace(/^EVENT_TYPE_/, '') : String(t);
}

export async function fetchChain(client: Client, workflowId: string, firstRunId: string): Promise<{ runs: RunHistory[]; histories: proto.api.history.v1.IHistory[] }> {
  const runs: RunHistory[] = [];
  const histories: proto.api.history.v1.IHistory[] = [];
  let runId: string | null = firstRunId;
  while (runId) {
    const h: proto.api.history.v1.IHistory = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    histories.push(h);
    const events: proto.api.history.v1.IHistoryEvent[] = h.events ?? [];
    let maxEventBytes = 0;
    let maxEventType = '';
    for (const e of events) {
      const n = proto.api.history.v1.HistoryEvent.encode(e).finish().length;
      if (n > maxEventBytes) {
        maxEventBytes = n;
        maxEventType = eventTypeName(e.eventType);
      }
    }
    runs.push({ runId, events: events.length, bytes: proto.api.history.v1.History.encode(h).finish().length, maxEventBytes, maxEventType });
    const last: proto.api.history.v1.IHistoryEvent | undefined = events[events.length - 1];
    runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? null;
  }
  return { runs, histories };
}

/** Collection durations of monitor ticks and checkpoints, from the activities' results in the history. */
export function activityDurations(histories: proto.api.history.v1.IHistory[]): { tickMs: number[]; checkpointMs: { name: string; ms: number }[] } {
  const tickMs: number[] = [];
  const checkpointMs: { name: string; ms: number }[] = [];
  for (const h of histories) {
    const scheduled = new Map<string, { type: string; at: number }>();
    for (const e of h.events ?? []) {
      const id = String(e.eventId);
      const at = e.eventTime?.seconds ? Number(e.eventTime.seconds) * 1000 + Math.round((e.eventTime.nanos ?? 0) / 1e6) : 0;
      const s = e.activityTaskScheduledEventAttributes;
      if (s) scheduled.set(id, { type: s.activityType?.name ?? '?', at });
      const c = e.activityTaskCompletedEventAttributes;
      if (c) {
        const sch = scheduled.get(String(c.scheduledEventId));
        if (!sch) continue;
        if (sch.type === 'monitorTick') {
          const data = c.result?.payloads?.[0]?.data;
          try {
            const r = JSON.parse(Buffer.from(data ?? []).toString('utf8')) as { durationMs?: number };
            if (typeof r.durationMs === 'number') tickMs.push(r.durationMs);
          } catch {
            /* not JSON */
          }
        } else if (sch.type === 'runCheckpoint') {
          const data = c.result?.payloads?.[0]?.data;
          let name = '?';
          try {
            name = (JSON.parse(Buffer.from(data ?? []).toString('utf8')) as { name?: string }).name ?? '?';
          } catch {
            /* not JSON */
          }
          checkpointMs.push({ name, ms: at - sch.at });
        }
      }
    }
  }
  return { tickMs, checkpointMs };
}

/** The chain's first run: the start's run id, else the earliest execution of the id. */
async function firstRunOf(client: Client, workflowId: string, known: string | undefined): Promise<string> {
  if (known) return known;
  let first: { runId: string; at: number } | null = null;
  for await (const x of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    const at = x.startTime.getTime();
    if (!first || at < first.at) first = { runId: x.runId, at };
  }
  if (!first) throw new Error(`no executions of ${workflowId}`);
  return first.runId;
}

export async function spawnWorker(address: string, taskQueue: string, root: string, bundleFile: string) {
  const child = spawn(process.execPath, tsProcessArgs(join(__dirname, '../test/helpers/worker-process.ts'), address, taskQueue, root, bundleFile, '500'), { stdio: ['ignore', 'pipe', 'inherit'] });
  const memory: { t: number; rss: number; heapUsed: number }[] = [];
  const rl = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    rl.on('line', (l) => {
      if (l === 'ready') return resolve();
      try {
        const m = JSON.parse(l);
        if (m.rss) memory.push({ t: m.t, rss: m.rss, heapUsed: m.heapUsed });
      } catch {
        /* not ours */
      }
    });
    child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    memory,
    stop: async () => {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(t);
    },
  };
}

export async function measureWave(o: WaveBenchOptions): Promise<WaveBenchResult> {
  const root = tempDir(o.label);
  const plan = benchPlan(root, o.hosts, (p) => {
    if (o.agents) {
      const test = Array.from({ length: o.agents.test }, (_, i) => p.agents.underTest[i] ?? { name: `test-expert-${i + 1}`, cluster: i % 2 ? 'quality-assurance' : 'infrastructure' });
      const control = Array.from({ length: o.agents.control }, (_, i) => p.agents.control[i] ?? { name: `control-expert-${i + 1}` });
      p.agents.underTest = test;
      p.agents.control = control;
    }
    // Mail off: no SMTP host in the worker's environment.
  });
  const f0 = performance.now();
  const fleet = await startFleetChild(plan, join(root, 'stack'), 'fleet', { ratePerSecond: o.ratePerSecond, subscribe: o.subscribe });
  const fleetStartMs = performance.now() - f0;
  const taskQueue = `bench-${o.label}-${Date.now()}`;
  const worker = await spawnWorker(o.address, taskQueue, root, o.bundleFile);
  const waveId = `bench-${o.label}-${Date.now()}`;
  const t0 = Date.now();
  let rollback: WaveBenchResult['rollback'] = null;
  try {
    const handle = await startWave(o.client, fleet.plan, { waveId, timeScale: o.timeScale, policy: 'auto', startAtMs: Date.now(), taskQueue, eventsPerRun: o.eventsPerRun });
    const query = () => handle.query<WaveStatus>('status');
    if (o.rollback) {
      for (;;) {
        const s = await query().catch(() => null);
        if (s && s.interim.ticks >= o.rollback.afterTicks) break;
        if (Date.now() - t0 > 600_000) throw new Error(`wave never reached ${o.rollback.afterTicks} ticks: ${s?.phase}`);
        await sleep(100);
      }
      const breachAt = Date.now();
      const agent = fleet.plan.agents.underTest[0].name;
      await fleet.call({ cmd: 'stopUnit', host: fleet.plan.hosts[0].name, agent });
      let s: WaveStatus | null = null;
      const deadline = Date.now() + 300_000;
      while (Date.now() < deadline) {
        s = await query().catch(() => null);
        if (s?.rollback.startedAt && (s.rollback.steps[0]?.finishedAt || s.rollback.finishedAt)) break;
        await sleep(50);
      }
      const startedAt = s?.rollback.startedAt ? Date.parse(s.rollback.startedAt) : null;
      const firstStepAt = s?.rollback.steps[0]?.finishedAt ? Date.parse(s.rollback.steps[0].finishedAt) : null;
      rollback = {
        breachAt,
        startedAt,
        firstStepAt,
        latencyMs: startedAt !== null ? startedAt - breachAt : null,
        firstStepMs: firstStepAt !== null ? firstStepAt - breachAt : null,
        trigger: s?.rollback.trigger ? `${s.rollback.trigger.kind}:${s.rollback.trigger.criterion ?? ''}` : null,
        tickIntervalMs: fleet.plan.monitor.interval / o.timeScale,
      };
    }
    const waveMs = fleet.plan.wave.duration / o.timeScale;
    await Promise.race([
      handle.result().catch(() => undefined),
      sleep(waveMs * 3 + 600_000).then(() => {
        throw new Error(`wave ${waveId} did not finish`);
      }),
    ]);
    const wallMs = Date.now() - t0;
    const status = await query();
    const firstRunId = await firstRunOf(o.client, waveId, (handle as unknown as { firstExecutionRunId?: string }).firstExecutionRunId);
    const { runs, histories } = await fetchChain(o.client, waveId, firstRunId);
    const { tickMs, checkpointMs } = activityDurations(histories);
    return {
      label: o.label,
      hosts: o.hosts,
      agentsPerHost: fleet.plan.agents.underTest.length + fleet.plan.agents.control.length,
      timeScale: o.timeScale,
      wallMs,
      fleetStartMs,
      verdict: status.verdict,
      phase: status.phase,
      statusRuns: status.runs,
      ticks: status.interim.ticks,
      skippedTicks: status.interim.skippedTicks,
      runs,
      totalEvents: runs.reduce((a, r) => a + r.events, 0),
      totalBytes: runs.reduce((a, r) => a + r.bytes, 0),
      tickMs,
      checkpointMs,
      memory: worker.memory.filter((m) => m.t >= t0),
      rollback,
    };
  } finally {
    await worker.stop();
    await fleet.stop();
  }
}

export function memorySummary(m: { t: number; rss: number; heapUsed: number }[]): { start: number; peak: number; end: number; heapPeak: number; heapEnd: number; slopeMiBPerMin: number } {
  if (!m.length) return { start: NaN, peak: NaN, end: NaN, heapPeak: NaN, heapEnd: NaN, slopeMiBPerMin: NaN };
  const n = m.length;
  // Least-squares slope of heapUsed over the second half (after warm-up), MiB per wall minute.
  const half = m.slice(Math.floor(n / 2));
  const t0 = half[0].t;
  const xs = half.map((x) => (x.t - t0) / 60_000);
  const ys = half.map((x) => x.heapUsed / MiB);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const den = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  const slope = den > 0 ? xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0) / den : NaN;
  return {
    start: m[0].rss / MiB,
    peak: Math.max(...m.map((x) => x.rss)) / MiB,
    end: m[n - 1].rss / MiB,
    heapPeak: Math.max(...m.map((x) => x.heapUsed)) / MiB,
    heapEnd: m[n - 1].heapUsed / MiB,
    slopeMiBPerMin: slope,
  };
}

export { median, quantile };

// The workflow alone: a real Temporal dev server and an in-process worker on the bundled workflow
// code with fake activities, so orchestration (messages, holds, continue-as-new, mail) is proven
// without a fleet. Every fake answers at once with a healthy result unless a test replaces it.
import { join } from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { createActivities } from '../../src/activities';
import type { Plan } from '../../src/plan/schema';
import type { TickResult } from '../../src/activities/types';
import type { Policy, WaveStatus } from '../../src/model/status';
import { client, localPlan, runWave, startTemporal, tempDir, workflowBundle } from './wave-env';
import type { TemporalDevServer } from '../../src/stack/temporal-server';

export type Activities = ReturnType<typeof createActivities>;

/**
 * A plan change for a wave that only needs to reach its verdict: a tick an hour (24 a wave, not 288),
 * so the worker does a twelfth of the round trips. Not for a test that counts ticks or needs several
 * between two of its events.
 */
export function hourlyTicks(p: Plan): void {
  p.monitor.interval = 3_600_000;
}

export function healthyTick(): TickResult {
  return { at: Date.now(), durationMs: 1, agentsTotal: 6, agentsActive: 6, hostsUnreachable: [], natsReachable: true, problems: [], problemsOmitted: 0, evaluations: [], rollback: [], note: null };
}

/** Fakes of every activity, answering at once; `calls` counts them by name. */
export function fakeActivities(over: Partial<Activities> = {}): { activities: Activities; calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const base: Activities = {
    storePlan: async () => ({ file: 'plan.json', digest: 'fake' }),
    collectBaseline: async () => ({ at: Date.now(), probes: 1 }),
    monitorTick: async () => healthyTick(),
    runCheckpoint: async (i) => ({ name: i.checkpoint, folder: i.folder, artifactsDir: `/fake/${i.folder}`, ranAtMs: Date.now(), verdict: 'PASS', verdictReason: 'fake', criteria: [], rollback: [], problems: [] }),
    notifyCheckpoint: async () => 'sent',
    recordAlerts: async (i) => i.entries.length,
    notifyIncident: async () => ['sent'],
    notifyHold: async () => 'sent',
    judgeWave: async () => ({ decision: 'GO', reasons: [], held: [], criteria: [] }),
    runRollbackStep: async (i) => ({ name: `step-${i.stepIndex}`, ok: true, targets: [] }),
    finishWave: async () => ({ files: [], reportPath: '/fake/REPORT.md', problems: [] }),
    notifyFinal: async () => 'sent',
    // The continuous watch is proven apart (test/collect-watch, test/activities); here it returns at once.
    watchWave: async () => ({ note: null }),
  } as Activities;
  const all = { ...base, ...over } as Record<string, (...a: unknown[]) => Promise<unknown>>;
  const counted = Object.fromEntries(
    Object.entries(all).map(([name, fn]) => [
      name,
      (...args: unknown[]) => {
        calls[name] = (calls[name] ?? 0) + 1;
        return fn(...args);
      },
    ]),
  ) as unknown as Activities;
  return { activities: counted, calls };
}

export interface Harness {
  c: Client;
  root: string;
  plan(change?: (p: Plan) => void): Plan;
  /** Runs `body` with a worker on its own task queue serving `activities`, and a wave started on it. */
  withWave<T>(
    o: { id: string; activities: Activities; plan?: Plan; timeScale?: number; policy?: Policy; eventsPerRun?: number },
    body: (h: { id: string; result: () => Promise<WaveStatus> }) => Promise<T>,
  ): Promise<T>;
  close(): Promise<void>;
}

export async function startHarness(name: string): Promise<Harness> {
  const temporal: TemporalDevServer = await startTemporal();
  const c = await client(temporal.address);
  const root = tempDir(name);
  const bundle = await workflowBundle();
  const connection = await NativeConnection.connect({ address: temporal.address });
  return {
    c,
    root,
    plan: (change) => localPlan(root, change),
    async withWave(o, body) {
      const taskQueue = `${name}-${o.id}`;
      // A failed test must not hang in shutdown on a fake that never answers (the mail server "down").
      const worker = await Worker.create({ connection, taskQueue, workflowBundle: bundle, activities: o.activities, shutdownGraceTime: '1s', shutdownForceTime: '5s' });
      return worker.runUntil(async () => {
        // each wave its own output (a second wave of one output is refused while the first runs)
        const own = localPlan(join(root, o.id));
        const plan = { ...(o.plan ?? own), output: own.output };
        await runWave(c, plan, { waveId: o.id, timeScale: o.timeScale ?? 2880, policy: o.policy, taskQueue, eventsPerRun: o.eventsPerRun });
        try {
          return await body({ id: o.id, result: () => c.workflow.getHandle(o.id).result() as Promise<WaveStatus> });
        } finally {
          // a wave the test left running (it failed, or did not need the end) is not left behind
          await c.workflow.getHandle(o.id).terminate('test over').catch(() => undefined);
        }
      });
    },
    async close() {
      await c.connection.close();
      await connection.close();
      await temporal.stop();
    },
  };
}

// Durability: the worker SIGKILLed while the wave sleeps on a timer and replaced, then the Temporal
// dev server killed and restarted on the same database file. The wave ends as an undisturbed one
// would: every checkpoint ran exactly once, every tick was collected once, the files are whole.
// (Kills in the middle of an activity — a checkpoint's sampling, a rollback step — are in kills.e2e.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { TemporalDevServer } from '../../src/stack/temporal-server';
import type { WaveStatus } from '../../src/model/status';
import { client, localPlan, runWave, scheduledActivities, spawnWorker, startFleet, startTemporal, tempDir, waitForStatus } from '../helpers/wave-env';

jest.setTimeout(300_000);

test('a wave survives a worker SIGKILLed while it sleeps on a timer and a restarted Temporal server, losing nothing and doing nothing twice', async () => {
  const root = tempDir('durability');
  const dbFile = join(root, 'temporal.db');
  let temporal: TemporalDevServer = await startTemporal({ dbFile });
  const port = temporal.port;
  // A tick every plan hour (2.5 s at ×1440) against ~1 s of collection: the wave mostly waits on timers.
  const fleet = await startFleet(localPlan(root, (p) => void (p.monitor.interval = 3_600_000)), root);
  const TQ = 'durability';
  let worker = await spawnWorker(temporal.address, root, TQ);
  let c: Client = await client(temporal.address);
  try {
    await runWave(c, fleet.plan, { waveId: 'durable-1', timeScale: 1440, taskQueue: TQ });
    await waitForStatus(c, 'durable-1', (s) => s.checkpoints[0].ranAt !== null && s.interim.ticks >= 2);
    // No activity pending but the continuous watch (it runs for the whole run) and the workflow
    // running: it waits on its timer.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const d = await c.workflow.getHandle('durable-1').describe();
      const pending = (d.raw.pendingActivities ?? []).filter((a) => a.activityType?.name !== 'watchWave');
      if (pending.length === 0 && d.status.name === 'RUNNING') break;
      if (Date.now() > deadline) throw new Error('the wave never waited on a timer');
      await new Promise((r) => setTimeout(r, 50));
    }
    await worker.kill();
    await new Promise((r) => setTimeout(r, 3000));
    worker = await spawnWorker(temporal.address, root, TQ);
    await waitForStatus(c, 'durable-1', (s) => s.checkpoints[1].ranAt !== null, 120_000);

    // The server crashes and comes back on the same database file.
    await temporal.kill();
    await new Promise((r) => setTimeout(r, 2000));
    temporal = await startTemporal({ dbFile, port });
    await c.connection.close();
    c = await client(temporal.address);
    const s = (await c.workflow.getHandle('durable-1').result()) as WaveStatus;

    const why = JSON.stringify({ checkpoints: s.checkpoints.map((x) => [x.name, x.verdict, x.note]), alerts: s.alerts.map((a) => `${a.id}:${a.state}`), rollback: s.rollback.trigger });
    expect([s.phase, s.verdict, why]).toEqual(['completed', 'GO', why]);
    expect(s.checkpoints.every((cp) => cp.ranAt !== null && cp.verdict !== null && !cp.note)).toBe(true);
    // Each checkpoint collected once: one runCheckpoint scheduled per checkpoint in the history
    // (a retried activity is another attempt of the same scheduled one).
    const scheduled = await scheduledActivities(c, 'durable-1');
    expect(scheduled.runCheckpoint).toBe(4);
    // Every tick collected once: the ticks counted are the monitorTick activities scheduled; the
    // ticks due while no worker or no server was there are skipped and counted, never queued.
    expect(scheduled.monitorTick).toBe(s.interim.ticks);
    expect(s.interim.ticks + s.interim.skippedTicks).toBeGreaterThanOrEqual(20);
    for (const cp of s.checkpoints) {
      const summary = JSON.parse(readFileSync(join(cp.artifactsDir!, 'summary.json'), 'utf8'));
      expect(summary.checkpoint).toBe(cp.name);
      JSON.parse(readFileSync(join(cp.artifactsDir!, 'agent_status.json'), 'utf8'));
    }
  } finally {
    await c.connection.close().catch(() => undefined);
    await worker.stop().catch(() => undefined);
    await fleet.stop();
    await temporal.stop();
  }
});

// Durability: the worker SIGKILLed during a monitor tick and replaced, and the Temporal dev server killed and
// restarted on the same database file. The wave ends as an undisturbed one would, every checkpoint
// ran exactly once and its files are whole.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { TemporalDevServer } from '../../src/stack/temporal-server';
import type { WaveStatus } from '../../src/model/status';
import { client, localPlan, runWave, scheduledActivities, spawnWorker, startFleet, startTemporal, tempDir, waitForPendingActivity, waitForStatus } from '../helpers/wave-env';

jest.setTimeout(300_000);

test('a wave survives a SIGKILLed worker and a restarted Temporal server, losing nothing and doing nothing twice', async () => {
  const root = tempDir('durability');
  const dbFile = join(root, 'temporal.db');
  let temporal: TemporalDevServer = await startTemporal({ dbFile });
  const port = temporal.port;
  const fleet = await startFleet(localPlan(root), root);
  const TQ = 'durability';
  let worker = await spawnWorker(temporal.address, root, TQ);
  let c: Client = await client(temporal.address);
  try {
    // ×720 (24 h in 2 min): the dead worker's heartbeat timeout (20 s) and the server's restart cost
    // real seconds; at ×1440 they took 8+ plan hours of a 60 s wave, and a fresh-clone run was left
    // with 4 ticks in all (ticks due meanwhile are skipped, by design).
    await runWave(c, fleet.plan, { waveId: 'durable-1', timeScale: 720, taskQueue: TQ });
    // Killed in the middle of a monitor tick's host collection.
    await waitForStatus(c, 'durable-1', (s) => s.checkpoints[0].ranAt !== null);
    await waitForPendingActivity(c, 'durable-1', 'monitorTick', /.*/);
    await worker.kill();
    await new Promise((r) => setTimeout(r, 3000));
    worker = await spawnWorker(temporal.address, root, TQ);
    await waitForStatus(c, 'durable-1', (s) => s.checkpoints[1].ranAt !== null, 180_000);

    // The server crashes and comes back on the same database file.
    await temporal.kill();
    await new Promise((r) => setTimeout(r, 2000));
    temporal = await startTemporal({ dbFile, port });
    await c.connection.close();
    c = await client(temporal.address);
    const end = (await c.workflow.getHandle('durable-1').result()) as WaveStatus;

    expect(end.phase).toBe('completed');
    expect(end.checkpoints.every((cp) => cp.ranAt !== null && cp.verdict !== null && !cp.note)).toBe(true);
    // Each checkpoint collected once: one runCheckpoint completed per checkpoint in the history.
    expect((await scheduledActivities(c, 'durable-1')).runCheckpoint).toBe(4);
    for (const cp of end.checkpoints) {
      const summary = JSON.parse(readFileSync(join(cp.artifactsDir!, 'summary.json'), 'utf8'));
      expect(summary.checkpoint).toBe(cp.name);
      JSON.parse(readFileSync(join(cp.artifactsDir!, 'agent_status.json'), 'utf8'));
    }
    // monitoring went on; on failure the interim (ticks, skipped, last note) says why
    const interim = JSON.stringify({ ...end.interim, firing: undefined });
    expect([end.interim.ticks > 5, interim]).toEqual([true, interim]);
  } finally {
    await c.connection.close().catch(() => undefined);
    await worker.stop().catch(() => undefined);
    await fleet.stop();
    await temporal.stop();
  }
});

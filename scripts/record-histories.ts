// Records the histories the replay test guards (test/fixtures/histories/): a whole healthy wave,
// an aborted one and one rolled back by an operator, compressed, on a local stack.
// Run on purpose when the workflow changes before the first release: npx tsx scripts/record-histories.ts
import { writeFileSync } from 'node:fs';
import { temporal as proto } from '@temporalio/proto';
import { join } from 'node:path';
import { client, localPlan, runWave, startFleet, startTemporal, startWorker, tempDir, waitForStatus } from '../test/helpers/wave-env';

const OUT = join(__dirname, '../test/fixtures/histories');

(async () => {
  const root = tempDir('record');
  const temporal = await startTemporal();
  const worker = await startWorker(temporal.address, root, 'record');
  const c = await client(temporal.address);
  const fleets: { stop(): Promise<void> }[] = [];
  try {
    const runs: [string, (id: string) => Promise<void>][] = [
      ['healthy-wave', async () => undefined],
      ['aborted-wave', async (id) => {
        await waitForStatus(c, id, (s) => s.interim.ticks > 1);
        await c.workflow.getHandle(id).signal('abort', { reason: 'recorded abort', by: 'recorder' });
      }],
      ['operator-rollback', async (id) => {
        await waitForStatus(c, id, (s) => s.checkpoints[0].ranAt !== null);
        await c.workflow.getHandle(id).executeUpdate('rollback', { args: [{ reason: 'recorded rollback', by: 'recorder' }] });
      }],
    ];
    await Promise.all(
      runs.map(async ([name, act]) => {
        const dir = join(root, name);
        const fleet = await startFleet(localPlan(dir), dir);
        fleets.push(fleet);
        const handle = await runWave(c, fleet.plan, { waveId: name, timeScale: 2880, taskQueue: 'record' });
        await act(name);
        await handle.result();
        // Protobuf binary, decoded by the same @temporalio/proto the SDK uses. (The JSON route through
        // historyFromJSON fails here: two copies of protobufjs 8 are installed side by side.)
        const history = await handle.fetchHistory();
        writeFileSync(join(OUT, `${name}.binpb`), proto.api.history.v1.History.encode(history).finish());
        console.log(`${name}: ${history.events?.length} events`);
      }),
    );
  } finally {
    await c.connection.close();
    await worker.stop();
    for (const f of fleets) await f.stop();
    await temporal.stop();
  }
})().catch((err) => {
  console.error(err);
  process.exit(1);
});

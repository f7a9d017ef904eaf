// Soak (not in CI): the worker SIGKILLed at a random point of a compressed wave, again and again,
// then replaced; each wave must end GO with every checkpoint's files whole. Prints a tally.
//   npx tsx scripts/soak.ts [rounds=10] [timeScale=1440]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WaveStatus } from '../src/model/status';
import { checkpointFiles } from '../src/artifacts/layout';
import { client, localPlan, runWave, spawnWorker, startFleet, startTemporal, tempDir } from '../test/helpers/wave-env';

const rounds = Number(process.argv[2] ?? 10);
const scale = Number(process.argv[3] ?? 1440);

(async () => {
  const root = tempDir('soak');
  const temporal = await startTemporal({ dbFile: join(root, 'temporal.db') });
  const c = await client(temporal.address);
  const tally: Record<string, number> = {};
  try {
    for (let i = 1; i <= rounds; i++) {
      const dir = join(root, `round-${i}`);
      const fleet = await startFleet(localPlan(dir), dir);
      let worker = await spawnWorker(temporal.address, dir, `soak-${i}`);
      const handle = await runWave(c, fleet.plan, { waveId: `soak-${i}`, timeScale: scale, taskQueue: `soak-${i}` });
      const waveMs = 86_400_000 / scale;
      const killAt = Math.round(Math.random() * waveMs * 0.9);
      await new Promise((r) => setTimeout(r, killAt));
      await worker.kill();
      await new Promise((r) => setTimeout(r, 2000));
      worker = await spawnWorker(temporal.address, dir, `soak-${i}`);
      const s = (await handle.result()) as WaveStatus;
      const missing = fleet.plan.checkpoints.flatMap((cp) =>
        checkpointFiles(cp.actions)
          .filter((f) => !existsSync(join(fleet.plan.output.dir, cp.name, f)))
          .map((f) => `${cp.name}/${f}`),
      );
      for (const cp of fleet.plan.checkpoints) JSON.parse(readFileSync(join(fleet.plan.output.dir, cp.name, 'summary.json'), 'utf8'));
      const outcome = `${s.verdict}${missing.length ? ` missing ${missing.join(',')}` : ''}${s.rollback.executed ? ` rolled back (${s.rollback.trigger?.criterion})` : ''}`;
      tally[outcome] = (tally[outcome] ?? 0) + 1;
      console.log(`round ${i}: killed at ${(killAt / 1000).toFixed(1)} s of ${(waveMs / 1000).toFixed(0)} s → ${outcome}`);
      await worker.stop();
      await fleet.stop();
    }
  } finally {
    await c.connection.close();
    await temporal.stop();
  }
  console.log('\ntally:');
  for (const [k, n] of Object.entries(tally)) console.log(`  ${String(n).padStart(3)}  ${k}`);
})().catch((err) => {
  console.error(err);
  process.exit(1);
});

// A wavewatch worker in its own process, so a test can SIGKILL it mid-wave (test/helpers/wave-env.ts)
// and a benchmark can watch its memory (bench/wave-bench.ts). Writes "ready" on stdout once polling;
// with PERIOD_MS, then also a JSON line {t, rss, heapUsed, heapTotal, external, arrayBuffers} every
// PERIOD_MS ms.
// Usage: tsx worker-process.ts ADDRESS TASK_QUEUE ARTIFACT_ROOT BUNDLE_FILE [PERIOD_MS]
import { readFileSync } from 'node:fs';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createWaveWorker } from '../../src/worker/worker';
import { LocalArtifactStore } from '../../src/artifacts/store';

const [address, taskQueue, root, bundleFile, period] = process.argv.slice(2);
Runtime.install({ logger: new DefaultLogger('WARN') });
(async () => {
  const w = await createWaveWorker({
    temporal: { address, namespace: 'default' },
    taskQueue,
    store: new LocalArtifactStore(root),
    workflowBundle: { code: readFileSync(bundleFile, 'utf8') },
  });
  const running = w.worker.run();
  process.stdout.write('ready\n');
  const timer = period ? setInterval(() => process.stdout.write(JSON.stringify({ t: Date.now(), ...process.memoryUsage() }) + '\n'), Number(period)) : undefined;
  process.once('SIGTERM', () => w.worker.shutdown());
  await running;
  clearInterval(timer);
  await w.close();
})().catch((err) => {
  console.error(err);
  process.exit(1);
});

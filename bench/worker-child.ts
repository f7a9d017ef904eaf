// A wavewatch worker in its own process that reports its memory: a JSON line
// {t, rss, heapUsed, heapTotal, external, arrayBuffers} every PERIOD ms on stdout, after "ready".
// Usage: tsx worker-child.ts ADDRESS TASK_QUEUE ARTIFACT_ROOT BUNDLE_FILE [PERIOD_MS]
import { readFileSync } from 'node:fs';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createWaveWorker } from '../src/worker/worker';
import { LocalArtifactStore } from '../src/artifacts/store';

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
  process.stdout.write(JSON.stringify({ ready: true }) + '\n');
  const timer = setInterval(() => process.stdout.write(JSON.stringify({ t: Date.now(), ...process.memoryUsage() }) + '\n'), Number(period ?? 500));
  process.once('SIGTERM', () => w.worker.shutdown());
  await running;
  clearInterval(timer);
  await w.close();
})().catch((err) => {
  console.error(err);
  process.exit(1);
});

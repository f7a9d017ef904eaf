// A worker in its own process, so a test can SIGKILL it mid-wave.
// Usage: tsx worker-process.ts ADDRESS TASK_QUEUE ARTIFACT_ROOT BUNDLE_FILE
import { readFileSync } from 'node:fs';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createWaveWorker } from '../../src/worker/worker';
import { LocalArtifactStore } from '../../src/artifacts/store';

const [address, taskQueue, root, bundleFile] = process.argv.slice(2);
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
  process.once('SIGTERM', () => w.worker.shutdown());
  await running;
  await w.close();
})().catch((err) => {
  console.error(err);
  process.exit(1);
});

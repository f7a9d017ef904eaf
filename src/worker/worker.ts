// The long-running worker: the wave workflow and its activities on one task queue. Several workers
// on several machines may share the queue (then the artifact store must be shared too).
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { SshPools } from '../activities/ssh-pools';
import { LocalArtifactStore, type ArtifactStore } from '../artifacts/store';
import { TASK_QUEUE, type TemporalSettings } from '../client/connection';

export interface WorkerOptions {
  temporal: TemporalSettings;
  taskQueue?: string;
  store?: ArtifactStore;
  /** Pre-bundled workflow code (tests bundle once per file); default: bundle src/workflows. */
  workflowBundle?: { code: string };
}

export async function createWaveWorker(opts: WorkerOptions): Promise<{ worker: Worker; close(): Promise<void> }> {
  const connection = await NativeConnection.connect({
    address: opts.temporal.address,
    tls: opts.temporal.tls,
    apiKey: opts.temporal.apiKey,
  });
  const pools = new SshPools();
  const worker = await Worker.create({
    connection,
    namespace: opts.temporal.namespace,
    taskQueue: opts.taskQueue ?? TASK_QUEUE,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    activities: createActivities({ store: opts.store ?? new LocalArtifactStore(), pools }),
  });
  return {
    worker,
    async close() {
      await pools.closeAll();
      await connection.close();
    },
  };
}

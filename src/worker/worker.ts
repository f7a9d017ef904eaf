// The long-running worker: the wave workflow and its activities on one task queue. Several workers
// on several machines may share the queue (then the artifact store must be shared too).
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { SshPools } from '../activities/ssh-pools';
import { LocalArtifactStore, type ArtifactStore } from '../artifacts/store';
import { TASK_QUEUE, type TemporalSettings } from '../client/connection';
import { smtpSettingsFromEnv } from '../notify/settings';
import { createMailTransport, type MailTransport } from '../notify/transport';

export interface WorkerOptions {
  temporal: TemporalSettings;
  taskQueue?: string;
  store?: ArtifactStore;
  /** Pre-bundled workflow code (tests bundle once per file); default: bundle src/workflows. */
  workflowBundle?: { code: string };
  /** Where SMTP settings are read from (default: this process's environment). */
  env?: NodeJS.ProcessEnv;
}

export async function createWaveWorker(opts: WorkerOptions): Promise<{ worker: Worker; close(): Promise<void> }> {
  const connection = await NativeConnection.connect({
    address: opts.temporal.address,
    tls: opts.temporal.tls,
    apiKey: opts.temporal.apiKey,
  });
  const pools = new SshPools();
  // SMTP settings come from the worker's environment only (never the plan or workflow history).
  const smtp = smtpSettingsFromEnv(opts.env ?? process.env);
  const mail: MailTransport | null = smtp ? createMailTransport(smtp) : null;
  const worker = await Worker.create({
    connection,
    namespace: opts.temporal.namespace,
    taskQueue: opts.taskQueue ?? TASK_QUEUE,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    activities: createActivities({ store: opts.store ?? new LocalArtifactStore(), pools, mail }),
    // An activity learns it was cancelled from a heartbeat's answer, and heartbeats are throttled (by
    // default to 80 % of the heartbeat timeout): the continuous watch of a run that ended (the wave's
    // end, continue-as-new) would go on watching for up to 8 s beside its successor. 2 s at most.
    maxHeartbeatThrottleInterval: '2s',
  });
  return {
    worker,
    async close() {
      await pools.closeAll();
      mail?.close();
      await connection.close();
    },
  };
}

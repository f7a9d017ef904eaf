// The demo's wave on the Temporal server: watching its progress until the verdict and its result,
// and ending the waves a demo leaves behind — its own when it stops early, and those of an earlier
// demo that was interrupted (their fleet is gone; this run's worker would otherwise pick them up).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { firstLine, waveStatus, WaveCommandError } from '../../client/waves';
import type { WaveStatus } from '../../model/status';
import type { Io } from './io';
import type { Interrupts } from './lifecycle';
import { DemoProgress } from './progress';
import { checkWorkerAlive } from './stack';

/**
 * Polls the wave's status and prints its progress until its phase is final; null when interrupted.
 * Throws when the worker exits, the wave ended without a status, or the status query stays unanswered.
 */
export async function watchUntilVerdict(client: Client, waveId: string, timeScale: number, worker: { child: ChildProcess; log: string }, io: Io, interrupts: Interrupts): Promise<WaveStatus | null> {
  const progress = new DemoProgress(timeScale);
  let status: WaveStatus | null = null;
  let failures = 0;
  while (!interrupts.interrupted) {
    checkWorkerAlive(worker.child, worker.log);
    try {
      status = await waveStatus(client, waveId);
      failures = 0;
    } catch (err) {
      // A wave that failed or was terminated has no status: that is the end of the demo.
      if (err instanceof WaveCommandError && /ended as|unknown wave/.test(err.message)) throw err;
      if (++failures >= 60) throw err; // a status query unanswered for ~30 s
      await sleep(500);
      continue;
    }
    const now = Date.now();
    for (const line of progress.changes(status, now)) io.say(line);
    if (status.phase === 'completed' || status.phase === 'aborted') break;
    if (io.liveCapable) io.live(progress.bar(status, now));
    else {
      const line = progress.periodic(status, now);
      if (line) io.say(line);
    }
    await sleep(io.liveCapable ? 250 : 500);
  }
  return interrupts.interrupted ? null : status;
}

/** The wave's final status, its workflow's result; null when interrupted first. */
export async function waveResult(client: Client, waveId: string, stopped: () => boolean): Promise<WaveStatus | null> {
  const result = client.workflow.getHandle(waveId).result() as Promise<WaveStatus>;
  result.catch(() => undefined); // observed below, or abandoned when interrupted
  for (;;) {
    const r = await Promise.race([result, sleep(250).then(() => null)]);
    if (r) return r;
    if (stopped()) return null;
  }
}

/** Terminates the demo's wave (the Temporal server keeps the history). Best effort, a few seconds; true when it no longer runs. */
export async function endWave(client: Client, waveId: string, reason: string, io: Io): Promise<boolean> {
  const within = <T>(p: Promise<T>) => Promise.race([p, sleep(3000).then(() => Promise.reject(new Error('no answer within 3 s')))]);
  try {
    const h = client.workflow.getHandle(waveId);
    const d = await within(h.describe());
    if (d.status.name === 'RUNNING') {
      await within(h.terminate(reason));
      io.say(`wave ${waveId} terminated (${reason})`);
    }
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return true; // another server or database: nothing to end here
    io.say(`wave ${waveId} could not be terminated now (${firstLine(err)}); the next demo run ends it`);
    return false;
  }
}

/** A wave left running by an interrupted demo (running.json) is terminated before a new one starts. */
export async function endLeftover(client: Client, file: string, io: Io): Promise<void> {
  if (!existsSync(file)) return;
  try {
    const { waveId } = JSON.parse(readFileSync(file, 'utf8')) as { waveId: string };
    if (!(await endWave(client, waveId, 'left running by an interrupted demo', io))) return;
  } catch {
    /* unreadable: nothing to end */
  }
  rmSync(file, { force: true });
}

/** In the demo's own database every running wave is an earlier demo's: each is terminated. */
export async function endOrphans(client: Client, io: Io): Promise<void> {
  try {
    for await (const w of client.workflow.list({ query: `ExecutionStatus = 'Running' AND WorkflowType = 'waveWorkflow'` }))
      await endWave(client, w.workflowId, 'left running by an earlier demo (its fleet is gone)', io);
  } catch (err) {
    io.say(`could not look for waves left running by earlier demos: ${firstLine(err)}`);
  }
}

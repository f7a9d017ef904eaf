// Checkpoints: the planned ones, an operator's collectNow, and the whole wave's judgement after the last.
import type { CheckpointInput } from '../activities/types';
import type { OperatorRequest } from './messages';
import { checkpointMail } from './mail';
import { failureText, now, type WaveRun } from './run';

type Place = Pick<CheckpointInput, 'checkpoint' | 'folder' | 'criteriaOf' | 'dueAtMs' | 'next'>;

/** `seq` is taken before the first await: collections are numbered in the order they are asked for. The waivers come with the collection input (run.ts). */
async function checkpointInput(run: WaveRun, place: Place): Promise<CheckpointInput> {
  const { w } = run;
  const seq = w.nextSeq();
  return { ...(await run.collectInput(seq)), ...place, status: { alerts: w.status.alerts, operatorActions: w.status.operatorActions } };
}

export async function runCheckpoint(run: WaveRun, index: number): Promise<void> {
  const { w } = run;
  const plan = w.plan;
  const cp = plan.checkpoints[index];
  const next = index + 1 < plan.checkpoints.length ? { name: plan.checkpoints[index + 1].name, dueAt: new Date(w.dueAtMs(index + 1)).toISOString() } : null;
  try {
    const result = await run.acts.checkpoint.runCheckpoint(await checkpointInput(run, { checkpoint: cp.name, folder: cp.name, criteriaOf: cp.name, dueAtMs: w.dueAtMs(index), next }));
    w.checkpointDone(now(), index, result);
    run.mailer.send(checkpointMail(cp.name, w.status.nextCheckpoint));
  } catch (err) {
    w.checkpointFailed(now(), index, failureText(err));
  }
}

/** An operator's collection now, judged by the criteria of the next checkpoint due (the last once all ran). */
export async function collectNow(run: WaveRun, req: OperatorRequest) {
  const { w } = run;
  const folder = w.manualCollection(now(), req);
  const next = w.nextCheckpointIndex();
  const criteriaOf = w.plan.checkpoints[next ?? w.plan.checkpoints.length - 1].name;
  const result = await run.acts.checkpoint.runCheckpoint(await checkpointInput(run, { checkpoint: folder, folder, criteriaOf, dueAtMs: now(), next: w.status.nextCheckpoint }));
  return { name: folder, verdict: result.verdict, artifactsDir: result.artifactsDir };
}

/** GO / NO-GO from the whole wave's data; false when a request that came meanwhile goes first. */
export async function judgeWave(run: WaveRun): Promise<boolean> {
  const { w } = run;
  const j = await run.acts.checkpoint.judgeWave({
    ...(await run.ref()),
    seq: w.seq,
    endMs: w.dueAtMs(w.plan.checkpoints.length - 1),
    waivers: w.status.waivers,
    checkpoints: w.status.checkpoints.filter((c) => c.ranAt).map((c) => ({ checkpoint: c.name, criteria: c.criteria })),
    rolledBack: w.status.rollback.executed,
    rollbackFired: w.rollback.fired,
  });
  return w.waveJudged(now(), j);
}

// One run of a wave's workflow: its state, its activities, the plan stored for them, its mail and
// its Web UI view — what the main loop's pieces (tick.ts, checkpoint.ts, rollback.ts…) work with.
import type { AlertsInput, CollectInput, WaveRef } from '../activities/types';
import { waveActivities, type WaveActivities } from './activity-options';
import { Mailer, holdMail } from './mail';
import type { MailJob } from './wave-input';
import type { WaveState } from './wave-state';
import { watchOf, type Watch } from './watch';
import { showWave } from './web-ui';

export interface WaveRun {
  w: WaveState;
  acts: WaveActivities;
  /** Storing the plan; it also validates it (InvalidPlan fails the wave). */
  planStored: Promise<unknown>;
  /** What every activity is given: the plan by reference, stored once per run, first thing. */
  ref(): Promise<WaveRef>;
  collectInput(seq: number): Promise<CollectInput>;
  mailer: Mailer;
  /** The continuous watch of this run: started once monitoring begins, stopped when the run ends. */
  watch: Watch;
  /** The Web UI's view and search attributes brought up to date; a new hold is escalated by email. */
  show(): void;
}

/** The workflow clock (deterministic in the sandbox). */
export const now = () => Date.now();

/** What went wrong in an activity: its own message, not the wrapper's "Activity task failed". */
export function failureText(err: unknown): string {
  const e = err as { message?: string; cause?: { message?: string } };
  return e?.cause?.message ?? e?.message ?? String(err);
}

export function startRun(w: WaveState): WaveRun {
  const { input, plan } = w;
  const acts = waveActivities(plan, (ms) => w.scaled(ms));
  const planStored = acts.finish.storePlan({ plan, waveId: input.waveId, ...(input.besideWave ? { besideWave: input.besideWave } : {}) });
  const ref = async (): Promise<WaveRef> => ({ planRef: await planStored, waveId: input.waveId, startAtMs: input.startAtMs, timeScale: input.timeScale });
  const deliver = async (job: MailJob): Promise<unknown> => {
    const r = await ref();
    switch (job.kind) {
      case 'checkpoint':
        return acts.mail.notifyCheckpoint({ ...r, ...(job.args as { checkpoint: string; next: { name: string; dueAt: string } | null }) });
      case 'incident':
        return acts.mail.notifyIncident({ ...r, ...(job.args as Pick<AlertsInput, 'entries' | 'notifications' | 'status'>) });
      case 'hold':
        return acts.mail.notifyHold({ ...r, ...(job.args as { hold: NonNullable<typeof w.status.hold> }) });
      case 'final':
        return acts.mail.notifyFinal(r);
    }
  };
  const mailer = new Mailer(deliver, (job, err) => w.problem(now(), `${job.what} not sent: ${failureText(err)}`));
  for (const job of w.carriedMail) mailer.send(job);
  return {
    w,
    acts,
    planStored,
    ref,
    // `seq` is taken by the caller before the first await: collections are numbered in the order asked for.
    collectInput: async (seq) => ({ ...(await ref()), seq, sinceMs: input.startAtMs, endMs: w.dueAtMs(plan.checkpoints.length - 1), policy: w.status.policy, waivers: w.status.waivers }),
    mailer,
    watch: watchOf(w, acts, ref, failureText),
    show() {
      const hold = w.rollback.holdToEscalate();
      if (hold) mailer.send(holdMail(hold));
      showWave(w);
    },
  };
}

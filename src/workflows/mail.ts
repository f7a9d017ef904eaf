// Notifications are delivered at least once and never hold the wave: each is a job with a key, sent
// beside the wave's progress; a job still undelivered when the run continues as new is carried and
// sent again by the next run (WaveState.carriedMail).
import type { AlertsInput } from '../activities/types';
import type { StepResult } from '../judge/alerts';
import type { MailJob } from './wave-input';
import type { HoldStatus, WaveStatus } from '../model/status';

export class Mailer {
  private readonly sending = new Map<string, { job: MailJob; done: Promise<void> }>();

  /** `deliver` sends one job (an activity); `failed` records a job given up after its retries. */
  constructor(
    private readonly deliver: (job: MailJob) => Promise<unknown>,
    private readonly failed: (job: MailJob, err: unknown) => void,
  ) {}

  /** Starts a job unless one of the same key is on its way. */
  send(job: MailJob): void {
    if (this.sending.has(job.key)) return;
    const done = this.deliver(job)
      .catch((err: unknown) => this.failed(job, err))
      .then(() => void this.sending.delete(job.key));
    this.sending.set(job.key, { job, done });
  }

  /** The jobs still on their way (carried to the next run at continue-as-new). */
  pending(): MailJob[] {
    return [...this.sending.values()].map((m) => m.job);
  }

  /** Every job sent or given up. */
  async settled(): Promise<void> {
    await Promise.all([...this.sending.values()].map((m) => m.done));
  }
}

export const checkpointMail = (checkpoint: string, next: WaveStatus['nextCheckpoint']): MailJob => ({
  key: `checkpoint:${checkpoint}`,
  what: `${checkpoint} checkpoint email`,
  kind: 'checkpoint',
  args: { checkpoint, next },
});

/** The pages of an alert step, or null when it has none. */
export function incidentMail(step: Pick<StepResult, 'entries' | 'notifications'>, alerts: WaveStatus['alerts']): MailJob | null {
  if (!step.notifications.length) return null;
  const args: Pick<AlertsInput, 'entries' | 'notifications' | 'status'> = { entries: step.entries, notifications: step.notifications, status: { alerts } };
  return { key: `incident:${step.notifications[0].key}`, what: 'incident email', kind: 'incident', args: args as unknown as Record<string, unknown> };
}

/** A hold escalated to a human: once per hold and deadline. */
export const holdMail = (hold: HoldStatus): MailJob => ({ key: `hold:${hold.since}:${hold.deadline}`, what: 'hold escalation email', kind: 'hold', args: { hold } });

export const finalMail = (): MailJob => ({ key: 'final', what: 'final email', kind: 'final', args: {} });

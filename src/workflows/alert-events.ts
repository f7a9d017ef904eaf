// Alert events go to the alert log, in order, with those a failed write left waiting; their pages go
// out beside the wave. A log that cannot be written is recorded and the wave goes on: the entries
// wait for the next write, and a critical alert says so (judge/alert-log-rule.ts).
import type { StepResult } from '../judge/alerts';
import { incidentMail } from './mail';
import { failureText, now, type WaveRun } from './run';

type AlertStep = Pick<StepResult, 'entries' | 'notifications'>;

export async function alertEvents(run: WaveRun, step: AlertStep): Promise<void> {
  const { w } = run;
  page(run, step);
  const entries = w.alerts.logBacklog(step.entries);
  if (!entries.length) return;
  try {
    await run.acts.alertLog.recordAlerts({ ...(await run.ref()), entries, notifications: [], status: { alerts: w.status.alerts } });
    w.alerts.logWritten();
  } catch (err) {
    const own = w.alerts.logFailed(now(), step.entries, `alert log ${w.plan.output.alertLog} cannot be written: ${failureText(err)}`);
    if (own) page(run, own);
  }
}

function page(run: WaveRun, step: AlertStep): void {
  const job = incidentMail(step, run.w.status.alerts);
  if (job) run.mailer.send(job);
}

// wavewatch's own alert rule about its alert log: while the log cannot be written, a critical alert
// says so (the wave goes on deciding; the entries wait for the next write). Pure and free of
// statistics: the workflow evaluates it on every tick and at the first failed write.
import type { AlertEvaluation } from './alerts';

export const ALERT_LOG_RULE = 'wavewatch-alert-log';

export interface AlertLogCondition {
  /** Why the log cannot be written, while it cannot; null once a write succeeded. */
  problem: string | null;
  /** Entries waiting for the next write. */
  pending: number;
  /** The wave's alerts: an open alert of this rule is cleared once the log is written again. */
  alerts: readonly { rule: string; state: string }[];
}

/** Firing while the log fails, clear once written again, nothing when neither is the case. */
export function alertLogEvaluation(c: AlertLogCondition): AlertEvaluation[] {
  const open = c.alerts.some((a) => a.rule === ALERT_LOG_RULE && a.state !== 'resolved');
  if (c.problem === null && !open) return [];
  return [{
    rule: ALERT_LOG_RULE,
    scope: 'wavewatch',
    status: c.problem === null ? 'clear' : 'firing',
    severity: 'critical',
    title: 'Alert log cannot be written',
    metric: 'wavewatch.alert_log_pending',
    op: '>',
    threshold: 0,
    value: c.pending,
    note: c.problem ?? 'written again',
  }];
}

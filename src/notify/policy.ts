// When an incident email is due (the issue: one email when an incident first fires, one more if it
// escalates, a reminder after the repeat interval while unacknowledged — never one per tick).
// Pure and deterministic, with no Node imports, so the workflow itself may call it on every tick.

export interface SentIncidentEmail {
  event: 'fired' | 'escalated' | 'reminder';
  sequence: number;
  /** Epoch ms the email was decided (workflow time). */
  atMs: number;
  severity: 'critical' | 'warning';
}

export interface IncidentState {
  state: 'firing' | 'acknowledged' | 'resolved';
  severity: 'critical' | 'warning';
}

/**
 * The email due for an alert now, or null. `sent` is what was already decided for this alert
 * (the workflow keeps it); `repeatMs` is plan.monitor.alertRepeat (scaled).
 */
export function incidentEmailDue(
  alert: IncidentState,
  sent: readonly SentIncidentEmail[],
  nowMs: number,
  repeatMs: number,
): { event: 'fired' | 'escalated' | 'reminder'; sequence: number } | null {
  if (alert.state !== 'firing') return null;
  if (sent.length === 0) return { event: 'fired', sequence: 0 };
  const rank = (s: 'critical' | 'warning') => (s === 'critical' ? 2 : 1);
  const highestSent = Math.max(...sent.map((e) => rank(e.severity)));
  if (rank(alert.severity) > highestSent && !sent.some((e) => e.event === 'escalated')) return { event: 'escalated', sequence: 0 };
  const last = Math.max(...sent.map((e) => e.atMs));
  if (repeatMs > 0 && nowMs - last >= repeatMs) return { event: 'reminder', sequence: sent.filter((e) => e.event === 'reminder').length + 1 };
  return null;
}

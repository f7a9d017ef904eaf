// Alerts as states: per rule and scope, firing → acknowledged → resolved, de-duplicated. What to
// send: one page when an alert first fires, one when it escalates (a warning's condition turns
// critical: a critical rule on the same metric and scope fires while the warning is open, or an
// evaluation raises the severity), and a reminder after the plan's repeat interval only while
// nobody has acknowledged it and it still fires — never one per tick. An alert that re-fires within
// the repeat interval of its resolution reopens quietly (flapping does not page again).
// Rules whose (policy-softened) action is `observe` are recorded and logged but never sent.
// Pure: stepAlerts(state, evaluations, nowMs, plan) → { state, notifications, logLines }.
// This file runs inside the workflow (wave-state.ts): it holds no statistics. The evaluations come
// from the measurements in an activity (alert-evaluation.ts); an alert keeps their metric, op,
// threshold and value as fields, and its message is rendered from them.
import type { Plan, RuleAction } from '../plan/schema';
import { effectiveAction } from './rollback-decision';
import type { Policy } from '../model/vocabulary';
import type { AlertStatus } from '../model/status';
import type { AlertStateName, Severity } from '../model/fields';

export type { AlertStateName, Severity };

/** One alert rule judged for one scope on one tick. */
export interface AlertEvaluation {
  rule: string;
  /** 'test', 'control' or 'fleet' (hosts, NATS): the de-duplication key with the rule. */
  scope: string;
  status: 'firing' | 'clear' | 'unknown';
  severity: Severity;
  title: string;
  metric: string;
  op: string;
  threshold: number;
  value: number | null;
  note?: string;
  /**
   * Firing on an episode that was already over when the tick ran (a NATS outage the watch saw begin
   * and end between two ticks): the alert fires and resolves in this step, its message naming the
   * episode's start, end and duration. Absent: the condition holds now.
   */
  over?: Episode;
}

/** When an episode behind an alert began and ended, epoch ms. */
export interface Episode {
  startMs: number;
  endMs: number;
}

export interface Alert {
  id: string;
  rule: string;
  scope: string;
  severity: Severity;
  state: AlertStateName;
  title: string;
  metric: string;
  op: string;
  message: string;
  value: number | null;
  threshold: number;
  firstFiredAt: number;
  lastFiredAt: number;
  resolvedAt?: number;
  acknowledgedAt?: number;
  acknowledgedBy?: string;
  ackNote?: string;
  /** Notifications sent for this alert, and when the last one was. */
  notifications: number;
  lastNotifiedAt: number | null;
  occurrence: number;
  /** The episode of its last firing when that was already over (see AlertEvaluation.over). */
  over?: Episode;
}

/** The alert state machine's state: every alert of the wave (the workflow carries it across runs). */
export interface AlertState {
  alerts: Alert[];
}

export const emptyAlertState = (): AlertState => ({ alerts: [] });

export interface AlertNotification {
  kind: 'fired' | 'escalated' | 'reminder';
  alertId: string;
  rule: string;
  title: string;
  severity: Severity;
  scope: string;
  at: number;
  message: string;
  value: number | null;
  threshold: number;
  /** Stable per notification: use it as the email's message id so a retried send is one email. */
  key: string;
}

/**
 * One event of an alert as the judge saw it, to be written as a line of the alert log:
 * observe/status-alerts.ts `alertLogEntryOf` makes it the file's `AlertLogEntry`
 * (src/artifacts/records/alerts.ts), adding the wave and the rule's title. Named apart from that
 * record because it is not yet one (no wave, a `notified` flag the file does not keep).
 */
export interface AlertEvent {
  /** Unique per line: a retried append can be de-duplicated. */
  id: string;
  at: string;
  event: 'fired' | 'escalated' | 'reminder' | 'reopened' | 'resolved' | 'acknowledged' | 'updated';
  alertId: string;
  rule: string;
  scope: string;
  severity: Severity;
  state: AlertStateName;
  /** The rule's condition and what was measured (absent on events carried from runs before they were kept). */
  metric?: string;
  op?: string;
  value: number | null;
  threshold: number;
  message: string;
  notified: boolean;
  by?: string;
  note?: string;
  /** The episode, when the alert fired on one already over (fired and resolved at once). */
  over?: Episode;
}

export interface StepResult {
  state: AlertState;
  notifications: AlertNotification[];
  /** JSON lines for the alert log. */
  logLines: string[];
  entries: AlertEvent[];
}

const RANK: Record<Severity, number> = { warning: 1, critical: 2 };
const iso = (ms: number) => new Date(ms).toISOString();

/** "from <start> to <end> (<duration> s)": an episode in words. */
export function episodeText(ep: Episode): string {
  return `from ${iso(ep.startMs)} to ${iso(ep.endMs)} (${+((ep.endMs - ep.startMs) / 1000).toFixed(3)} s)`;
}

/** The alert's message, rendered from its fields (never parsed back: the fields travel with it). */
export function messageOf(e: Pick<AlertEvaluation, 'title' | 'scope' | 'metric' | 'op' | 'threshold' | 'value' | 'note' | 'over'>): string {
  const episode = e.over ? `; over: ${episodeText(e.over)}` : '';
  return `${e.title} [${e.scope}]: ${e.metric} = ${e.value ?? 'n/a'} (${e.op} ${e.threshold})${episode}${e.note ? ` — ${e.note}` : ''}`;
}

/** Whether a rule's alerts are sent: its action after the policy; control and fleet scopes page at most. */
function sends(plan: Plan, ruleId: string, policy: Policy): boolean {
  const rule = plan.alerts.find((r) => r.id === ruleId);
  const action: RuleAction = rule ? effectiveAction(rule.action, policy) : 'page';
  return action !== 'observe';
}

/** The alert log entry for an event of an alert at nowMs, as the alert stands after it. */
function logEntry(a: Alert, event: AlertEvent['event'], nowMs: number, notified: boolean, extra: Pick<AlertEvent, 'by' | 'note'> = {}): AlertEvent {
  return {
    id: `${a.id}@${nowMs}:${event}`,
    at: iso(nowMs),
    event,
    alertId: a.id,
    rule: a.rule,
    scope: a.scope,
    severity: a.severity,
    state: a.state,
    metric: a.metric,
    op: a.op,
    value: a.value,
    threshold: a.threshold,
    message: a.message,
    notified,
    ...(a.over ? { over: a.over } : {}),
    ...extra,
  };
}

export function stepAlerts(
  state: AlertState,
  evaluations: readonly AlertEvaluation[],
  nowMs: number,
  plan: Plan,
  opts: { policy?: Policy; repeatMs?: number } = {},
): StepResult {
  const policy = opts.policy ?? 'auto';
  const repeatMs = opts.repeatMs ?? plan.monitor.alertRepeat;
  const alerts = state.alerts.map((a) => ({ ...a }));
  const notifications: AlertNotification[] = [];
  const entries: AlertEvent[] = [];
  const log = (a: Alert, event: AlertEvent['event'], notified: boolean) => entries.push(logEntry(a, event, nowMs, notified));
  const notify = (a: Alert, kind: AlertNotification['kind']) => {
    a.notifications++;
    a.lastNotifiedAt = nowMs;
    notifications.push({ kind, alertId: a.id, rule: a.rule, title: a.title, severity: a.severity, scope: a.scope, at: nowMs, message: a.message, value: a.value, threshold: a.threshold, key: `${a.id}:${kind}:${a.notifications}` });
  };
  const open = (rule: string, scope: string) => alerts.find((a) => a.rule === rule && a.scope === scope && a.state !== 'resolved');
  const newest = (rule: string, scope: string) => alerts.filter((a) => a.rule === rule && a.scope === scope).sort((x, y) => y.occurrence - x.occurrence)[0];
  /** An open alert of the same metric and scope at a lower severity: this one escalates it. */
  const escalates = (e: AlertEvaluation) => alerts.some((a) => a.metric === e.metric && a.scope === e.scope && a.rule !== e.rule && a.state !== 'resolved' && RANK[a.severity] < RANK[e.severity]);
  /** A higher-severity alert of the same metric and scope is open: this one stays quiet. */
  const outranked = (a: Alert) => alerts.some((b) => b !== a && b.metric === a.metric && b.scope === a.scope && b.state !== 'resolved' && RANK[b.severity] > RANK[a.severity]);

  // escalations first, so that a warning and its critical firing on the same tick page once
  const ordered = [...evaluations].sort((a, b) => RANK[b.severity] - RANK[a.severity]);
  for (const e of ordered) {
    if (e.status !== 'firing') continue;
    const canSend = sends(plan, e.rule, policy);
    const current = open(e.rule, e.scope);
    if (current) {
      const raised = RANK[e.severity] > RANK[current.severity];
      Object.assign(current, { lastFiredAt: nowMs, value: e.value, message: messageOf(e), over: e.over });
      if (raised) {
        current.severity = e.severity;
        current.state = 'firing'; // a worse condition needs a new acknowledgement
        if (canSend) notify(current, 'escalated');
        log(current, 'escalated', canSend);
      } else if (current.state === 'firing' && canSend && !outranked(current) && current.lastNotifiedAt !== null && nowMs - current.lastNotifiedAt >= repeatMs) {
        notify(current, 'reminder');
        log(current, 'reminder', true);
      }
      continue;
    }
    const prev = newest(e.rule, e.scope);
    if (prev && prev.resolvedAt !== undefined && nowMs - prev.resolvedAt < repeatMs) {
      // flapping: reopen quietly, keeping an acknowledgement
      Object.assign(prev, { state: prev.acknowledgedAt !== undefined ? 'acknowledged' : 'firing', lastFiredAt: nowMs, value: e.value, message: messageOf(e), resolvedAt: undefined, over: e.over });
      log(prev, 'reopened', false);
      continue;
    }
    const occurrence = (prev?.occurrence ?? 0) + 1;
    const a: Alert = {
      id: occurrence === 1 ? `${e.rule}:${e.scope}` : `${e.rule}:${e.scope}#${occurrence}`,
      rule: e.rule,
      scope: e.scope,
      severity: e.severity,
      state: 'firing',
      title: e.title,
      metric: e.metric,
      op: e.op,
      message: messageOf(e),
      value: e.value,
      threshold: e.threshold,
      firstFiredAt: nowMs,
      lastFiredAt: nowMs,
      notifications: 0,
      lastNotifiedAt: null,
      occurrence,
      ...(e.over ? { over: e.over } : {}),
    };
    alerts.push(a);
    const kind = escalates(e) ? 'escalated' : 'fired';
    const send = canSend && !(kind === 'fired' && outranked(a));
    if (send) notify(a, kind);
    // covered by the higher-severity page: its reminders start from now, it never pages on de-escalation
    else if (canSend) a.lastNotifiedAt = nowMs;
    log(a, kind, send);
  }
  // clear conditions resolve; so does an episode already over, in the step that fired it (no later tick sees it)
  for (const e of evaluations) {
    if (e.status !== 'clear' && !(e.status === 'firing' && e.over)) continue;
    const current = open(e.rule, e.scope);
    if (!current) continue;
    current.state = 'resolved';
    current.resolvedAt = nowMs;
    current.value = e.value;
    log(current, 'resolved', false);
  }
  return { state: { alerts }, notifications, logLines: entries.map((x) => JSON.stringify(x)), entries };
}

/** The `acknowledgeAlert` update: no more reminders for this alert (an escalation pages again). */
export function acknowledgeAlert(state: AlertState, req: { alertId: string; by?: string; note?: string }, nowMs: number): StepResult & { error?: string } {
  const alerts = state.alerts.map((a) => ({ ...a }));
  const a = alerts.find((x) => x.id === req.alertId);
  if (!a) return { state, notifications: [], logLines: [], entries: [], error: `unknown alert "${req.alertId}"` };
  if (a.state === 'resolved') return { state, notifications: [], logLines: [], entries: [], error: `alert "${req.alertId}" is already resolved` };
  Object.assign(a, { state: 'acknowledged', acknowledgedAt: nowMs, acknowledgedBy: req.by ?? 'operator', ackNote: req.note });
  const entry = logEntry(a, 'acknowledged', nowMs, false, { by: a.acknowledgedBy, note: req.note });
  return { state: { alerts }, notifications: [], logLines: [JSON.stringify(entry)], entries: [entry] };
}

/** The status query's view (ISO times), resolved alerts included. */
export function alertViews(state: AlertState): AlertStatus[] {
  return state.alerts.map((a) => ({
    id: a.id,
    rule: a.rule,
    severity: a.severity,
    scope: a.scope,
    state: a.state,
    firstFiredAt: iso(a.firstFiredAt),
    lastFiredAt: iso(a.lastFiredAt),
    ...(a.resolvedAt !== undefined ? { resolvedAt: iso(a.resolvedAt) } : {}),
    ...(a.acknowledgedBy ? { acknowledgedBy: a.acknowledgedBy } : {}),
    metric: a.metric,
    op: a.op,
    threshold: a.threshold,
    value: a.value,
    message: a.message,
  }));
}

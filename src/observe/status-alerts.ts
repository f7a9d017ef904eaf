// Alerts and operator actions between the workflow's status shape (src/workflows/status.ts, the
// judge's `alertViews`) and the artifact records (AlertRecord, OperatorAction of src/artifacts/types);
// the judge's alert log entries as the alert log's lines.
// The status view is lean: what it does not carry is taken from the plan (title, threshold), from the
// operator actions (when an alert was acknowledged), from the rollback, or parsed from the alert's own
// message (the measured value); what cannot be known is null. Pure.
import type { Plan } from '../plan/schema';
import type { AlertLogEntry, AlertRecord, OperatorAction as OperatorActionRecord } from '../artifacts/types';
import { alertViews, type Alert, type AlertLogEntry as JudgeAlertLogEntry, type AlertState } from '../judge/alerts';
import { effectiveAction } from '../judge/rollback-decision';
import type { Policy } from '../model/vocabulary';
import type { AlertStatus, OperatorAction as StatusOperatorAction, RollbackStatus } from '../model/status';
import { iso } from './readings';

/** The status query's alert: one shape, defined with the status (src/workflows/status.ts). */
export type AlertView = AlertStatus;

export interface AlertContext {
  /** The wave's operator actions: an accepted acknowledgeAlert gives the acknowledgement time. */
  operatorActions?: readonly StatusOperatorAction[];
  rollback?: Pick<RollbackStatus, 'requested' | 'executed' | 'startedAt' | 'trigger'> | null;
  policy?: Policy;
}

/** "… metric = 12.5 (> 10) …" as written by the judge (alerts.ts messageOf) and the wave state: value and threshold. */
export function parseAlertMessage(message: string): { metric: string; value: number | null; op: string; threshold: number } | null {
  const m = /([A-Za-z0-9_.]+) = (\S+) \((<=|>=|==|!=|<|>) (-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\)/.exec(message);
  if (!m) return null;
  const v = Number(m[2]);
  return { metric: m[1], value: m[2] !== 'n/a' && m[2] !== 'null' && Number.isFinite(v) ? v : null, op: m[3], threshold: Number(m[4]) };
}

function ruleOf(plan: Plan, id: string): { title: string; metric: string; threshold: number; action: string } | null {
  const r = plan.alerts.find((a) => a.id === id) ?? plan.rollback.criteria.find((a) => a.id === id) ?? plan.criteria.find((a) => a.id === id);
  return r ? { title: r.title, metric: r.metric, threshold: r.threshold, action: 'action' in r ? r.action : 'observe' } : null;
}

/** When it was acknowledged: the last accepted acknowledgeAlert naming it (wave.ts records the alert id as the note). */
function acknowledgedAt(id: string, actions: readonly StatusOperatorAction[] | undefined): string | null {
  const acks = (actions ?? []).filter((a) => a.kind === 'acknowledgeAlert' && a.accepted && (a.note === id || a.reason === id));
  return acks.length ? acks[acks.length - 1].at : null;
}

const ACTION_TEXT: Record<string, string> = {
  observe: 'None (recorded only)',
  page: 'Paged',
  hold: 'Held for a human',
  rollback: 'Rollback requested',
};

function actionTaken(plan: Plan, v: AlertView, metric: string | null, ctx: AlertContext): string {
  const parts: string[] = [];
  const rule = ruleOf(plan, v.rule);
  const rb = ctx.rollback;
  const triggerMetric = rb?.trigger?.criterion ? ruleOf(plan, rb.trigger.criterion)?.metric : undefined;
  if (rb && (rb.requested || rb.executed) && metric !== null && triggerMetric === metric && (!rb.startedAt || rb.startedAt >= v.firstFiredAt))
    parts.push(rb.executed ? 'Rollback initiated' : 'Rollback requested');
  else if (rule) parts.push(ACTION_TEXT[effectiveAction(rule.action as never, ctx.policy ?? 'auto')] ?? rule.action);
  else parts.push('None');
  if (v.acknowledgedBy) parts.push(`acknowledged by ${v.acknowledgedBy}`);
  if (v.state === 'resolved') parts.push('resolved');
  return parts.join('; ');
}

/** Another alert of the same metric and scope, at a lower severity, was open when this one fired (alerts.ts: an escalation). */
function escalated(plan: Plan, v: AlertView, all: readonly AlertView[]): boolean {
  if (v.severity !== 'critical') return false;
  const metric = ruleOf(plan, v.rule)?.metric ?? parseAlertMessage(v.message)?.metric;
  if (!metric) return false;
  return all.some(
    (b) =>
      b !== v &&
      b.severity === 'warning' &&
      b.scope === v.scope &&
      (ruleOf(plan, b.rule)?.metric ?? parseAlertMessage(b.message)?.metric) === metric &&
      b.firstFiredAt <= v.firstFiredAt &&
      (b.resolvedAt === undefined || b.resolvedAt >= v.firstFiredAt),
  );
}

/** The status alerts as AlertRecords (emails, alert log, checkpoint and wave files). */
export function alertRecordsOf(alerts: readonly AlertView[], plan: Plan, ctx: AlertContext = {}): AlertRecord[] {
  return alerts.map((v) => {
    const rule = ruleOf(plan, v.rule);
    const parsed = parseAlertMessage(v.message);
    const ackAt = v.acknowledgedBy || v.state === 'acknowledged' ? acknowledgedAt(v.id, ctx.operatorActions) : null;
    return {
      id: v.id,
      rule: v.rule,
      title: rule?.title ?? v.rule,
      severity: v.severity,
      scope: v.scope,
      state: v.state,
      firstFiredAt: v.firstFiredAt,
      lastFiredAt: v.lastFiredAt ?? null,
      resolvedAt: v.resolvedAt ?? null,
      acknowledgedAt: ackAt,
      acknowledgedBy: v.acknowledgedBy ?? null,
      escalated: escalated(plan, v, alerts),
      message: v.message,
      value: parsed?.value ?? null,
      threshold: rule?.threshold ?? parsed?.threshold ?? null,
      actionTaken: actionTaken(plan, v, rule?.metric ?? parsed?.metric ?? null, ctx),
    };
  });
}

/** The status view of an AlertRecord (the inverse of alertRecordsOf for the fields the view has). */
export function alertViewOf(r: AlertRecord): AlertView {
  return {
    id: r.id,
    rule: r.rule,
    severity: r.severity,
    scope: r.scope,
    state: r.state,
    firstFiredAt: r.firstFiredAt,
    lastFiredAt: r.lastFiredAt ?? r.firstFiredAt,
    ...(r.resolvedAt ? { resolvedAt: r.resolvedAt } : {}),
    ...(r.acknowledgedBy ? { acknowledgedBy: r.acknowledgedBy } : {}),
    message: r.message,
  };
}

/** The judge's full alert state (src/judge/alerts.ts), which knows more than the status view: exact values and times. */
export function alertRecordsFromState(state: AlertState, plan: Plan, ctx: AlertContext = {}): AlertRecord[] {
  const views = state.alerts.map(viewOfAlert);
  const base = alertRecordsOf(views, plan, ctx);
  return state.alerts.map((a: Alert, i) => ({
    ...base[i],
    title: a.title,
    acknowledgedAt: a.acknowledgedAt !== undefined ? iso(a.acknowledgedAt) : base[i].acknowledgedAt,
    value: a.value,
    threshold: a.threshold,
  }));
}

function viewOfAlert(a: Alert): AlertView {
  return alertViews({ alerts: [a] })[0];
}

/** The judge's alert log entry (stepAlerts, acknowledgeAlert) as a line of the wave's alert log; the alert's record gives the title. */
export function alertLogEntryOf(e: JudgeAlertLogEntry, wave: { wave: string; waveId: string }, alert?: Pick<AlertRecord, 'title'>): AlertLogEntry {
  return {
    id: e.id,
    at: e.at,
    wave: wave.wave,
    waveId: wave.waveId,
    event: e.event,
    alertId: e.alertId,
    rule: e.rule,
    ...(alert ? { title: alert.title } : {}),
    severity: e.severity,
    scope: e.scope,
    state: e.state,
    message: e.note ? `${e.message} (${e.note})` : e.message,
    value: e.value,
    threshold: e.threshold,
    ...(e.by ? { by: e.by } : {}),
  };
}

/**
 * Operator actions as recorded: accepted → outcome "accepted" (the note as detail), else "rejected: <note>".
 * The workflow's own notes (kind "automation", e.g. an automatic rollback suppressed while paused) are
 * not requests anybody made: their outcome is the note.
 */
export function operatorActionsOf(actions: readonly StatusOperatorAction[]): OperatorActionRecord[] {
  return actions.map((a) => a.kind === 'automation' ? { at: a.at, kind: a.kind, by: a.by || null, reason: a.reason, ...(a.note ? { detail: a.note } : {}), outcome: `noted: ${a.note ?? ''}`.trim() } : ({
    at: a.at,
    kind: a.kind,
    by: a.by || null,
    reason: a.reason,
    ...(a.accepted && a.note ? { detail: a.note } : {}),
    outcome: a.accepted ? 'accepted' : `rejected: ${a.note ?? 'no reason given'}`,
  }));
}

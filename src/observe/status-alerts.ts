// Alerts and operator actions between the status shape (src/model/status.ts, the judge's
// `alertViews`) and the artifact records (AlertRecord, OperatorAction of src/artifacts/records/alerts.ts);
// the judge's alert events as the alert log's lines.
// The status view carries the alert's metric, op, threshold and measured value as fields, and the
// record keeps them as fields (never parsed back out of the message); what the view does not carry is taken from the plan (title, action), from the operator actions (when an alert was
// acknowledged) or from the rollback; what cannot be known is null. Pure.
import type { Plan } from '../plan/schema';
import type { AlertLogEntry, AlertRecord, OperatorAction } from '../artifacts/records/alerts';
import type { AlertEvent } from '../judge/alerts';
import { effectiveAction } from '../judge/rollback-decision';
import type { Policy } from '../model/vocabulary';
import type { AlertStatus, OperatorActionStatus, RollbackStatus } from '../model/status';

/** The status query's alert: one shape, defined with the status (src/model/status.ts). */
export type AlertView = AlertStatus;

export interface AlertContext {
  /** The wave's operator actions: an accepted acknowledgeAlert gives the acknowledgement time. */
  operatorActions?: readonly OperatorActionStatus[];
  rollback?: Pick<RollbackStatus, 'requested' | 'executed' | 'startedAt' | 'trigger'> | null;
  policy?: Policy;
}

function ruleOf(plan: Plan, id: string): { title: string; metric: string; action: string } | null {
  const r = plan.alerts.find((a) => a.id === id) ?? plan.rollback.criteria.find((a) => a.id === id) ?? plan.criteria.find((a) => a.id === id);
  return r ? { title: r.title, metric: r.metric, action: 'action' in r ? r.action : 'observe' } : null;
}

/** When it was acknowledged: the last accepted acknowledgeAlert naming it (wave.ts records the alert id as the note). */
function acknowledgedAt(id: string, actions: readonly OperatorActionStatus[] | undefined): string | null {
  const acks = (actions ?? []).filter((a) => a.kind === 'acknowledgeAlert' && a.accepted && (a.note === id || a.reason === id));
  return acks.length ? acks[acks.length - 1].at : null;
}

const ACTION_TEXT: Record<string, string> = {
  observe: 'None (recorded only)',
  page: 'Paged',
  hold: 'Held for a human',
  rollback: 'Rollback requested',
};

function actionTaken(plan: Plan, v: AlertView, ctx: AlertContext): string {
  const parts: string[] = [];
  const rule = ruleOf(plan, v.rule);
  const rb = ctx.rollback;
  const triggerMetric = rb?.trigger?.criterion ? ruleOf(plan, rb.trigger.criterion)?.metric : undefined;
  if (rb && (rb.requested || rb.executed) && triggerMetric === v.metric && (!rb.startedAt || rb.startedAt >= v.firstFiredAt))
    parts.push(rb.executed ? 'Rollback initiated' : 'Rollback requested');
  else if (rule) parts.push(ACTION_TEXT[effectiveAction(rule.action as never, ctx.policy ?? 'auto')] ?? rule.action);
  else parts.push('None');
  if (v.acknowledgedBy) parts.push(`acknowledged by ${v.acknowledgedBy}`);
  if (v.state === 'resolved') parts.push('resolved');
  return parts.join('; ');
}

/** Another alert of the same metric and scope, at a lower severity, was open when this one fired (alerts.ts: an escalation). */
function escalated(v: AlertView, all: readonly AlertView[]): boolean {
  if (v.severity !== 'critical') return false;
  return all.some(
    (b) =>
      b !== v &&
      b.severity === 'warning' &&
      b.scope === v.scope &&
      b.metric === v.metric &&
      b.firstFiredAt <= v.firstFiredAt &&
      (b.resolvedAt === undefined || b.resolvedAt >= v.firstFiredAt),
  );
}

/** The status alerts as AlertRecords (emails, alert log, checkpoint and wave files). */
export function alertRecordsOf(alerts: readonly AlertView[], plan: Plan, ctx: AlertContext = {}): AlertRecord[] {
  return alerts.map((v) => {
    const rule = ruleOf(plan, v.rule);
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
      escalated: escalated(v, alerts),
      message: v.message,
      metric: v.metric,
      op: v.op,
      value: v.value,
      threshold: v.threshold,
      actionTaken: actionTaken(plan, v, ctx),
    };
  });
}

/** The judge's alert event (stepAlerts, acknowledgeAlert) as a line of the wave's alert log; the alert's record gives the title. */
export function alertLogEntryOf(e: AlertEvent, wave: { wave: string; waveId: string }, alert?: Pick<AlertRecord, 'title'>): AlertLogEntry {
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
    ...(e.metric !== undefined ? { metric: e.metric } : {}),
    ...(e.op !== undefined ? { op: e.op } : {}),
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
export function operatorActionsOf(actions: readonly OperatorActionStatus[]): OperatorAction[] {
  return actions.map((a) => a.kind === 'automation' ? { at: a.at, kind: a.kind, by: a.by || null, reason: a.reason, ...(a.note ? { detail: a.note } : {}), outcome: `noted: ${a.note ?? ''}`.trim() } : ({
    at: a.at,
    kind: a.kind,
    by: a.by || null,
    reason: a.reason,
    ...(a.accepted && a.note ? { detail: a.note } : {}),
    outcome: a.accepted ? 'accepted' : `rejected: ${a.note ?? 'no reason given'}`,
  }));
}

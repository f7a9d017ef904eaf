// The content of the spec's three emails ("Communication Plan"), as small notification objects built
// from the stored records: what the workflow passes to the send activity (small, because activity
// inputs are stored in the workflow's history). templates.ts renders them.
import { checkpointPath } from '../artifacts/layout';
import type { AlertRecord } from '../artifacts/records/alerts';
import type { CheckpointRecord } from '../artifacts/records/checkpoint';
import type { CriterionResult } from '../artifacts/records/judgement';
import type { Reading } from '../artifacts/records/common';
import type { WaveRecord } from '../artifacts/records/wave';
import type { Plan } from '../plan/schema';
import { fmtNumber } from '../report/format';

export interface CheckpointNotification {
  kind: 'checkpoint';
  /** The workflow id: part of the Message-ID, so two runs of a wave never share one. */
  waveId: string;
  checkpoint: string;
  collection: number;
  verdict: 'PASS' | 'WARNING' | 'FAIL';
  verdictReason: string;
  /** When the checkpoint finished (the email's Date). */
  at: string;
  metrics: { uptimePct: Reading; errorRatePct: Reading; latencyP50Ms: Reading; latencyP99Ms: Reading; dualPublishPct: Reading; deliveryPct: Reading };
  /** One line each: failed criteria, firing alerts, gaps. Empty = "None". */
  issues: string[];
  next: { name: string; dueAt: string } | null;
  /** Store path of the checkpoint's summary.json. */
  summaryPath: string;
}

export type IncidentEvent = 'fired' | 'escalated' | 'reminder';

export interface IncidentNotification {
  kind: 'incident';
  waveId: string;
  /** fired: the first email; escalated: severity rose; reminder: still unacknowledged after the repeat interval. */
  event: IncidentEvent;
  /** 0 for fired and escalated; 1, 2, … for the reminders (part of the Message-ID). */
  sequence: number;
  at: string;
  alert: Pick<AlertRecord, 'id' | 'rule' | 'title' | 'severity' | 'scope' | 'message' | 'value' | 'threshold' | 'firstFiredAt'>;
  /** "Relevant metrics", as label and formatted value. */
  metrics: { label: string; value: string }[];
  /** "None" | "Investigating" | "Rollback initiated" | … */
  actionTaken: string;
}

export interface FinalNotification {
  kind: 'final';
  waveId: string;
  verdict: 'GO' | 'NO-GO' | 'ABORTED';
  verdictReason: string;
  at: string;
  monitoringStart: string;
  finishedAt: string;
  /** The wave's --time-scale, so the duration reads in plan time ("24 hours"). */
  timeScale: number;
  /** The primary criteria as judged over the wave. */
  criteria: Pick<CriterionResult, 'id' | 'title' | 'metric' | 'op' | 'threshold' | 'outcome' | 'value' | 'note' | 'waiver'>[];
  issues: string[];
  rollbackExecuted: boolean;
  /** For an abort: who and why. */
  abortedBy?: string;
}

export type Notification = CheckpointNotification | IncidentNotification | FinalNotification;

/** The checkpoint email's content from a checkpoint record. */
export function checkpointNotification(plan: Plan, record: CheckpointRecord, next: { name: string; dueAt: string } | null): CheckpointNotification {
  const h = record.headline;
  const issues: string[] = [];
  for (const c of record.criteria)
    if (c.outcome === 'fail' || c.outcome === 'error' || c.outcome === 'inconclusive')
      issues.push(`${c.outcome === 'fail' ? '❌' : '❔'} ${c.title}: ${c.value === null ? c.outcome : fmtNumber(c.value, '', 3)}${c.note ? ` (${c.note})` : ''}`);
  for (const a of record.alerts.filter((x) => x.state !== 'resolved')) issues.push(`${a.severity === 'critical' ? '🚨' : '⚠️'} ${a.title} on ${a.scope} (${a.state}): ${a.message}`);
  for (const g of record.gaps) issues.push(`data gap: ${g}`);
  return {
    kind: 'checkpoint',
    waveId: record.waveId,
    checkpoint: record.checkpoint,
    collection: record.collection,
    verdict: record.verdict,
    verdictReason: record.verdictReason,
    at: record.finishedAt,
    metrics: {
      uptimePct: h.uptimePct,
      errorRatePct: h.errorRatePct,
      latencyP50Ms: h.latencyP50Ms,
      latencyP99Ms: h.latencyP99Ms,
      dualPublishPct: h.dualPublishPct,
      deliveryPct: h.deliveryPct,
    },
    issues,
    next,
    summaryPath: checkpointPath(plan, record.checkpoint, record.collection, 'summary.json'),
  };
}

/** The incident email's content from an alert. */
export function incidentNotification(
  waveId: string,
  alert: AlertRecord,
  event: IncidentEvent,
  at: string,
  opts: { sequence?: number; metrics?: { label: string; value: string }[] } = {},
): IncidentNotification {
  const metrics = opts.metrics ?? (alert.value !== null ? [{ label: alert.rule, value: `${fmtNumber(alert.value, '', 3)}${alert.threshold !== null ? ` (threshold ${alert.threshold})` : ''}` }] : []);
  return {
    kind: 'incident',
    waveId,
    event,
    sequence: event === 'reminder' ? Math.max(1, opts.sequence ?? 1) : 0,
    at,
    alert: {
      id: alert.id,
      rule: alert.rule,
      title: alert.title,
      severity: alert.severity,
      scope: alert.scope,
      message: alert.message,
      value: alert.value,
      threshold: alert.threshold,
      firstFiredAt: alert.firstFiredAt,
    },
    metrics,
    actionTaken: alert.actionTaken || 'None',
  };
}

/** The final email's content from the wave record. */
export function finalNotification(wave: WaveRecord): FinalNotification {
  if (!wave.verdict) throw new Error('finalNotification: the wave has no verdict yet');
  const issues: string[] = [];
  for (const c of wave.criteria.filter((x) => x.primary && x.outcome !== 'pass' && x.outcome !== 'waived'))
    issues.push(`${c.title}: ${c.value === null ? c.outcome : fmtNumber(c.value, '', 3)}${c.note ? ` (${c.note})` : ''}`);
  const critical = wave.alerts.filter((a) => a.severity === 'critical');
  if (critical.length) issues.push(`${critical.length} critical alert(s): ${[...new Set(critical.map((a) => a.title))].join(', ')}`);
  if (wave.rollback?.executed) issues.push(`rollback executed (${wave.rollback.trigger}): ${wave.rollback.reason}`);
  const abort = wave.verdict === 'ABORTED' ? [...wave.operatorActions].reverse().find((o) => o.kind === 'abort') : undefined;
  return {
    kind: 'final',
    waveId: wave.waveId,
    verdict: wave.verdict,
    verdictReason: wave.verdictReason,
    at: wave.finishedAt ?? wave.plannedEnd,
    monitoringStart: wave.monitoringStart,
    finishedAt: wave.finishedAt ?? wave.plannedEnd,
    timeScale: wave.timeScale,
    criteria: wave.criteria
      .filter((c) => c.primary)
      .map((c) => ({ id: c.id, title: c.title, metric: c.metric, op: c.op, threshold: c.threshold, outcome: c.outcome, value: c.value, ...(c.note ? { note: c.note } : {}), ...(c.waiver ? { waiver: c.waiver } : {}) })),
    issues,
    rollbackExecuted: wave.rollback?.executed ?? false,
    ...(abort ? { abortedBy: `${abort.by ?? 'an operator'}: ${abort.reason}` } : {}),
  };
}

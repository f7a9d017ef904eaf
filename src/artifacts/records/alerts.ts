// Alerts and operator actions as the files hold them: the wave's alerts (checkpoint and wave records,
// built from the status query's alerts by observe/status-alerts.ts), one line of the alert log, and
// what operators asked for. An alert's state and severity are the model's words (src/model/fields.ts,
// shared with the status query and the judge); the alert state machine itself (`AlertState`) is the
// judge's (src/judge/alerts.ts), these are what gets written.
import { z } from 'zod';
import { alertStateNameSchema, severitySchema as severity } from '../../model/fields';
import { iso } from './common';

export type { AlertStateName } from '../../model/fields';

/**
 * The rule's condition as fields, as the status query's alert carries them (metric, op; value and
 * threshold below): optional because files written before they were recorded lack them.
 */
const condition = {
  metric: z.string().optional(),
  op: z.string().optional(),
};

/** An alert of the wave, as written to the checkpoint and wave files and the incident email. */
export const alertSchema = z
  .object({
    /** Stable id of this incident, e.g. "agent-crash:network-expert@dgx-2:1". */
    id: z.string().min(1),
    /** The plan's alert rule id. */
    rule: z.string(),
    title: z.string(),
    severity,
    scope: z.string(),
    state: alertStateNameSchema,
    firstFiredAt: iso,
    lastFiredAt: iso.nullable(),
    resolvedAt: iso.nullable(),
    acknowledgedAt: iso.nullable(),
    acknowledgedBy: z.string().nullable(),
    /** Severity rose (warning → critical) after it first fired. */
    escalated: z.boolean(),
    message: z.string(),
    ...condition,
    /** The measured value and the rule's threshold when it fired. */
    value: z.number().nullable(),
    threshold: z.number().nullable(),
    /** "None", "Investigating", "Rollback initiated", … (the incident email's "Action Taken"). */
    actionTaken: z.string(),
  })
  .strict()
  .meta({ id: 'Alert' });
export type AlertRecord = z.infer<typeof alertSchema>;

/**
 * An operator's signal or update as the files state it for readers. The status query holds the same
 * event as `OperatorActionStatus` (src/model/status.ts, where the shapes' difference is explained);
 * observe/status-alerts.ts `operatorActionsOf` maps one onto the other.
 */
export const operatorActionSchema = z
  .object({
    at: iso,
    /** 'abort' | 'pause' | 'resume' | 'rollback' | 'requestRollback' | 'acknowledgeAlert' | 'waiveCriterion' | 'extendWave' | 'collectNow'. */
    kind: z.string().min(1),
    by: z.string().nullable(),
    reason: z.string(),
    /** What it was about: the alert id, the criterion, the new end time. */
    detail: z.string().optional(),
    /** What came of it: "accepted", "rejected: …". */
    outcome: z.string().optional(),
  })
  .strict()
  .meta({ id: 'OperatorAction' });
export type OperatorAction = z.infer<typeof operatorActionSchema>;

/** One line of the alert log (JSON lines at plan.output.alertLog). */
export const alertLogEntrySchema = z
  .object({
    /** Unique per event; a retried append of the same event carries the same id and is read once. */
    id: z.string().min(1),
    at: iso,
    wave: z.string(),
    waveId: z.string(),
    /** 'fired' | 'escalated' | 'reminder' | 'acknowledged' | 'resolved' | 'email-sent' | 'email-failed' | … */
    event: z.string().min(1),
    alertId: z.string(),
    rule: z.string(),
    /** The rule's title, for people reading the log. */
    title: z.string().optional(),
    severity,
    scope: z.string(),
    state: alertStateNameSchema,
    message: z.string(),
    ...condition,
    value: z.number().nullable(),
    threshold: z.number().nullable(),
    actionTaken: z.string().optional(),
    by: z.string().optional(),
  })
  .strict()
  .meta({ title: 'wavewatch alert log line (JSON lines)' });
export type AlertLogEntry = z.infer<typeof alertLogEntrySchema>;

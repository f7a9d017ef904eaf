// Alerts and operator actions: the wave's alerts (status query, checkpoint and wave records), one line
// of the alert log, and what operators asked for.
import { z } from 'zod';
import { iso } from './common';

export const alertStateSchema = z.enum(['firing', 'acknowledged', 'resolved']);
export type AlertState = z.infer<typeof alertStateSchema>;
const severity = z.enum(['critical', 'warning']);

/** An alert of the wave (the status query's `alerts`). */
export const alertSchema = z
  .object({
    /** Stable id of this incident, e.g. "agent-crash:network-expert@dgx-2:1". */
    id: z.string().min(1),
    /** The plan's alert rule id. */
    rule: z.string(),
    title: z.string(),
    severity,
    scope: z.string(),
    state: alertStateSchema,
    firstFiredAt: iso,
    lastFiredAt: iso.nullable(),
    resolvedAt: iso.nullable(),
    acknowledgedAt: iso.nullable(),
    acknowledgedBy: z.string().nullable(),
    /** Severity rose (warning → critical) after it first fired. */
    escalated: z.boolean(),
    message: z.string(),
    /** The measured value and the rule's threshold when it fired. */
    value: z.number().nullable(),
    threshold: z.number().nullable(),
    /** "None", "Investigating", "Rollback initiated", … (the incident email's "Action Taken"). */
    actionTaken: z.string(),
  })
  .strict()
  .meta({ id: 'Alert' });
export type AlertRecord = z.infer<typeof alertSchema>;

/** An operator's signal or update, as the workflow recorded it. */
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
    state: alertStateSchema,
    message: z.string(),
    value: z.number().nullable(),
    threshold: z.number().nullable(),
    actionTaken: z.string().optional(),
    by: z.string().optional(),
  })
  .strict()
  .meta({ title: 'wavewatch alert log line (JSON lines)' });
export type AlertLogEntry = z.infer<typeof alertLogEntrySchema>;

// The zod checks of the model's shared words and fields, declared once: the status query
// (./status.ts) and the records' files (src/artifacts/records/) both build on them. Kept apart from
// ./vocabulary.ts, which stays zod-free because the workflow bundle loads its value lists (the
// workflow imports this file's types only, so zod never enters the sandbox).
import { z } from 'zod';
import { CHECKPOINT_VERDICTS, POLICIES, ROLES } from './vocabulary';

/** An ISO 8601 time in UTC ("2026-01-23T10:00:00.000Z"), as `Date#toISOString` writes it; never a Date. */
export const iso = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, { message: 'expected an ISO 8601 UTC time' });
/** A whole number of things (samples, ticks, runs). */
export const count = z.number().int().min(0);

export const policySchema = z.enum(POLICIES);
/** PASS: every criterion passed. WARNING: no primary failed, but something needs a look. FAIL: a primary criterion failed. */
export const checkpointVerdictSchema = z.enum(CHECKPOINT_VERDICTS);
export const roleSchema = z.enum(ROLES);

/** Where a wave stands (the status query's `phase`, wave.json's `phase`). */
export const wavePhaseSchema = z.enum(['monitoring', 'holding', 'rolling-back', 'completed', 'aborted']);
export type WavePhase = z.infer<typeof wavePhaseSchema>;
/** The wave's decision once it has ended. */
export const waveVerdictSchema = z.enum(['GO', 'NO-GO', 'ABORTED']);
export type WaveVerdict = z.infer<typeof waveVerdictSchema>;

/** An alert's severity, as its plan rule says (an escalation raises it). */
export const severitySchema = z.enum(['critical', 'warning']);
export type Severity = z.infer<typeof severitySchema>;
/** Where an alert stands: firing → acknowledged → resolved (src/judge/alerts.ts moves it). */
export const alertStateNameSchema = z.enum(['firing', 'acknowledged', 'resolved']);
export type AlertStateName = z.infer<typeof alertStateNameSchema>;

// The `status` query's object (product.md, Operator interface): what the CLI, the Web UI and the
// demo show, and what observe, remediate and the activities read of a wave. Plain JSON; times are
// ISO strings. Declared in the model (not beside the workflow) because every layer speaks it; the
// workflow builds it (wave-state.ts). Declared once, in zod, the types inferred: a status read back
// (a query answer, a carried run) can be checked with `waveStatusSchema`, and the words it shares
// with the files (phase, verdicts, rule results, alert states) are the same checks (./fields.ts).
// The workflow imports only the types (`import type`, erased): zod stays out of its sandbox.
import { z } from 'zod';
import { ruleResultSchema } from './rule-result';
import {
  alertStateNameSchema,
  checkpointVerdictSchema,
  count,
  iso,
  policySchema,
  severitySchema,
  wavePhaseSchema,
  waveVerdictSchema,
} from './fields';
import type { CheckpointVerdict, Policy } from './vocabulary';

export type { CheckpointVerdict, Policy };

export const phaseSchema = wavePhaseSchema;
export type Phase = z.infer<typeof phaseSchema>;
/** null while the wave runs. */
export const verdictSchema = waveVerdictSchema.nullable();
export type Verdict = z.infer<typeof verdictSchema>;

export const checkpointStatusSchema = z
  .object({
    name: z.string(),
    dueAt: iso,
    ranAt: iso.nullable(),
    verdict: checkpointVerdictSchema.nullable(),
    criteria: z.array(ruleResultSchema),
    artifactsDir: z.string().nullable(),
    /** e.g. "manual (collectNow)" or why it could not run. */
    note: z.string().optional(),
  })
  .strict();
export type CheckpointStatus = z.infer<typeof checkpointStatusSchema>;

export const alertStatusSchema = z
  .object({
    id: z.string().min(1),
    rule: z.string(),
    severity: severitySchema,
    scope: z.string(),
    state: alertStateNameSchema,
    firstFiredAt: iso,
    lastFiredAt: iso,
    resolvedAt: iso.optional(),
    acknowledgedBy: z.string().optional(),
    /** The rule's condition and what was measured, as fields: `message` is rendered from them. */
    metric: z.string(),
    op: z.string(),
    threshold: z.number(),
    /** The last measured value; null when there was none. */
    value: z.number().nullable(),
    message: z.string(),
  })
  .strict();
export type AlertStatus = z.infer<typeof alertStatusSchema>;

/**
 * An operator's request (or the workflow's own note, kind "automation") as the workflow decided it.
 * The files carry the same event as `OperatorAction` (src/artifacts/records/alerts.ts), in another
 * shape on purpose, hence the distinct name: here the decision is a boolean the workflow and
 * observe test (`accepted`, with the alert id or the refusal in `note`); the file states it for
 * readers in words (`outcome: "accepted" | "rejected: …"`, `by: null` when nobody is known) and is
 * versioned with wave.json. observe/status-alerts.ts `operatorActionsOf` is the one mapping between them.
 */
export const operatorActionStatusSchema = z
  .object({
    at: iso,
    /** 'abort' | 'pause' | 'resume' | 'rollback' | 'requestRollback' | 'acknowledgeAlert' | 'waiveCriterion' | 'extendWave' | 'collectNow' | 'automation'. */
    kind: z.string().min(1),
    by: z.string(),
    reason: z.string(),
    accepted: z.boolean(),
    note: z.string().optional(),
  })
  .strict();
export type OperatorActionStatus = z.infer<typeof operatorActionStatusSchema>;

export const rollbackTargetResultSchema = z
  .object({
    /** "dgx-1" or "network-expert@dgx-1" (model/instance.ts `rollbackTarget`). */
    target: z.string(),
    outcome: z.enum(['done', 'skipped', 'failed']),
    exitCode: z.number().int().nullable(),
    message: z.string().optional(),
  })
  .strict();
export type RollbackTargetResult = z.infer<typeof rollbackTargetResultSchema>;

export const rollbackStepStatusSchema = z
  .object({
    name: z.string(),
    state: z.enum(['pending', 'done', 'failed']),
    finishedAt: iso.optional(),
    targets: z.array(rollbackTargetResultSchema),
  })
  .strict();
export type RollbackStepStatus = z.infer<typeof rollbackStepStatusSchema>;

export const rollbackTriggerSchema = z
  .object({
    kind: z.enum(['operator', 'criterion']),
    by: z.string(),
    reason: z.string(),
    criterion: z.string().optional(),
  })
  .strict();

export const rollbackStatusSchema = z
  .object({
    requested: z.boolean(),
    trigger: rollbackTriggerSchema.nullable(),
    executed: z.boolean(),
    startedAt: iso.nullable(),
    finishedAt: iso.nullable(),
    ok: z.boolean().nullable(),
    steps: z.array(rollbackStepStatusSchema),
    /** The fleet's state after the rollback (a verification collection). */
    verification: z.string().nullable(),
  })
  .strict();
export type RollbackStatus = z.infer<typeof rollbackStatusSchema>;

export const holdStatusSchema = z
  .object({
    since: iso,
    deadline: iso,
    reason: z.string(),
    criterion: z.string().optional(),
    onTimeout: z.enum(['rollback', 'continue', 'no-go']),
  })
  .strict();
export type HoldStatus = z.infer<typeof holdStatusSchema>;

export const waiverStatusSchema = z.object({ criterion: z.string(), reason: z.string(), by: z.string(), at: iso }).strict();

export const waveStatusSchema = z
  .object({
    waveId: z.string().min(1),
    wave: z.string().min(1),
    phase: phaseSchema,
    verdict: verdictSchema,
    paused: z.boolean(),
    policy: policySchema,
    timeScale: z.number().positive(),
    startAt: iso,
    endsAt: iso,
    nextCheckpoint: z.object({ name: z.string(), dueAt: iso }).strict().nullable(),
    checkpoints: z.array(checkpointStatusSchema),
    interim: z
      .object({
        ticks: count,
        skippedTicks: count,
        lastTickAt: iso.nullable(),
        /** "active/total" agents at the last tick. */
        agentsActive: z.string().nullable(),
        lastTickNote: z.string().nullable(),
        /** Rollback and alert rules firing at the last tick, with their evidence. */
        firing: z.array(ruleResultSchema),
        /**
         * The continuous watch (issue 14), compactly: ticks it asked for and got, asks coalesced into a
         * tick running or already due (counted, never queued), and why it is not watching, if it is not.
         */
        watch: z
          .object({
            ticksAsked: count,
            ticksAskedCoalesced: count,
            note: z.string().nullable(),
          })
          .strict(),
      })
      .strict(),
    alerts: z.array(alertStatusSchema),
    rollback: rollbackStatusSchema,
    hold: holdStatusSchema.nullable(),
    waivers: z.array(waiverStatusSchema),
    operatorActions: z.array(operatorActionStatusSchema),
    /** Operator actions older than the newest 100, no longer listed. */
    operatorActionsDropped: count.optional(),
    /** The last problems beside the wave's course: mail not sent, report parts not rendered. */
    problems: z.array(z.string()),
    artifactsDir: z.string().nullable(),
    /** Runs of the workflow chained by continue-as-new (history stays small). */
    runs: z.number().int().min(1),
  })
  .strict()
  .meta({ id: 'WaveStatus', title: 'wavewatch status query' });
export type WaveStatus = z.infer<typeof waveStatusSchema>;

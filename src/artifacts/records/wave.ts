// The wave as a whole: written to <output.dir>/wave.json, the source of the decision document and report.
import { z } from 'zod';
import { alertSchema, operatorActionSchema } from './alerts';
import { checkpointVerdictSchema, count, FILE_SCHEMA_VERSION, fileHeader, iso } from './common';
import { criterionSchema } from './judgement';
import { wavePhaseSchema, waveVerdictSchema } from '../../model/fields';

// The phase and verdict are the status query's words (src/model/fields.ts): one check for both.
export { wavePhaseSchema, waveVerdictSchema };
export type { WavePhase, WaveVerdict } from '../../model/fields';

/** One checkpoint of the wave as the workflow knows it; the full record lives in the checkpoint folder. */
export const checkpointRefSchema = z
  .object({
    name: z.string(),
    /** The collection the wave's verdict uses (usually the latest). */
    collection: count,
    dueAt: iso,
    finishedAt: iso.nullable(),
    verdict: checkpointVerdictSchema.nullable(),
    /** Set when the checkpoint could not be collected at all ("skipped: wave aborted"). */
    gap: z.string().optional(),
  })
  .strict();
export type CheckpointRef = z.infer<typeof checkpointRefSchema>;

export const rollbackStepSchema = z
  .object({
    name: z.string(),
    /** "dgx-1" or "network-expert@dgx-1". */
    target: z.string(),
    state: z.enum(['pending', 'running', 'done', 'skipped', 'failed']),
    startedAt: iso.nullable(),
    finishedAt: iso.nullable(),
    /** Exit status, the skip reason, the error. */
    detail: z.string().optional(),
  })
  .strict();
export type RollbackStepRecord = z.infer<typeof rollbackStepSchema>;

export const rollbackSchema = z
  .object({
    executed: z.boolean(),
    /** What triggered it: a rule id, "operator", "hold timeout". */
    trigger: z.string(),
    reason: z.string(),
    startedAt: iso.nullable(),
    finishedAt: iso.nullable(),
    steps: z.array(rollbackStepSchema),
  })
  .strict();
export type RollbackRecord = z.infer<typeof rollbackSchema>;

export const timelineEventSchema = z
  .object({
    at: iso,
    /** 'start' | 'checkpoint' | 'alert' | 'operator' | 'hold' | 'rollback' | 'verdict' | 'gap' | … */
    kind: z.string(),
    text: z.string(),
  })
  .strict();
export type TimelineEvent = z.infer<typeof timelineEventSchema>;

export const waveRecordSchema = z
  .object({
    wave: z.string().min(1),
    waveId: z.string().min(1),
    /** plan.wave.title. */
    title: z.string(),
    monitoringStart: iso,
    /** Planned end (monitoring start + the wave's duration, extensions included, scaled). */
    plannedEnd: iso,
    /** When monitoring ended; null while the wave runs. */
    finishedAt: iso.nullable(),
    /** The --time-scale the wave ran at (1 = real time). */
    timeScale: z.number().positive(),
    phase: wavePhaseSchema,
    /** null while the wave runs. */
    verdict: waveVerdictSchema.nullable(),
    verdictReason: z.string(),
    /** The wave-level evaluation of the plan's criteria (the GO/NO-GO table); empty while running. */
    criteria: z.array(criterionSchema),
    checkpoints: z.array(checkpointRefSchema),
    alerts: z.array(alertSchema),
    operatorActions: z.array(operatorActionSchema),
    rollback: rollbackSchema.nullable(),
    timeline: z.array(timelineEventSchema),
    /** Monitor ticks skipped because collection took longer than a (compressed) tick. */
    skippedTicks: count,
  })
  .strict();
export type WaveRecord = z.infer<typeof waveRecordSchema>;

/** wave.json: the wave record plus the file's identity. */
export const waveFileSchema = waveRecordSchema
  .extend(fileHeader('wavewatch.wave', FILE_SCHEMA_VERSION))
  .strict()
  .meta({ title: 'wavewatch wave.json' });
export type WaveFile = z.infer<typeof waveFileSchema>;

// Everything measured and judged at one checkpoint (one collection of it): the record the checkpoint
// folder's files are written from and read back into.
import { z } from 'zod';
import { agentInstanceSchema, errorEntrySchema } from './agents';
import { alertSchema, operatorActionSchema } from './alerts';
import { checkpointVerdictSchema, count, iso, readingSchema } from './common';
import { hostSchema } from './hosts';
import { comparisonSchema, criterionSchema, findingSchema } from './judgement';
import { natsSchema, probeSchema } from './nats';
import { watchPartSchema } from './watch';

/** The checkpoint email's metrics for the agents under test (judge/headline.ts). */
export const headlineSchema = z
  .object({
    uptimePct: readingSchema,
    errorRatePct: readingSchema,
    deliveryPct: readingSchema,
    latencyP50Ms: readingSchema,
    latencyP99Ms: readingSchema,
    dualPublishPct: readingSchema,
    agentRefPct: readingSchema,
  })
  .strict()
  .meta({
    id: 'Headline',
    description: "The spec's checkpoint-email metrics for the agents under test, as the judge measured them: a criterion's value where a criterion judged the metric at this checkpoint, else the judge's measurement over the checkpoint window.",
  });
export type Headline = z.infer<typeof headlineSchema>;

export const checkpointRecordSchema = z
  .object({
    /** plan.wave.name. */
    wave: z.string().min(1),
    /** The workflow id of this wave run. */
    waveId: z.string().min(1),
    /** Checkpoint name from the plan ("T+6h"), or a manual collection's name. */
    checkpoint: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.+_-]{0,63}$/),
    /** 0 for the checkpoint's own collection; n for the n-th re-collection, kept in "<name>.recollect-n/". */
    collection: count,
    /** Why it was re-collected (operator's reason); absent for collection 0. */
    collectionReason: z.string().optional(),
    /** The plan's offset of this checkpoint from monitoring start, ms (unscaled). */
    offsetMs: z.number().min(0),
    /** When the checkpoint was due, when collection started and finished. */
    dueAt: iso,
    startedAt: iso,
    finishedAt: iso,
    /** Start of the window this checkpoint measures (monitoring start, or the previous checkpoint). */
    windowStart: iso,
    verdict: checkpointVerdictSchema,
    /** One line for people: why this verdict. */
    verdictReason: z.string(),
    /** The plan's actions performed at this checkpoint (decide which extra files are written). */
    actions: z.array(z.string()),
    criteria: z.array(criterionSchema),
    /** The spec's checkpoint-email metrics for the agents under test, as the judge measured them. */
    headline: headlineSchema,
    agents: z.array(agentInstanceSchema),
    probes: z.array(probeSchema),
    nats: natsSchema,
    hosts: z.array(hostSchema),
    /** Error entries of the window (capped by the collector); `omitted` counts the rest. */
    errorLog: z.object({ entries: z.array(errorEntrySchema), omitted: count }).strict(),
    /** Test vs control, as judged; null when the checkpoint does not compare (a simple comparison is then derived for comparison.json). */
    comparison: comparisonSchema.nullable(),
    findings: z.array(findingSchema),
    /** Alerts active or raised since the previous checkpoint. */
    alerts: z.array(alertSchema),
    /** Operator actions since the previous checkpoint. */
    operatorActions: z.array(operatorActionSchema),
    /** Collection-level gaps: "NATS monitoring endpoint unreachable: ECONNREFUSED". */
    gaps: z.array(z.string()),
    /** What the continuous watch saw in the window; null: the watch was off or left no report; absent: recorded before the watch existed. */
    watch: watchPartSchema.nullable().optional(),
  })
  .strict();
export type CheckpointRecord = z.infer<typeof checkpointRecordSchema>;

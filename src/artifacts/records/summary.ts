// The checkpoint folder's JSON files: summary.json (aggregated metrics), agent_status.json and
// system_metrics.json (the per-instance and per-host detail).
import { z } from 'zod';
import { agentInstanceSchema } from './agents';
import { alertSchema, operatorActionSchema } from './alerts';
import { checkpointVerdictSchema, count, FILE_SCHEMA_VERSION, fileHeader, iso, readingSchema, roleSchema, SUMMARY_SCHEMA_VERSION } from './common';
import { hostSchema } from './hosts';
import { comparisonSchema, criterionSchema, findingSchema } from './judgement';
import { natsSchema, probeSchema } from './nats';
import { headlineSchema } from './checkpoint';
import { watchPartSchema } from './watch';

/** Per-role rollup in summary.json: derived from the record's instances and probes. */
export const roleSummarySchema = z
  .object({
    agents: z.array(z.string()).describe('agent names of this role'),
    instances: count.describe('agent instances (agent × host)'),
    active: count.describe('instances whose ActiveState is "active"'),
    uptimePctMin: readingSchema.describe('lowest instance uptime over the window, %'),
    restarts: readingSchema.describe('restarts since monitoring start, summed'),
    errors: readingSchema.describe('error entries in the window, summed'),
    messages: readingSchema.describe('messages handled in the window, summed'),
    errorRatePct: readingSchema.describe('errors ÷ messages × 100 over the role'),
    memoryBytesMean: readingSchema,
    memoryBytesMax: readingSchema,
    cpuPctMean: readingSchema,
    latencyP50MsMax: readingSchema.describe('the worst agent p50 of the role (percentiles do not average)'),
    latencyP99MsMax: readingSchema.describe('the worst agent p99 of the role'),
    deliveryPct: readingSchema.describe('probe replies ÷ requests over the role, %'),
  })
  .strict()
  .meta({ id: 'RoleSummary' });
export type RoleSummary = z.infer<typeof roleSummarySchema>;

/** summary.json: the checkpoint's aggregated metrics (everything except per-instance and per-host detail). */
export const summarySchema = z
  .object({
    ...fileHeader('wavewatch.checkpoint-summary', SUMMARY_SCHEMA_VERSION),
    wave: z.string().min(1),
    waveId: z.string().min(1),
    checkpoint: z.string(),
    collection: count.describe('0 for the checkpoint itself; n for the n-th re-collection (folder "<checkpoint>.recollect-n")'),
    collectionReason: z.string().optional(),
    offsetMs: z.number().min(0).describe('planned offset from monitoring start, ms (unscaled)'),
    dueAt: iso,
    startedAt: iso,
    finishedAt: iso,
    windowStart: iso.describe('start of the window this checkpoint measures'),
    verdict: checkpointVerdictSchema,
    verdictReason: z.string(),
    actions: z.array(z.string()).describe("the plan's actions performed at this checkpoint"),
    headline: headlineSchema,
    roles: z.object({ test: roleSummarySchema, control: roleSummarySchema }).strict(),
    criteria: z.array(criterionSchema),
    probes: z.array(probeSchema),
    nats: natsSchema,
    errors: z
      .object({
        logFile: z.literal('errors.log'),
        entries: count.describe('entries written to errors.log'),
        omitted: count.describe('entries the collector left out (cap)'),
        byType: z
          .array(z.object({ agent: z.string(), role: roleSchema, type: z.string(), count, recurring: z.boolean(), hosts: z.array(z.string()) }).strict())
          .describe('error types over all instances, most frequent first; per-instance detail is in agent_status.json'),
      })
      .strict(),
    comparison: comparisonSchema.nullable(),
    findings: z.array(findingSchema),
    alerts: z.array(alertSchema),
    operatorActions: z.array(operatorActionSchema),
    gaps: z.array(z.string()),
    watch: watchPartSchema.nullable().optional().describe('what the continuous watch saw since the previous checkpoint; null: the watch was off or left no report'),
    files: z.array(z.string()).describe('the files of this checkpoint folder'),
    renderProblems: z.array(z.string()).optional().describe('derived files that could not be rendered (written as a note instead)'),
  })
  .strict()
  .meta({ title: 'wavewatch checkpoint summary.json', description: 'Aggregated metrics of one checkpoint of a monitored deployment wave.' });
export type SummaryFile = z.infer<typeof summarySchema>;

/** The header of a checkpoint's detail files (agent_status.json, system_metrics.json): which collection of which checkpoint, collected when. */
function detailFileHeader<N extends string>(name: N) {
  return { ...fileHeader(name, FILE_SCHEMA_VERSION), wave: z.string(), checkpoint: z.string(), collection: count, collectedAt: iso };
}

export const agentStatusFileSchema = z
  .object({
    ...detailFileHeader('wavewatch.agent-status'),
    agents: z.array(agentInstanceSchema),
  })
  .strict()
  .meta({ title: 'wavewatch checkpoint agent_status.json' });
export type AgentStatusFile = z.infer<typeof agentStatusFileSchema>;

export const systemMetricsFileSchema = z
  .object({
    ...detailFileHeader('wavewatch.system-metrics'),
    natsServerReachable: z.boolean().nullable(),
    hosts: z.array(hostSchema),
  })
  .strict()
  .meta({ title: 'wavewatch checkpoint system_metrics.json' });
export type SystemMetricsFile = z.infer<typeof systemMetricsFileSchema>;

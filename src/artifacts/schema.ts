// The records' zod schemas (./records/, one file per kind of record): the runtime check before a file
// is written or after it is read, the source of the record types (./types.ts) and of the JSON Schema
// files under schemas/ (`jsonSchemas()` below, written by `WAVEWATCH_UPDATE_SCHEMAS=1 npx jest test/artifacts/schema`).
import { z } from 'zod';
import { alertLogEntrySchema } from './records/alerts';
import { agentStatusFileSchema, summarySchema, systemMetricsFileSchema } from './records/summary';
import { waveFileSchema } from './records/wave';

export { FILE_SCHEMA_VERSION, SUMMARY_SCHEMA_VERSION, readingSchema } from './records/common';
export { criterionSchema, comparisonSchema, findingSchema } from './records/judgement';
export { agentInstanceSchema, errorEntrySchema } from './records/agents';
export { natsSchema, probeSchema } from './records/nats';
export { hostSchema } from './records/hosts';
export { alertLogEntrySchema, alertSchema, operatorActionSchema } from './records/alerts';
export { checkpointRecordSchema } from './records/checkpoint';
export { monitorSampleSchema } from './records/monitor';
export { agentStatusFileSchema, headlineSchema, roleSummarySchema, summarySchema, systemMetricsFileSchema } from './records/summary';
export { waveFileSchema, waveRecordSchema } from './records/wave';
export type { AgentStatusFile, Headline, RoleSummary, SummaryFile, SystemMetricsFile } from './records/summary';
export type { WaveFile } from './records/wave';

/** The JSON Schema files of schemas/, by file name. */
export function jsonSchemas(): Record<string, unknown> {
  const gen = (s: z.ZodType) => z.toJSONSchema(s, { target: 'draft-2020-12', unrepresentable: 'throw' });
  return {
    'summary.schema.json': gen(summarySchema),
    'agent_status.schema.json': gen(agentStatusFileSchema),
    'system_metrics.schema.json': gen(systemMetricsFileSchema),
    'alert_log_entry.schema.json': gen(alertLogEntrySchema),
    'wave.schema.json': gen(waveFileSchema),
  };
}

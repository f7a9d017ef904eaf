// The JSON Schema files under schemas/, generated from the records' zod schemas (./records/, the
// single definition) so the published files cannot drift from the runtime check. Written by
// `WAVEWATCH_UPDATE_SCHEMAS=1 npx jest test/artifacts/schema`.
import { z } from 'zod';
import { alertLogEntrySchema } from './records/alerts';
import { agentStatusFileSchema, summarySchema, systemMetricsFileSchema } from './records/summary';
import { waveFileSchema } from './records/wave';

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

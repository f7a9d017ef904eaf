// The building blocks every record shares. Conventions of all the records:
// - Times are ISO 8601 strings in UTC ("2026-01-23T10:00:00.000Z"); never Date objects.
// - A number that could not be measured is a `Reading` with `value: null` and a `reason`: missing
//   data is recorded as a gap, never invented, never 0.
// - Percentages are 0–100. Bytes are bytes. Latencies are milliseconds.
// - `role` is 'test' for agents under test, 'control' for control agents.
import { z } from 'zod';
import { count } from '../../model/fields';
import type { CheckpointVerdict, Role } from '../../model/vocabulary';

/** Bumped when a field is removed or changes meaning; adding an optional field keeps the version. */
export const SUMMARY_SCHEMA_VERSION = 1 as const;
export const FILE_SCHEMA_VERSION = 1 as const;

// The words and their runtime checks are the model's (src/model/vocabulary.ts, src/model/fields.ts),
// shared with the status query; re-exported here so every record file takes its pieces from one place.
export { checkpointVerdictSchema, count, iso, roleSchema } from '../../model/fields';
export type { CheckpointVerdict, Role };

/**
 * The first two fields of every JSON file wavewatch writes (summary.json, agent_status.json,
 * system_metrics.json, hourly/T+NNh.json, wave.json): the format's name and version, so a reader can
 * tell what a file holds before reading it. Spread first into the file's z.object (or `.extend`ed).
 */
export function fileHeader<N extends string, V extends number>(name: N, version: V) {
  return { schema: z.literal(name), schemaVersion: z.literal(version) };
}

/** A measured number, or null with the reason it is missing. */
export const readingSchema = z
  .union([
    z
      .object({
        value: z.number(),
        /** A caveat about the value, e.g. "p999 rests on 100 samples (< 1000)". */
        reason: z.string().optional(),
        /** How many samples or units the value rests on (probes, messages, instances). */
        samples: count.optional(),
      })
      .strict(),
    z
      .object({
        value: z.null(),
        /** Why there is no value: "host dgx-2 unreachable", "no messages handled in the window". */
        reason: z.string().min(1),
        samples: count.optional(),
      })
      .strict(),
  ])
  .meta({ id: 'Reading', description: 'A measured number, or null with the reason it is missing (never invented).' });
export type Reading = z.infer<typeof readingSchema>;

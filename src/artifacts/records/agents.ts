// The agents at a checkpoint: one record per agent instance (agent × host) and the error entries they logged.
import { z } from 'zod';
import { count, iso, readingSchema, roleSchema } from './common';

/** One normalised error message of one agent instance, with how often it occurred in the window. */
export const errorTypeSchema = z
  .object({
    /** Normalised message (numbers, ids, addresses replaced), the grouping key. */
    type: z.string(),
    count,
    /** true when it occurred in more than one window or more than a few times; false for a one-off. */
    recurring: z.boolean(),
    firstAt: iso.nullable(),
    lastAt: iso.nullable(),
    /** One original message, for people. */
    example: z.string(),
  })
  .strict();
export type ErrorTypeRecord = z.infer<typeof errorTypeSchema>;

/** One agent instance (agent × host) at a checkpoint. */
export const agentInstanceSchema = z
  .object({
    agent: z.string(),
    host: z.string(),
    role: roleSchema,
    /** Capability cluster of an agent under test (Wave 2: infrastructure, quality-assurance); null for control. */
    cluster: z.string().nullable(),
    /** systemd unit, e.g. "agent-runtime@network-expert". */
    unit: z.string(),
    /** systemd states as reported (ActiveState, SubState, LoadState); null with `reason` when not collected. */
    state: z
      .object({ active: z.string().nullable(), sub: z.string().nullable(), load: z.string().nullable(), reason: z.string().optional() })
      .strict(),
    /** ActiveEnterTimestamp: when the unit last became active. */
    activeSince: iso.nullable(),
    /** Seconds since the unit last became active. */
    uptimeSeconds: readingSchema,
    /** Share of the checkpoint's window (or the wave, see `uptimeWindow`) the unit was active, %. */
    uptimePct: readingSchema,
    /** Restarts since monitoring start (NRestarts delta or new ActiveEnterTimestamps). */
    restarts: readingSchema,
    /** Resident memory (MemoryCurrent), bytes. */
    memoryBytes: readingSchema,
    /** CPU use over the window (CPUUsageNSec delta / wall time), % of one core. */
    cpuPct: readingSchema,
    /** Error entries in the checkpoint's window. */
    errors: readingSchema,
    /** Messages handled in the window (NATS /connz in+out deltas of the agent's connection). */
    messages: readingSchema,
    /** errors ÷ messages × 100; null when no messages were handled ("no data", never 0 %). */
    errorRatePct: readingSchema,
    /** Error types found in the window, most frequent first. */
    errorTypes: z.array(errorTypeSchema),
  })
  .strict()
  .meta({ id: 'AgentInstance' });
export type AgentInstanceRecord = z.infer<typeof agentInstanceSchema>;

/** One error entry as logged (written to errors.log, one line each). */
export const errorEntrySchema = z
  .object({
    at: iso,
    host: z.string(),
    agent: z.string(),
    role: roleSchema,
    /** syslog priority (0–7) when the journal gave one; null for a stdout line matched by the error pattern. */
    priority: z.number().int().min(0).max(7).nullable(),
    message: z.string(),
  })
  .strict();
export type ErrorEntry = z.infer<typeof errorEntrySchema>;

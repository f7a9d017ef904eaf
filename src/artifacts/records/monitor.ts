// One sample of the continuous monitor (one tick), for the hourly trends and the charts.
import { z } from 'zod';
import { count, iso, roleSchema } from './common';

export const monitorSampleSchema = z
  .object({
    at: iso,
    /** Length of the window this tick measured, ms (errors and messages are counts over it). */
    windowMs: z.number().min(0),
    agents: z.array(
      z
        .object({
          agent: z.string(),
          host: z.string(),
          role: roleSchema,
          /** ActiveState is "active". null when not collected. */
          active: z.boolean().nullable(),
          memoryBytes: z.number().nullable(),
          cpuPct: z.number().nullable(),
          errors: z.number().nullable(),
          messages: z.number().nullable(),
          restarts: z.number().nullable(),
        })
        .strict(),
    ),
    /** The tick's light probe per agent. */
    probes: z.array(
      z
        .object({ agent: z.string(), role: roleSchema, sent: count, received: count, p50Ms: z.number().nullable(), p99Ms: z.number().nullable() })
        .strict(),
    ),
    hosts: z.array(
      z
        .object({
          host: z.string(),
          reachable: z.boolean(),
          load1: z.number().nullable(),
          memoryUsedPct: z.number().nullable(),
          diskUsedPct: z.number().nullable(),
        })
        .strict(),
    ),
    natsReachable: z.boolean().nullable(),
  })
  .strict();
export type MonitorSample = z.infer<typeof monitorSampleSchema>;

// One sample of the continuous monitor (one tick), for the hourly trends and the charts, and the
// hourly data file (<output.dir>/hourly/T+NNh.json) that keeps an hour's samples.
import { z } from 'zod';
import { count, FILE_SCHEMA_VERSION, fileHeader, iso, roleSchema } from './common';

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

/** hourly/T+NNh.json: the monitor samples of one plan hour. */
export const hourlyFileSchema = z
  .object({
    ...fileHeader('wavewatch.hourly', FILE_SCHEMA_VERSION),
    wave: z.string(),
    waveId: z.string(),
    hour: z.number().int().min(1),
    timeScale: z.number().positive(),
    from: z.string(),
    to: z.string(),
    samples: z.array(monitorSampleSchema),
  })
  .strict();

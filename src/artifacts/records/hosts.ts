// The hosts at a checkpoint: system resources (the spec's section 5) and GPUs.
import { z } from 'zod';
import { count, readingSchema } from './common';

/** One GPU of a host (nvidia-smi). */
export const gpuSchema = z
  .object({
    index: count,
    name: z.string().nullable(),
    utilizationPct: z.number().nullable(),
    memoryUsedPct: z.number().nullable(),
    temperatureC: z.number().nullable(),
    /** false when nvidia-smi reports a fault (XID, ECC, throttling for power/thermal); null when unknown. */
    healthy: z.boolean().nullable(),
    reason: z.string().optional(),
  })
  .strict();
export type GpuRecord = z.infer<typeof gpuSchema>;

/** One host's system resources at a checkpoint (the spec's section 5). */
export const hostSchema = z
  .object({
    host: z.string(),
    /** false when the host could not be reached over SSH; all readings are then null with the reason. */
    reachable: z.boolean(),
    reason: z.string().optional(),
    load1: readingSchema,
    load5: readingSchema,
    load15: readingSchema,
    memory: z
      .object({ totalBytes: readingSchema, usedBytes: readingSchema, availableBytes: readingSchema, cachedBytes: readingSchema, usedPct: readingSchema })
      .strict(),
    /** The filesystem holding the agents' install path. */
    disk: z
      .object({ path: z.string(), totalBytes: readingSchema, usedBytes: readingSchema, availableBytes: readingSchema, usedPct: readingSchema })
      .strict(),
    /** Client connections of this host at the NATS server (/connz), not `ss`. */
    natsConnections: readingSchema,
    /** Per-interface bandwidth from /proc/net/dev, where available (empty when not). */
    network: z.array(z.object({ iface: z.string(), rxBytesPerSec: z.number().nullable(), txBytesPerSec: z.number().nullable() }).strict()),
    gpus: z.array(gpuSchema),
    /** Why `gpus` is empty (no nvidia-smi, command failed), when it is. */
    gpuReason: z.string().optional(),
  })
  .strict()
  .meta({ id: 'Host' });
export type HostRecord = z.infer<typeof hostSchema>;

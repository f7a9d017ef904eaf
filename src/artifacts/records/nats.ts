// NATS at a checkpoint: the request/reply probes per agent and the subject sampling (the spec's
// sections 3 and 4) with the connection facts beside it.
import { z } from 'zod';
import { count, iso, readingSchema, roleSchema } from './common';

/** Request/reply probes of one agent (answered by one of its instances), or of one instance when `host` is set. */
export const probeSchema = z
  .object({
    agent: z.string(),
    role: roleSchema,
    /** Set when a per-instance subject was probed; null for the agent's queue group. */
    host: z.string().nullable(),
    subject: z.string(),
    sent: count,
    received: count,
    timeouts: count,
    noResponders: count,
    /** Replies that were not valid JSON. */
    corrupt: count,
    /** received ÷ sent × 100. */
    deliveryPct: readingSchema,
    p50Ms: readingSchema,
    p99Ms: readingSchema,
    /** Needs ≥ 1000 samples; with fewer the value may be given with a `reason` saying so, or be null. */
    p999Ms: readingSchema,
    maxMs: readingSchema,
    /** Replies per second over the probe run. */
    throughputPerSec: readingSchema,
  })
  .strict()
  .meta({ id: 'Probe' });
export type ProbeRecord = z.infer<typeof probeSchema>;

/** One subject pattern's traffic in the sampling window. */
export const patternTrafficSchema = z
  .object({
    /** The pattern, e.g. "cim-agent.>". */
    pattern: z.string(),
    messages: count,
    uniqueSubjects: count,
    /** Messages per minute over the window. */
    perMinute: readingSchema,
  })
  .strict();
export type PatternTraffic = z.infer<typeof patternTrafficSchema>;

/** Whether one agent instance's NATS connection subscribes to both patterns (server /connz?subs=1). */
export const dualSubscriptionSchema = z
  .object({
    agent: z.string(),
    host: z.string(),
    /** The connection's name as the server reports it; null when no such connection was found. */
    connection: z.string().nullable(),
    legacy: z.boolean().nullable(),
    unified: z.boolean().nullable(),
    reason: z.string().optional(),
  })
  .strict();
export type DualSubscriptionRecord = z.infer<typeof dualSubscriptionSchema>;

/** NATS subject sampling at a checkpoint (the spec's section 3) and the connection facts beside it. */
export const natsSchema = z
  .object({
    /** false when the checkpoint did not sample (not among its actions) or sampling failed; see `reason`. */
    sampled: z.boolean(),
    reason: z.string().optional(),
    windowStart: iso.nullable(),
    windowEnd: iso.nullable(),
    windowMs: z.number().min(0).nullable(),
    legacy: patternTrafficSchema.nullable(),
    unified: patternTrafficSchema.nullable(),
    /** Unified pattern's share of all sampled messages, %. */
    agentRefPct: readingSchema,
    /** Messages seen on both patterns ÷ messages seen on either, %. */
    dualPublishPct: readingSchema,
    /** How the dual-publish pairing came out; null when not sampled. */
    pairing: z
      .object({
        paired: count,
        legacyOnly: count,
        unifiedOnly: count,
        /** Unpaired messages seen within the grace period at the window's end (not counted as failures). */
        pendingAtEnd: count,
      })
      .strict()
      .nullable(),
    /** Dual-publish skew (time between the two copies) p50 and p99, ms; p99 is the spec's "publish time". */
    publishSkewP50Ms: readingSchema,
    publishSkewP99Ms: readingSchema,
    /** The busiest subjects, most messages first (capped); `subjectsOmitted` counts the rest. */
    topSubjects: z.array(z.object({ subject: z.string(), pattern: z.enum(['legacy', 'unified', 'other']), messages: count }).strict()),
    subjectsOmitted: count,
    /** Per agent instance under test: subscribed to both patterns? (T+1h "dual subscription working"). */
    dualSubscription: z.array(dualSubscriptionSchema),
    /** Sampled payloads on JSON subjects that did not parse. */
    corruptPayloads: count,
    /** Agent connections dropped or replaced in the window. */
    connectionDrops: readingSchema,
    /** Whether the NATS server (monitoring endpoint) answered; null when not checked. */
    serverReachable: z.boolean().nullable(),
  })
  .strict()
  .meta({ id: 'Nats' });
export type NatsRecord = z.infer<typeof natsSchema>;

// What the continuous watch saw between the monitor's looks (issue 14): events with a start, an end
// and their evidence, never a judgement. The watch (collect/watch) writes them to the wave's store;
// the judge reads those overlapping a window through the observation and its metrics
// (nats.outage_count, nats.outage_seconds, agent.silent_seconds, watch.blind_seconds). Declared in
// the model because the collector that writes and the judge that reads must speak one shape.
import { z } from 'zod';

export const watchEventKindSchema = z.enum([
  /** wavewatch's own connection to a NATS server was down (the client's disconnect → reconnect). */
  'nats-outage',
  /** An agent answered none of the watch's light probes for longer than the plan's silence allowance. */
  'agent-silent',
  /** An agent instance's named NATS connection was gone from the server (/connz), or replaced. */
  'instance-offline',
  /** The watch's SSH connection to a host dropped (keepalives unanswered, closed) until it was back. */
  'host-dropped',
  /** The watch itself was not watching (its worker died, a new run started it again): not the fleet's outage. */
  'watch-blind',
]);
export type WatchEventKind = z.infer<typeof watchEventKindSchema>;

export const watchEventSchema = z
  .object({
    kind: watchEventKindSchema,
    /** What it is about: a server URL, an agent, an instance (`agent@host`), a host, or `watch`. */
    subject: z.string().min(1),
    /** For agents and instances: under test or control; null otherwise. */
    role: z.enum(['test', 'control']).nullable(),
    /** Epoch ms: when it began (the last good sign before it, where that is what is known). */
    startMs: z.number().int().nonnegative(),
    /** Epoch ms: when it ended; null while it lasts. */
    endMs: z.number().int().nonnegative().nullable(),
    /** Further episodes of the same subject merged into this one (a flapping link is one event with a count). */
    flaps: z.number().int().nonnegative(),
    /** For agent-silent: the watch's probes of the agent that got no answer during the event. */
    lostProbes: z.number().int().nonnegative(),
    /** What was seen, in words: the client's error, the reconnect, the replacing connection's id. */
    evidence: z.string(),
  })
  .strict();
export type WatchEvent = z.infer<typeof watchEventSchema>;

/** One watcher's record (one object per watcher in the wave's store, rewritten whole as it goes). */
export const watchReportSchema = z
  .object({
    schema: z.literal('wavewatch/watch'),
    schemaVersion: z.literal(1),
    waveId: z.string().min(1),
    /** Which watcher wrote it: `<runId>/<attempt>` — a restarted watch writes its own object. */
    watcher: z.string().min(1),
    startedAtMs: z.number().int().nonnegative(),
    /** The last time this watcher was known to be watching (written with every save). */
    lastBeatMs: z.number().int().nonnegative(),
    events: z.array(watchEventSchema),
    /** Events not kept once a subject's cap was reached (counted, never silently lost). */
    eventsDropped: z.number().int().nonnegative(),
    /** The watch's own traffic: light probes sent and answered, for its cost and its loss. */
    probesSent: z.number().int().nonnegative(),
    probesAnswered: z.number().int().nonnegative(),
  })
  .strict();
export type WatchReport = z.infer<typeof watchReportSchema>;

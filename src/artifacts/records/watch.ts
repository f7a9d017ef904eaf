// The checkpoint record's `watch` part: what the continuous watch saw in the checkpoint's window
// (issue 14), each event with its own start, end and duration (not clipped to the window).
import { z } from 'zod';
import { watchEventKindSchema } from '../../model/watch';
import { count, iso, roleSchema } from './common';

export const watchPartSchema = z
  .object({
    /** The window the events were taken for. */
    from: iso,
    to: iso,
    /** False when for part of the window no watcher was watching (that stretch is a 'watch-blind' event). */
    covered: z.boolean(),
    events: z.array(
      z
        .object({
          kind: watchEventKindSchema,
          /** A server URL, an agent, an instance (`agent@host`), a host, or `watch`. */
          subject: z.string().min(1),
          role: roleSchema.nullable(),
          start: iso,
          /** null: still going on at the window's end. */
          end: iso.nullable(),
          durationSeconds: z.number().nonnegative().nullable(),
          /** Further episodes merged into this one (a flapping link). */
          flaps: count,
          lostProbes: count,
          evidence: z.string(),
        })
        .strict(),
    ),
    /** Events the watchers did not keep over their whole run once a subject's cap was reached (counted, never silently lost). */
    eventsDropped: count,
  })
  .strict()
  .meta({ id: 'WatchPart', description: "What the continuous watch saw in the checkpoint's window: NATS outages, silent agents, offline instances, dropped hosts and its own blind stretches." });
export type WatchPart = z.infer<typeof watchPartSchema>;

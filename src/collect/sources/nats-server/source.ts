// The NATS server's statistics (/varz, /connz): per-agent message deltas, drops, slow consumers.
// Carries the server snapshot the next collection's deltas are measured from.
import { collectServerStats } from '../../nats/server';
import type { Source } from '../../source';
import { natsServerSpec } from './spec';

export function natsServerSource(): Source<'server'> {
  return {
    ...natsServerSpec,
    async collect(plan, ctx) {
      const result = await collectServerStats(plan, { previous: ctx.carry.server });
      // An unreachable endpoint leaves no snapshot: the next collection measures from the old one.
      return { result, carry: { server: result.snapshot ?? ctx.carry.server } };
    },
  };
}

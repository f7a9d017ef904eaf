// Latency probes of every agent (request/reply at a fixed rate, re-probing an agent that lost replies).
import { probeAgents } from '../../nats/probes';
import type { Source } from '../../source';
import { probesSpec } from './spec';

export function probesSource(): Source<'probes'> {
  return {
    ...probesSpec,
    async collect(plan, ctx) {
      // The T+0 baseline is the wave's reference: a first round warms connections and code paths and
      // is discarded, so the reference is not the slowest moment of the wave.
      if (ctx.kind === 'baseline') await probeAgents(plan, { kind: 'tick', ratePerSecond: ctx.probeRatePerSecond, signal: ctx.signal }).catch(() => null);
      return { result: await probeAgents(plan, { kind: ctx.kind, ratePerSecond: ctx.probeRatePerSecond, signal: ctx.signal }) };
    },
  };
}

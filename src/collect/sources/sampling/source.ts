// The NATS sampling window (checkpoints): both subject patterns, dual-publish pairing, per agent.
import { sampleTraffic } from '../../nats/sampler';
import type { Source } from '../../source';
import { samplingSpec } from './spec';

export function samplingSource(): Source<'sampling'> {
  return {
    ...samplingSpec,
    async collect(plan, ctx) {
      const result = await sampleTraffic({ plan, windowMs: ctx.samplingWindowMs, signal: ctx.signal, attempt: ctx.attempt, onProgress: () => ctx.progress('sampling') });
      return { result };
    },
  };
}

// The quick NATS check: client port, monitoring endpoint, /healthz, the agents' named connections.
import { natsHealth } from '../../nats/health';
import type { Source } from '../../source';
import { natsHealthSpec } from './spec';

export function natsHealthSource(): Source<'health'> {
  return {
    ...natsHealthSpec,
    async collect(plan) {
      return { result: await natsHealth(plan) };
    },
  };
}

// The sampling source's spec, I/O-free (the workflow imports it through src/collect/budget.ts).
import type { Plan } from '../../../plan/schema';
import { NATS_CLOSE_MS, NATS_CONNECT_MS, NATS_DRAIN_MS, NATS_FLUSH_MS, SAMPLER_FETCH_MS, WINDOW_END_FLUSH_EXTRA_MS } from '../../nats/limits';
import type { CollectionKind, SourceSpec } from '../../source';

/**
 * Worst case (checkpoints only): connect, the slow-consumer read before, the subscribe flush, lead-in,
 * the window, the end-of-window flush (grace plus its extra, which also covers the grace wait), the
 * drain, the two reads after, close. The plan's window bounds the scaled one (never below minWindow).
 */
export function samplingBudget(plan: Plan, kind: CollectionKind): number {
  if (kind !== 'checkpoint') return 0;
  const s = plan.nats.sampling;
  const window = Math.max(s.window, s.minWindow);
  return NATS_CONNECT_MS + SAMPLER_FETCH_MS + NATS_FLUSH_MS + s.skewWindow + window + s.grace + WINDOW_END_FLUSH_EXTRA_MS + NATS_DRAIN_MS + 2 * SAMPLER_FETCH_MS + NATS_CLOSE_MS;
}

export const samplingSpec: SourceSpec<'sampling'> = {
  name: 'sampling',
  kinds: ['checkpoint'],
  stage: 'beside',
  budget: samplingBudget,
};

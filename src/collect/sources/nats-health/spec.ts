// The NATS health source's spec, I/O-free (the workflow imports it through src/collect/budget.ts).
import type { Plan } from '../../../plan/schema';
import { HEALTH_CLOSE_MS, HEALTH_CONNECT_EXTRA_MS, HEALTH_TIMEOUT_MS } from '../../nats/limits';
import type { CollectionKind, SourceSpec } from '../../source';

/** Worst case: the client check (connect, flush, close) beside the two monitoring reads. */
export function natsHealthBudget(_plan: Plan, _kind: CollectionKind): number {
  const client = HEALTH_TIMEOUT_MS + HEALTH_CONNECT_EXTRA_MS + HEALTH_TIMEOUT_MS + HEALTH_CLOSE_MS;
  return Math.max(client, HEALTH_TIMEOUT_MS);
}

export const natsHealthSpec: SourceSpec<'health'> = {
  name: 'health',
  kinds: ['baseline', 'tick', 'checkpoint'],
  stage: 'beside',
  budget: natsHealthBudget,
};

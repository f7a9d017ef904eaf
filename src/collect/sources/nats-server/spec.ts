// The NATS server statistics source's spec, I/O-free (the workflow imports it through src/collect/budget.ts).
import type { Plan } from '../../../plan/schema';
import { CONNZ_PAGE, MONITOR_FETCH_MS, SERVER_MAX_CLOSED } from '../../nats/limits';
import type { CollectionKind, SourceSpec } from '../../source';

/**
 * Worst case: /healthz and /varz, the open connections' pages (the plan's agent instances plus one
 * page for wavewatch's own and other clients), the closed connections' pages (as many as the server
 * keeps), each read waiting its whole timeout, one after the other.
 */
export function natsServerBudget(plan: Plan, _kind: CollectionKind): number {
  const instances = plan.hosts.length * (plan.agents.underTest.length + plan.agents.control.length);
  const openPages = Math.ceil(instances / CONNZ_PAGE) + 1;
  const closedPages = Math.ceil(SERVER_MAX_CLOSED / CONNZ_PAGE);
  return (2 + openPages + closedPages) * MONITOR_FETCH_MS;
}

export const natsServerSpec: SourceSpec<'server'> = {
  name: 'server',
  kinds: ['baseline', 'tick', 'checkpoint'],
  // After the others: the counters' deltas then cover the same span as the journal reads.
  stage: 'after',
  budget: natsServerBudget,
};

// The probes source's spec, I/O-free (the workflow imports it through src/collect/budget.ts).
import type { Plan } from '../../../plan/schema';
import { NATS_CLOSE_MS, NATS_CONNECT_MS, REPROBE_REQUESTS } from '../../nats/limits';
import type { CollectionKind, SourceSpec } from '../../source';

/**
 * Requests per agent in each probe round of `kind`: the baseline's discarded warm-up round (a tick's
 * worth) and its measured round; a tick's light probe; a checkpoint's full probe.
 */
export function probeRounds(plan: Plan, kind: CollectionKind): number[] {
  const pr = plan.nats.probe;
  if (kind === 'baseline') return [pr.perTick, pr.count];
  return [kind === 'tick' ? pr.perTick : pr.count];
}

/** One paced run of `count` requests: the last one leaves (count-1)/rate s after the first and may wait its timeout. */
function pacedMs(plan: Plan, count: number): number {
  const pr = plan.nats.probe;
  return count > 0 ? ((count - 1) * 1000) / pr.ratePerSecond + pr.timeout : 0;
}

/**
 * Worst case per round: connect, the agents' paced runs (concurrent, so one run), the re-probe of an
 * agent that lost replies, close. The plan's rate bounds the run: the time scale only raises it.
 */
export function probesBudget(plan: Plan, kind: CollectionKind): number {
  const round = (count: number) => NATS_CONNECT_MS + pacedMs(plan, count) + pacedMs(plan, REPROBE_REQUESTS) + NATS_CLOSE_MS;
  return Math.ceil(probeRounds(plan, kind).reduce((sum, n) => sum + round(n), 0));
}

export const probesSpec: SourceSpec<'probes'> = {
  name: 'probes',
  kinds: ['baseline', 'tick', 'checkpoint'],
  // First and alone: SSH collection and parsing running beside them would put their own event-loop
  // delays into the measured latency (seen as a false degradation against T+0).
  stage: 'alone',
  budget: probesBudget,
};

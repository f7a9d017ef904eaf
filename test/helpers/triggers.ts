// A rollback criterion as the judge reports it fired (on a tick or at a checkpoint), with the
// action the policy left: for the workflow's tests, which feed it through fake activities.
import type { RollbackTrigger } from '../../src/judge/rollback-decision';

export function firedTrigger(action: RollbackTrigger['action'], rule = 'rollback-agent-down'): RollbackTrigger {
  const result = { id: rule, title: 'down', metric: 'agents.inactive_count', op: '>', threshold: 0, window: 'tick', outcome: 'fail' as const, value: 1, samples: 6 };
  return { rule, title: 'down', window: 'tick', plannedAction: 'rollback', action, result, evidence: 'dgx-1/network-expert inactive' };
}

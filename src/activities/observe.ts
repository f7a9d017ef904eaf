// From collected agent status to the measurements the rules read. Agents under test and control
// agents are measured apart: only the former can fail the wave (product.md, Who is judged).
import type { Plan } from '../plan/schema';
import type { AgentStatus } from '../collect/hosts/agent-status';
import type { Measurements, RuleResult } from '../judge/rules';
import type { CheckpointVerdict } from '../workflows/status';
import type { InstanceProblem } from './types';

function measureRole(statuses: AgentStatus[]): Measurements {
  const total = statuses.length;
  const unknown = statuses.filter((s) => s.state === 'unknown');
  const known = statuses.filter((s) => s.state !== 'unknown');
  const active = known.filter((s) => s.state === 'active').length;
  const m: Measurements = {
    'agents.unknown_count': { value: unknown.length, samples: total },
    'agents.inactive_count': { value: known.length - active, samples: known.length, note: unknown.length ? `${unknown.length} of ${total} not collected` : undefined },
  };
  if (total === 0) return {};
  m['agents.active_pct'] = unknown.length
    ? { value: null, samples: known.length, error: `state of ${unknown.length} of ${total} instances could not be collected: ${unknown[0].error ?? 'unknown'}` }
    : { value: (100 * active) / total, samples: total };
  return m;
}

export function agentMeasurements(plan: Plan, statuses: AgentStatus[]) {
  const unreachableHosts = [...new Set(statuses.filter((s) => s.state === 'unknown').map((s) => s.host))].filter((host) =>
    statuses.filter((s) => s.host === host).every((s) => s.state === 'unknown'),
  );
  const test = measureRole(statuses.filter((s) => s.role === 'test'));
  const control = measureRole(statuses.filter((s) => s.role === 'control'));
  const hosts = { value: unreachableHosts.length, samples: plan.hosts.length };
  test['hosts.unreachable_count'] = hosts;
  return { test, control, unreachableHosts };
}

export function problemsOf(statuses: AgentStatus[]): InstanceProblem[] {
  return statuses
    .filter((s) => s.state !== 'active')
    .map((s) => ({ host: s.host, agent: s.agent, role: s.role, state: s.state, ...(s.error ? { error: s.error } : {}) }));
}

/** FAIL when a criterion fails; WARNING when one is inconclusive or could not be collected; else PASS. */
export function checkpointVerdict(criteria: RuleResult[], _primary: Set<string>): CheckpointVerdict {
  if (criteria.some((r) => r.outcome === 'fail')) return 'FAIL';
  if (criteria.some((r) => r.outcome === 'inconclusive' || r.outcome === 'error')) return 'WARNING';
  return 'PASS';
}

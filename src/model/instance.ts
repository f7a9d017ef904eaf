// One agent on one host — an instance — and the names it goes by, declared once:
//   instanceKey  "agent@host"  how records, messages and people name an instance;
//   cursorKey    "host/agent"  the key of the instance's journal cursor, and the target of a
//                              rollback step run per agent (remediate; the status and the wave record).
// expectedInstances is the one list of what the plan expects to find: every host in plan order,
// on each the agents under test first, then the control agents.
import type { Plan } from '../plan/schema';
import type { Role } from './vocabulary';

export interface PlanAgentInfo {
  agent: string;
  role: Role;
  /** The agent's cluster (agents under test); null for control agents. */
  cluster: string | null;
}

export interface ExpectedInstance extends PlanAgentInfo {
  host: string;
}

export const instanceKey = (host: string, agent: string): string => `${agent}@${host}`;

export const cursorKey = (host: string, agent: string): string => `${host}/${agent}`;

/** A rollback step's target: the host, or the agent on it for steps run per agent. */
export const rollbackTarget = (host: string, agent: string | null): string => (agent === null ? host : cursorKey(host, agent));

/** The plan's agents, under test first. */
export function planAgentInfo(plan: Plan): PlanAgentInfo[] {
  return [
    ...plan.agents.underTest.map((a) => ({ agent: a.name, role: 'test' as const, cluster: a.cluster })),
    ...plan.agents.control.map((a) => ({ agent: a.name, role: 'control' as const, cluster: null })),
  ];
}

/** The agent's role in the plan; null for an agent the plan does not name. */
export function roleOf(plan: Plan, agent: string): Role | null {
  if (plan.agents.underTest.some((a) => a.name === agent)) return 'test';
  if (plan.agents.control.some((a) => a.name === agent)) return 'control';
  return null;
}

/** Every expected instance (host × agent), hosts in plan order, agents under test first; `roles` narrows. */
export function expectedInstances(plan: Plan, roles: readonly Role[] = ['test', 'control']): ExpectedInstance[] {
  const agents = planAgentInfo(plan).filter((a) => roles.includes(a.role));
  return plan.hosts.flatMap((h) => agents.map((a) => ({ ...a, host: h.name })));
}

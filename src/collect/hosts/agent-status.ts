// Section 1 of the spec: the state of every agent unit (under test and control) on every host.
import type { Plan } from '../../plan/schema';
import { NAME_PATTERN } from '../../plan/schema';
import { parseSystemctlShow, type UnitState } from './parse/systemctl';
import { parseHostClock, hostClockOf, type HostClock } from './parse/clock';
import { systemctlShowCommand, systemctlShowFallbackCommand, withHostClock, failureOf } from './commands';
import { unitName } from './shell';
import { type SshPool, type ExecResult, targetOf } from './ssh-pool';
import { planAgentInfo } from '../../model/instance';

export interface AgentStatus {
  host: string;
  agent: string;
  role: 'test' | 'control';
  unit: string;
  state: UnitState;
  loadState: string | null;
  activeState: string | null;
  subState: string | null;
  /** epoch ms */
  activeEnterTimestamp: number | null;
  activeExitTimestamp: number | null;
  nRestarts: number | null;
  memoryBytes: number | null;
  cpuUsageNSec: number | null;
  mainPid: number | null;
  collectedAt: number;
  /** The host's clock against the worker's, read with the unit (its timestamps are the host's); null when not read. */
  hostClock: HostClock | null;
  exitCode: number | null;
  error?: string;
}

export interface PlanAgent {
  agent: string;
  role: 'test' | 'control';
}

/** The agents of a plan, under test first, optionally narrowed to some names. */
export function planAgents(plan: Plan, only?: string[]): PlanAgent[] {
  const all: PlanAgent[] = planAgentInfo(plan).map(({ agent, role }) => ({ agent, role }));
  return only && only.length ? all.filter((a) => only.includes(a.agent)) : all;
}

export interface CollectOptions {
  /** Per-command timeout; default the plan's ssh.commandTimeout. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Narrow to these agents (default: every agent of the plan). */
  agents?: string[];
}

function unknown(host: string, a: PlanAgent, unit: string, error: string, exitCode: number | null = null): AgentStatus {
  return {
    host, agent: a.agent, role: a.role, unit, state: 'unknown', loadState: null, activeState: null, subState: null,
    activeEnterTimestamp: null, activeExitTimestamp: null, nRestarts: null, memoryBytes: null, cpuUsageNSec: null, mainPid: null,
    collectedAt: Date.now(), hostClock: null, exitCode, error,
  };
}

/** Reads one unit with the host's clock; falls back to the default timestamp format on systemd < 251. */
export async function showUnit(pool: SshPool, host: Plan['hosts'][number], unit: string, timeoutMs: number, signal?: AbortSignal): Promise<ExecResult> {
  const target = targetOf(host);
  let r = await pool.exec(target, withHostClock(systemctlShowCommand(unit)), { timeoutMs, signal });
  if (!r.error && r.exitCode !== 0 && /timestamp/i.test(r.stderr)) r = await pool.exec(target, withHostClock(systemctlShowFallbackCommand(unit)), { timeoutMs, signal });
  return r;
}

/** `collectedAt` is when the result came back: the host's clock was read within its last `r.durationMs`. */
export function agentStatusFromResult(host: string, a: PlanAgent, unit: string, r: ExecResult, collectedAt = Date.now()): AgentStatus {
  const failure = failureOf(r, `systemctl show ${unit}`);
  if (failure) return { ...unknown(host, a, unit, failure, r.exitCode), collectedAt };
  const s = parseSystemctlShow(r.stdout);
  const hostClock = hostClockOf(parseHostClock(r.stdout), collectedAt - r.durationMs, collectedAt);
  const base: AgentStatus = {
    host, agent: a.agent, role: a.role, unit, state: s.state, loadState: s.loadState, activeState: s.activeState, subState: s.subState,
    activeEnterTimestamp: s.activeEnterTimestamp, activeExitTimestamp: s.activeExitTimestamp, nRestarts: s.nRestarts,
    memoryBytes: s.memoryBytes, cpuUsageNSec: s.cpuUsageNSec, mainPid: s.mainPid, collectedAt, hostClock, exitCode: r.exitCode,
  };
  if (s.loadState === null && s.activeState === null) return { ...base, state: 'unknown', error: `systemctl show ${unit}: no LoadState/ActiveState in the output` };
  return base;
}

/**
 * Every host × every agent (under test and control). A host that cannot be reached gives
 * 'unknown' with the error for each of its units; invalid names are refused before any command.
 */
export async function collectAgentStatus(pool: SshPool, plan: Plan, opts: CollectOptions = {}): Promise<AgentStatus[]> {
  const timeoutMs = opts.timeoutMs ?? plan.ssh.commandTimeout;
  const agents = planAgents(plan, opts.agents);
  const jobs: Promise<AgentStatus>[] = [];
  for (const host of plan.hosts) {
    for (const a of agents) {
      let unit: string;
      try {
        unit = unitName(plan.agents.unitTemplate, a.agent);
      } catch (err) {
        jobs.push(Promise.resolve(unknown(host.name, a, '', `refused: ${(err as Error).message}`)));
        continue;
      }
      if (!NAME_PATTERN.test(host.name)) {
        jobs.push(Promise.resolve(unknown(host.name, a, unit, `refused: invalid host name ${JSON.stringify(host.name)}`)));
        continue;
      }
      jobs.push(showUnit(pool, host, unit, timeoutMs, opts.signal).then((r) => agentStatusFromResult(host.name, a, unit, r)));
    }
  }
  return Promise.all(jobs);
}

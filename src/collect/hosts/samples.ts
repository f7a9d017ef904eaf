// What two samples of the same unit say together: CPU % over the interval, restarts between them,
// memory change. Pure; missing inputs give null, never zero.
import type { AgentStatus } from './agent-status';

export interface UnitDelta {
  host: string;
  agent: string;
  intervalMs: number;
  /** NRestarts went up, or the unit entered "active" again (a new ActiveEnterTimestamp). */
  restarted: boolean | null;
  /** NRestarts difference (null when either sample lacks it or the counter went back, e.g. after a reboot). */
  restarts: number | null;
  /** CPU used over the interval as % of one core (null across a restart: CPUUsageNSec restarts from 0). */
  cpuPct: number | null;
  memoryDeltaBytes: number | null;
  /** Time active at the second sample, ms (the host's start time put on the worker's clock when the host's clock was read). */
  uptimeMs: number | null;
}

export function compareUnitSamples(prev: AgentStatus, cur: AgentStatus): UnitDelta {
  const intervalMs = cur.collectedAt - prev.collectedAt;
  const counted = prev.nRestarts !== null && cur.nRestarts !== null && cur.nRestarts >= prev.nRestarts ? cur.nRestarts - prev.nRestarts : null;
  const newStart = prev.activeEnterTimestamp !== null && cur.activeEnterTimestamp !== null ? cur.activeEnterTimestamp !== prev.activeEnterTimestamp : null;
  const restarted = counted !== null && counted > 0 ? true : newStart !== null ? newStart : counted === null ? null : false;
  const sameRun = restarted === false && prev.state === 'active' && cur.state === 'active';
  const cpuPct =
    sameRun && prev.cpuUsageNSec !== null && cur.cpuUsageNSec !== null && intervalMs > 0 && cur.cpuUsageNSec >= prev.cpuUsageNSec
      ? Math.round(((cur.cpuUsageNSec - prev.cpuUsageNSec) / (intervalMs * 1e6)) * 100 * 1000) / 1000
      : null;
  return {
    host: cur.host,
    agent: cur.agent,
    intervalMs,
    restarted,
    restarts: counted,
    cpuPct,
    memoryDeltaBytes: prev.memoryBytes !== null && cur.memoryBytes !== null ? cur.memoryBytes - prev.memoryBytes : null,
    uptimeMs: cur.state === 'active' && cur.activeEnterTimestamp !== null ? Math.max(0, cur.collectedAt - (cur.activeEnterTimestamp - (cur.hostClock?.offsetMs ?? 0))) : null,
  };
}

/** Pairs two collections' statuses by host/agent and compares them. */
export function compareStatusSets(prev: AgentStatus[], cur: AgentStatus[]): UnitDelta[] {
  const byKey = new Map(prev.map((s) => [`${s.host}/${s.agent}`, s]));
  const out: UnitDelta[] = [];
  for (const c of cur) {
    const p = byKey.get(`${c.host}/${c.agent}`);
    if (p) out.push(compareUnitSamples(p, c));
  }
  return out;
}

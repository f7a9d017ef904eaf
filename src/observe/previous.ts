// What a collection needs from the one before it to turn counters into rates: the previous
// Collection itself, or the small UnitCounters carried in the observation log. CPU % of a unit is
// the CPUUsageNSec delta between two samples; network rates are the byte counter deltas.
import type { Collection } from '../collect/wave-collection';
import { compareUnitSamples, type AgentRecord, type AgentStatus, type HostSystem } from '../collect/hosts';
import { instanceKey } from '../model/instance';

/**
 * What the next collection needs from this one to turn counters into rates, small enough to carry
 * (e.g. in the observation log): per agent instance ("agent@host") the CPUUsageNSec counter of an
 * active unit, with its NRestarts and ActiveEnterTimestamp (a restart resets the counter).
 */
export type UnitCounters = Record<string, { nsec: number; at: number; nRestarts?: number | null; activeEnter?: number | null }>;

/** Either the previous collection itself or its counters. */
export type Previous = Collection | UnitCounters | null | undefined;

export function unitCounters(c: Collection): UnitCounters {
  const out: UnitCounters = {};
  for (const a of c.hosts?.agents ?? [])
    if (a.state === 'active' && a.cpuUsageNSec !== null)
      out[instanceKey(a.host, a.agent)] = { nsec: a.cpuUsageNSec, at: a.collectedAt, nRestarts: a.nRestarts, activeEnter: a.activeEnterTimestamp };
  return out;
}

const isCollection = (p: Previous): p is Collection => !!p && typeof (p as Collection).kind === 'string' && 'finishedAt' in (p as object);

/** The previous sample of the same unit, as the collector's record (from a Collection or from counters). */
export function previousUnit(cur: AgentRecord, previous: Previous): AgentStatus | null {
  if (!previous) return null;
  if (isCollection(previous)) return previous.hosts?.agents.find((p) => p.host === cur.host && p.agent === cur.agent) ?? null;
  const k = (previous as UnitCounters)[instanceKey(cur.host, cur.agent)];
  if (!k || typeof k.nsec !== 'number' || typeof k.at !== 'number') return null;
  return {
    ...cur, state: 'active', cpuUsageNSec: k.nsec, collectedAt: k.at, nRestarts: k.nRestarts ?? null, activeEnterTimestamp: k.activeEnter ?? null,
    memoryBytes: null, error: undefined,
  };
}

/** CPU % of one core over the interval between two samples of the same unit; null when it cannot be told (no previous sample, a restart between). */
export function cpuPctOf(cur: AgentRecord, previous: Previous): number | null {
  const prev = previousUnit(cur, previous);
  return prev ? compareUnitSamples(prev, cur).cpuPct : null;
}

/** The host's system resources in the previous collection; undefined when only counters were carried (they hold no network bytes). */
export function previousHostSystem(host: string, previous: Previous): HostSystem | undefined {
  return isCollection(previous) ? previous.hosts?.system.find((s) => s.host === host) : undefined;
}

// Journal errors: the judge's ErrorCount per instance, and for the checkpoint record the error types
// of each instance and the errors.log entries, from the structured entries the collector handed over.
import type { Plan } from '../plan/schema';
import type { Collection } from '../collect/wave-collection';
import type { AgentErrors, ErrorLogEntry } from '../collect/hosts';
import type { ErrorCount } from '../judge/observations';
import type { AgentInstanceRecord, ErrorEntry } from '../artifacts/records/agents';
import type { CheckpointRecord } from '../artifacts/records/checkpoint';
import { iso, isoOrNull } from './readings';
import { roleOf } from '../model/instance';

export function errorCounts(plan: Plan, c: Collection): ErrorCount[] | null {
  if (!c.hosts) return null;
  if (c.hosts.errors.length === 0) return null; // errors not read in this collection
  return c.hosts.errors.map((e: AgentErrors) => ({
    host: e.host,
    agent: e.agent,
    role: roleOf(plan, e.agent) ?? e.role,
    count: e.errors,
    ...(e.errors === null ? { error: e.error ?? 'journal not read' } : e.truncated ? { error: `journal read capped: ${e.errors} is a lower bound` } : {}),
  }));
}

export function errorTypesOf(e: AgentErrors | undefined): AgentInstanceRecord['errorTypes'] {
  return (e?.types ?? []).map((t) => ({
    type: t.type,
    count: t.count,
    recurring: t.recurring,
    firstAt: isoOrNull(t.firstSeen),
    lastAt: isoOrNull(t.lastSeen),
    example: t.example,
  }));
}

/** One collected error entry as the record's; an entry without a time is placed at its collection. */
export function errorEntryOf(l: ErrorLogEntry, e: Pick<AgentErrors, 'host' | 'agent' | 'role' | 'collectedAt'>): ErrorEntry {
  return { at: l.at ?? iso(e.collectedAt), host: e.host, agent: e.agent, role: e.role, priority: l.priority, message: l.message };
}

/** Every instance's error lines, oldest first, the newest `max` kept; what is left out is counted. */
export function errorLogOf(plan: Plan, c: Collection, max: number): CheckpointRecord['errorLog'] {
  const all: ErrorEntry[] = [];
  let omitted = 0;
  for (const e of c.hosts?.errors ?? []) {
    const role = roleOf(plan, e.agent) ?? e.role;
    for (const l of e.log) all.push(errorEntryOf(l, { ...e, role }));
    // the collector keeps the newest entries when its cap is hit: the rest are counted, not lost silently
    if (e.errors !== null && e.errors > e.log.length) omitted += e.errors - e.log.length;
  }
  all.sort((a, b) => a.at.localeCompare(b.at) || a.host.localeCompare(b.host) || a.agent.localeCompare(b.agent));
  const kept = all.length > max ? all.slice(all.length - max) : all;
  return { entries: kept, omitted: omitted + (all.length - kept.length) };
}

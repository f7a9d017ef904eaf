// Journal errors: the judge's ErrorCount per instance, and for the checkpoint record the error types
// of each instance and the errors.log entries, read from the lines the collector wrote for it.
import type { Plan } from '../plan/schema';
import type { Collection } from '../collect/wave-collection';
import type { AgentErrors } from '../collect/hosts';
// The priority names are the vocabulary of the collector's errors.log line (formatErrorLine): read
// back with the same table, so the two cannot drift apart.
import { PRIORITY_NAMES } from '../collect/hosts/parse/journal';
import type { ErrorCount } from '../judge/observations';
import type { AgentInstanceRecord, CheckpointRecord, ErrorEntry } from '../artifacts/types';
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

/** A line of collect.ts formatErrorLine: "<ISO|(no time)> <host> <unit>[<pid>] <<prio>> <message>". */
export function parseErrorLine(line: string, e: Pick<AgentErrors, 'host' | 'agent' | 'role' | 'collectedAt'>): ErrorEntry {
  const m = /^(\S+|\(no time\)) (\S+) (\S+?)\[[^\]]*\] <([^>]*)> ?(.*)$/.exec(line);
  if (!m) return { at: iso(e.collectedAt), host: e.host, agent: e.agent, role: e.role, priority: null, message: line };
  const at = /^\d{4}-\d{2}-\d{2}T/.test(m[1]) && Number.isFinite(Date.parse(m[1])) ? new Date(Date.parse(m[1])).toISOString() : iso(e.collectedAt);
  const p = (PRIORITY_NAMES as readonly string[]).indexOf(m[4]);
  const n = /^[0-7]$/.test(m[4]) ? Number(m[4]) : null;
  // the message keeps its escaped newlines ("\n" as written by formatErrorLine)
  return { at, host: e.host, agent: e.agent, role: e.role, priority: p >= 0 ? p : n, message: m[5].replace(/\\n/g, '\n') };
}

/** Every instance's error lines, oldest first, the newest `max` kept; what is left out is counted. */
export function errorLogOf(plan: Plan, c: Collection, max: number): CheckpointRecord['errorLog'] {
  const all: ErrorEntry[] = [];
  let omitted = 0;
  for (const e of c.hosts?.errors ?? []) {
    const role = roleOf(plan, e.agent) ?? e.role;
    for (const l of e.lines) all.push(parseErrorLine(l, { ...e, role }));
    // the collector keeps the newest entries when its cap is hit: the rest are counted, not lost silently
    if (e.errors !== null && e.errors > e.lines.length) omitted += e.errors - e.lines.length;
  }
  all.sort((a, b) => a.at.localeCompare(b.at) || a.host.localeCompare(b.host) || a.agent.localeCompare(b.agent));
  const kept = all.length > max ? all.slice(all.length - max) : all;
  return { entries: kept, omitted: omitted + (all.length - kept.length) };
}

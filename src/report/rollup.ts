// Figures derived from a checkpoint record: the per-role rollup, the headline metrics of the emails
// and summary.json, error types over instances, and the judge's test-vs-control comparison. Pure
// functions of the record.
import type { AgentInstanceRecord } from '../artifacts/records/agents';
import type { CheckpointRecord } from '../artifacts/records/checkpoint';
import type { ControlComparison } from '../artifacts/records/judgement';
import type { ProbeRecord } from '../artifacts/records/nats';
import type { Reading } from '../artifacts/records/common';
import type { Role } from '../model/vocabulary';
import type { RoleSummary } from '../artifacts/records/summary';
import { isNum } from '../plan/units';
import { num } from './format';
import { instanceKey } from '../model/instance';

/** Combines instance readings: `op` over the known values; a caveat names how many had no data. */
function combine(rs: Reading[], op: (v: number[]) => number, what: string): Reading {
  const known = rs.map(num).filter(isNum);
  if (rs.length === 0) return { value: null, reason: `no ${what}` };
  const missing = rs.length - known.length;
  if (known.length === 0) {
    const first = rs.find((r) => r.value === null);
    return { value: null, reason: first?.reason ? `no data: ${first.reason}` : 'no data', samples: 0 };
  }
  const r: Reading = { value: op(known), samples: known.length };
  if (missing > 0) r.reason = `${missing} of ${rs.length} without data`;
  return r;
}

const sumOf = (v: number[]) => v.reduce((a, b) => a + b, 0);
const meanOf = (v: number[]) => sumOf(v) / v.length;

export function roleSummary(record: Pick<CheckpointRecord, 'agents' | 'probes'>, role: Role): RoleSummary {
  const inst = record.agents.filter((a) => a.role === role);
  const probes = record.probes.filter((p) => p.role === role);
  const what = `${role === 'test' ? 'agents under test' : 'control agents'}`;
  // error rate over the role: only instances with both counts, so a missing host does not dilute it
  const both = inst.filter((a) => isNum(a.errors.value) && isNum(a.messages.value));
  const errs = sumOf(both.map((a) => a.errors.value as number));
  const msgs = sumOf(both.map((a) => a.messages.value as number));
  let errorRatePct: Reading;
  if (inst.length === 0) errorRatePct = { value: null, reason: `no ${what}` };
  else if (both.length === 0) errorRatePct = { value: null, reason: 'no error or message counts collected' };
  else if (msgs === 0) errorRatePct = { value: null, reason: 'no messages handled in the window', samples: 0 };
  else {
    errorRatePct = { value: (errs / msgs) * 100, samples: msgs };
    if (both.length < inst.length) errorRatePct.reason = `${inst.length - both.length} of ${inst.length} instances without data`;
  }
  const sent = sumOf(probes.map((p) => p.sent));
  const received = sumOf(probes.map((p) => p.received));
  return {
    agents: [...new Set(inst.map((a) => a.agent).concat(probes.map((p) => p.agent)))],
    instances: inst.length,
    active: inst.filter((a) => a.state.active === 'active').length,
    uptimePctMin: combine(inst.map((a) => a.uptimePct), (v) => Math.min(...v), what),
    restarts: combine(inst.map((a) => a.restarts), sumOf, what),
    errors: combine(inst.map((a) => a.errors), sumOf, what),
    messages: combine(inst.map((a) => a.messages), sumOf, what),
    errorRatePct,
    memoryBytesMean: combine(inst.map((a) => a.memoryBytes), meanOf, what),
    memoryBytesMax: combine(inst.map((a) => a.memoryBytes), (v) => Math.max(...v), what),
    cpuPctMean: combine(inst.map((a) => a.cpuPct), meanOf, what),
    latencyP50MsMax: combine(probes.map((p) => p.p50Ms), (v) => Math.max(...v), `probes of ${what}`),
    latencyP99MsMax: combine(probes.map((p) => p.p99Ms), (v) => Math.max(...v), `probes of ${what}`),
    deliveryPct:
      probes.length === 0
        ? { value: null, reason: `no probes of ${what}` }
        : sent === 0
          ? { value: null, reason: 'no probe requests sent', samples: 0 }
          : { value: (received / sent) * 100, samples: sent },
  };
}

/** Error types over all instances of an agent, most frequent first. */
export function errorsByType(agents: AgentInstanceRecord[]): { agent: string; role: Role; type: string; count: number; recurring: boolean; hosts: string[] }[] {
  const map = new Map<string, { agent: string; role: Role; type: string; count: number; recurring: boolean; hosts: string[] }>();
  for (const a of agents)
    for (const t of a.errorTypes) {
      const key = `${a.agent}\u0000${t.type}`;
      const cur = map.get(key) ?? { agent: a.agent, role: a.role, type: t.type, count: 0, recurring: false, hosts: [] };
      cur.count += t.count;
      cur.recurring = cur.recurring || t.recurring;
      if (!cur.hosts.includes(a.host)) cur.hosts.push(a.host);
      map.set(key, cur);
    }
  return [...map.values()]
    .map((e) => ({ ...e, hosts: [...e.hosts].sort() }))
    .sort((a, b) => b.count - a.count || a.agent.localeCompare(b.agent) || a.type.localeCompare(b.type));
}

/** The judge's test-vs-control comparison of a record (the only one); none recorded: no rows, and the note says so. */
export function comparisonOf(record: Pick<CheckpointRecord, 'comparison'>): ControlComparison {
  return record.comparison ?? { rows: [], note: 'no test-vs-control comparison recorded by the judge at this checkpoint' };
}

export function probeLabel(p: ProbeRecord): string {
  return p.host ? instanceKey(p.host, p.agent) : p.agent;
}

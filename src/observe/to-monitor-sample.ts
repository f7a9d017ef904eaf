// One collection as a MonitorSample (the hourly trend files and the charts): per agent instance its
// state, memory, CPU, errors, messages and restarts; per agent the probe; per host load, memory and
// disk. Missing values are null, never 0. Pure.
import type { Plan } from '../plan/schema';
import type { Collection } from '../collect/wave-collection';
import type { MonitorSample } from '../artifacts/records/monitor';
import { compareUnitSamples } from '../collect/hosts';
import { memoryOf } from './agents';
import { hostSamples } from './hosts';
import { instanceMessages } from './nats';
import { cpuPctOf, previousUnit, type Previous } from './previous';
import { probeResults } from './probes';
import { iso } from './readings';
import { roleOf } from '../model/instance';

/**
 * `previous` (the collection before, or its unitCounters) gives CPU % and the restarts since then;
 * without it both are null.
 */
export function toMonitorSample(plan: Plan, c: Collection, previous: Previous = null): MonitorSample {
  const agents: MonitorSample['agents'] = (c.hosts?.agents ?? []).map((a) => {
    const known = a.state !== 'unknown';
    const errs = c.hosts?.errors.find((e) => e.host === a.host && e.agent === a.agent);
    const prev = previousUnit(a, previous);
    const d = prev && known ? compareUnitSamples(prev, a) : null;
    return {
      agent: a.agent,
      host: a.host,
      role: roleOf(plan, a.agent) ?? a.role,
      active: known ? a.state === 'active' : null,
      memoryBytes: known ? memoryOf(a) : null,
      cpuPct: known ? cpuPctOf(a, previous) : null,
      errors: errs ? errs.errors : null,
      messages: instanceMessages(c, a.host, a.agent),
      restarts: d === null ? null : d.restarted === null ? d.restarts : d.restarted ? Math.max(1, d.restarts ?? 1) : 0,
    };
  });
  const probes: MonitorSample['probes'] = probeResults(plan, c, { latencies: false }).map((p) => ({
    agent: p.agent,
    role: p.role,
    sent: p.sent,
    received: p.received,
    p50Ms: p.p50,
    p99Ms: p.p99,
  }));
  const hosts: MonitorSample['hosts'] = hostSamples(plan, c).map((h) => ({
    host: h.host,
    reachable: h.reachable,
    load1: h.load1,
    memoryUsedPct: h.memoryUsedPct,
    diskUsedPct: h.diskUsedPct,
  }));
  return {
    at: iso(c.finishedAt),
    windowMs: Math.max(0, c.finishedAt - c.windowStart),
    agents,
    probes,
    hosts,
    natsReachable: c.health ? c.health.reachable : null,
  };
}

// Agent states, restarts, crashes, uptime and memory leaks of the instances in scope.
import type { Measurement } from '../rules';
import type { AgentSample } from '../observations';
import { downtimeIntervals, isActive, restartEvents, unionLength, type RestartEvent } from '../uptime';
import { memoryLeak } from '../trends';
import { fmtPct, instanceSamples, memo, partial, type Calc, type Measures } from './context';
import { instanceKey } from '../../model/instance';
import { silentSpans, watchOf } from './watch';
import { spansLength } from '../watch-events';

// ---- agents --------------------------------------------------------------------------------------

/**
 * The newest state of every expected instance. `unknown`: collection failed (state 'unknown', an
 * error); `missing`: no record at all (not reported: no data, not an error).
 */
function currentStates(c: Calc): { active: string[]; notActive: string[]; unknown: string[]; missing: string[]; samples: Map<string, AgentSample> } {
  const byKey = new Map<string, AgentSample>();
  for (const s of c.sel.current.agents) if (c.inScope(s)) byKey.set(instanceKey(s.host, s.agent), s);
  const active: string[] = [];
  const notActive: string[] = [];
  const unknown: string[] = [];
  const missing: string[] = [];
  for (const { host, agent } of c.expected) {
    const key = instanceKey(host, agent);
    const s = byKey.get(key);
    if (!s) missing.push(key);
    else if (s.state === 'unknown') unknown.push(`${key}${s.error ? ` (${s.error})` : ''}`);
    else if (isActive(s)) active.push(key);
    else notActive.push(`${key} (${s.state})`);
  }
  return { active, notActive, unknown, missing, samples: byKey };
}


function activePct(c: Calc): Measurement {
  const { active, notActive, unknown, missing } = currentStates(c);
  const n = c.expected.length;
  if (n === 0) return { value: null, samples: 0, note: 'no agent instances in scope' };
  const note = notActive.length ? `not active: ${notActive.join(', ')}` : `${active.length}/${n} active`;
  if (unknown.length + missing.length === 0) return { value: (100 * active.length) / n, samples: n, note };
  return partial({ value: (100 * (n - notActive.length)) / n, bound: 'upper', samples: n - unknown.length - missing.length, note }, missing, unknown);
}

function inactiveCount(c: Calc): Measurement {
  const { notActive, unknown, missing } = currentStates(c);
  const note = notActive.length ? `not active: ${notActive.join(', ')}` : 'all collected instances active';
  if (unknown.length + missing.length === 0) return { value: notActive.length, samples: c.expected.length, note };
  return partial({ value: notActive.length, bound: 'lower', samples: c.expected.length - unknown.length - missing.length, note }, missing, unknown);
}

function unknownCount(c: Calc): Measurement {
  const { unknown, missing } = currentStates(c);
  const all = [...unknown, ...missing];
  return { value: all.length, samples: c.expected.length, note: all.length ? `unknown: ${all.join(', ')}` : undefined };
}

function eventsOf(c: Calc): RestartEvent[] {
  const byInst = instanceSamples(c);
  return memo(c, 'events', () => c.expected.flatMap(({ host, agent }) => restartEvents(byInst.get(instanceKey(host, agent)) ?? [], c.ctx.startMs, c.opts.clockSkewMs)));
}

/** Restart counts are complete only when every instance's newest state is known. */
function countEvents(c: Calc, events: RestartEvent[], what: string): Measurement {
  const total = events.reduce((s, e) => s + e.count, 0);
  const note = events.length ? events.map((e) => `${instanceKey(e.host, e.agent)}: ${e.detail} (seen ${new Date(e.seenAt).toISOString()})`).join('; ') : `no ${what}`;
  const { unknown, missing } = currentStates(c);
  if (unknown.length + missing.length === 0) return { value: total, samples: c.expected.length, note };
  return partial({ value: total, bound: 'lower', samples: c.expected.length - unknown.length - missing.length, note }, missing, unknown);
}

function restarts(c: Calc): Measurement {
  return countEvents(c, eventsOf(c), 'restarts since monitoring start');
}

function crashes(c: Calc): Measurement {
  const inWindow = eventsOf(c).filter((e) => e.seenAt > c.sel.from && e.seenAt <= c.sel.to);
  return countEvents(c, inWindow, 'crashes in the window');
}

/**
 * Uptime (product.md): systemd active time minus the silent gaps the watch saw. A gap of an agent
 * (its probes unanswered longer than the plan allows) is downtime of each of its instances; for
 * agents under test, silence shared with control agents or a NATS outage of the watch is the rig's
 * (a warning), not the agent's. Without the watch, systemd alone (said in the note).
 */
function uptimePct(c: Calc): Measurement {
  const byInst = instanceSamples(c);
  const from = c.sel.kind === 'wave' ? c.ctx.startMs : c.sel.from;
  const to = c.sel.to;
  if (to <= from) return { value: null, samples: 0, note: 'empty window' };
  const all = [];
  const perInstance: string[] = [];
  const neverSeen: string[] = [];
  const failed: string[] = [];
  let estimated = false;
  for (const { host, agent } of c.expected) {
    const samples = byInst.get(instanceKey(host, agent)) ?? [];
    if (!samples.some((s) => s.state !== 'unknown')) {
      (samples.length ? failed : neverSeen).push(instanceKey(host, agent));
      continue;
    }
    const down = downtimeIntervals(samples, c.ctx.startMs, c.opts.clockSkewMs);
    estimated ||= down.some((d) => d.estimated && d.to > from && d.from < to);
    const own = unionLength(down, from, to);
    if (own > 0) perInstance.push(`${instanceKey(host, agent)} down ${Math.round(own / 1000)} s`);
    all.push(...down);
  }
  if (neverSeen.length + failed.length === c.expected.length)
    return failed.length ? { value: null, samples: 0, error: `state never collected: ${failed.join(', ')}` } : { value: null, samples: 0, note: 'no agent state reported' };
  const watch = watchOf(c, { from, to });
  const silent: string[] = [];
  const rig: string[] = [];
  if (watch)
    for (const agent of new Set(c.expected.map((e) => e.agent))) {
      const s = silentSpans(watch, agent, c.scope.role);
      all.push(...s.own.map((x) => ({ ...x, estimated: false })));
      const ms = spansLength(s.own, from, to);
      if (ms > 0) silent.push(`${agent} silent ${Math.round(ms / 1000)} s`);
      if (s.rigMs > 0) rig.push(`${agent} ${Math.round(s.rigMs / 1000)} s`);
    }
  const downMs = unionLength(all, from, to);
  const value = 100 * (1 - downMs / (to - from));
  const warning = rig.length ? `silence shared with control agents or a NATS outage of the watch, not counted as downtime (the rig's or NATS's): ${rig.join(', ')}` : undefined;
  const note = [
    `${fmtPct(value)} of ${Math.round((to - from) / 1000)} s with every instance active${perInstance.length ? `; ${perInstance.join(', ')}` : ''}`,
    silent.length ? `the watch saw ${silent.join(', ')}` : '',
    warning ?? '',
    watch ? '' : 'without the watch: systemd states alone',
    estimated ? 'some exit times unknown: downtime counted from the previous sample (upper bound)' : '',
  ].filter(Boolean).join('; ');
  const m: Measurement = { value, samples: c.expected.length, note, ...(warning ? { warning } : {}) };
  if (neverSeen.length + failed.length) return partial({ ...m, bound: 'upper', samples: c.expected.length - neverSeen.length - failed.length }, neverSeen, failed);
  return m;
}

function leakCount(c: Calc): Measurement {
  const byInst = instanceSamples(c);
  const now = c.sel.to;
  const leaks: string[] = [];
  const undetermined: string[] = [];
  for (const { host, agent } of c.expected) {
    const samples = (byInst.get(instanceKey(host, agent)) ?? []).filter((s) => s.at <= now);
    const lastHost = [...c.sel.history].reverse().map((o) => o.hosts.find((h) => h.host === host && h.reachable)).find((h) => h);
    const r = memoryLeak(samples, lastHost ?? null, now, c.endMs, { minPoints: c.opts.leakMinPoints, confLevel: c.opts.confLevel });
    if (r.leak === null) undetermined.push(`${instanceKey(host, agent)}: ${r.note}`);
    else if (r.leak) leaks.push(`${instanceKey(host, agent)}: ${r.note}`);
  }
  const note = [leaks.length ? `leaking: ${leaks.join('; ')}` : 'no leak found', undetermined.length ? `undetermined: ${undetermined.join('; ')}` : ''].filter(Boolean).join('; ');
  if (undetermined.length === c.expected.length) return { value: null, samples: 0, note };
  if (undetermined.length) return { value: leaks.length, bound: 'lower', samples: c.expected.length - undetermined.length, note };
  return { value: leaks.length, samples: c.expected.length, note };
}

export const AGENT_MEASURES = {
  'agents.active_pct': activePct,
  'agents.inactive_count': inactiveCount,
  'agents.unknown_count': unknownCount,
  'agents.restarts': restarts,
  'agents.crashes': crashes,
  'agents.uptime_pct': uptimePct,
  'memory.leak_count': leakCount,
} satisfies Partial<Measures>;

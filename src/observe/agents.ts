// Agent instances (host × agent): the judge's AgentSample per collection, and the checkpoint record's
// AgentInstanceRecord — unit state, uptime and restarts over the wave's history, memory, CPU, errors,
// messages and the error rate, each a Reading with its reason when it could not be told.
import type { Plan } from '../plan/schema';
import type { Collection } from '../collect/wave-collection';
import type { AgentRecord } from '../collect/hosts';
import { agentConnectionName } from '../collect/nats';
import type { AgentSample, Observation, UnitState } from '../judge/observations';
import { downtimeIntervals, onWorkerClock, restartEvents, samplesByInstance, unionLength, type TimedSample } from '../judge/uptime';
import type { AgentInstanceRecord } from '../artifacts/records/agents';
import type { Reading } from '../artifacts/records/common';
import { errorTypesOf } from './errors';
import { instanceMessages } from './nats';
import { cpuPctOf, type Previous } from './previous';
import { iso, isoOrNull, isNum, missing, reading, round } from './readings';
import { expectedInstances, instanceKey, roleOf, type PlanAgentInfo } from '../model/instance';

/** The judge's unit state from the collector's ('not-installed' is systemd's LoadState=not-found). */
export function unitStateOf(a: Pick<AgentRecord, 'state'>): UnitState {
  return a.state === 'not-installed' ? 'not-found' : a.state;
}

/** MemoryCurrent (the unit's cgroup), else the main process's RSS when the unit has no memory accounting. */
export const memoryOf = (a: AgentRecord): number | null => a.memoryBytes ?? a.rssBytes ?? null;

export function agentSamples(plan: Plan, c: Collection, previous?: Previous): AgentSample[] {
  if (!c.hosts) {
    // The baseline does not read the hosts; any other collection without them failed to.
    if (c.kind === 'baseline') return [];
    return expectedInstances(plan).map((a) => ({
      host: a.host, agent: a.agent, role: a.role, state: 'unknown' as const, nRestarts: null, activeEnterTimestamp: null,
      activeExitTimestamp: null, memoryBytes: null, cpuPct: null, error: 'hosts were not collected in this collection',
    }));
  }
  const out: AgentSample[] = [];
  for (const a of c.hosts.agents) {
    const role = roleOf(plan, a.agent) ?? a.role;
    const state = unitStateOf(a);
    out.push({
      host: a.host,
      agent: a.agent,
      role,
      state,
      nRestarts: a.nRestarts,
      activeEnterTimestamp: a.activeEnterTimestamp,
      activeExitTimestamp: a.activeExitTimestamp,
      hostClock: a.hostClock ?? null,
      memoryBytes: state === 'unknown' ? null : memoryOf(a),
      cpuPct: state === 'unknown' ? null : cpuPctOf(a, previous),
      ...(a.error ? { error: a.error } : state === 'unknown' ? { error: 'unit state not collected' } : {}),
    });
  }
  return out;
}

/** One instance's unit samples over the wave, this collection's last. */
export interface InstanceHistory {
  samples: TimedSample[];
  startMs: number;
  /** Without the wave's history only this collection (and the previous) say anything. */
  partial: boolean;
}

export interface HistoryContext {
  /** The wave's observations so far; absent: this collection alone. */
  history?: Observation[];
  /** Monitoring start (epoch ms); default the history's baseline, else the earliest window, else this collection's window start. */
  startMs?: number;
  previous?: Previous;
}

/** Per instance key ("agent@host"): its samples from the wave's history plus this collection's. */
export function instanceHistory(plan: Plan, c: Collection, ctx: HistoryContext): Map<string, InstanceHistory> {
  const hist = (ctx.history ?? []).filter((o) => o.at < c.finishedAt);
  const current = agentSamples(plan, c, ctx.previous ?? null).map((s) => ({ ...s, at: c.finishedAt }));
  const baseline = hist.find((o) => o.kind === 'baseline');
  const earliest = hist.length ? Math.min(...hist.map((o) => o.at - o.windowMs)) : null;
  const startMs = ctx.startMs ?? baseline?.at ?? earliest ?? c.windowStart;
  const byInst = samplesByInstance(hist, () => true);
  const out = new Map<string, InstanceHistory>();
  for (const s of current) {
    const key = instanceKey(s.host, s.agent);
    out.set(key, { samples: [...(byInst.get(key) ?? []), s], startMs, partial: !ctx.history });
  }
  return out;
}

export interface AgentRecordContext {
  previous?: Previous;
  /** Clock skew tolerated between a host and the worker when the host's clock was not read. */
  clockSkewMs: number;
}

/** The record of one expected instance; `a` is its collected status (absent: not reported). */
export function agentRecord(plan: Plan, c: Collection, ctx: AgentRecordContext, exp: PlanAgentInfo & { host: string }, a: AgentRecord | undefined, hist: InstanceHistory | undefined): AgentInstanceRecord {
  const unitName = a?.unit || plan.agents.unitTemplate.split('{agent}').join(exp.agent);
  const errs = c.hosts?.errors.find((e) => e.host === exp.host && e.agent === exp.agent);
  const notCollected = !a ? (c.hosts ? 'no status reported for this instance' : 'hosts were not collected') : a.state === 'unknown' ? (a.error ?? 'unit state not collected') : null;
  const state = a ? unitStateOf(a) : 'unknown';
  const active = state === 'active' || state === 'reloading';
  const collectedAt = a?.collectedAt ?? c.finishedAt;

  // errors and messages in the window
  const errors: Reading = errs
    ? reading(errs.errors, errs.error ?? 'journal not read', { caveat: errs.truncated ? 'journal read capped: a lower bound' : undefined })
    : missing(c.hosts ? 'errors not read for this unit' : 'hosts were not collected');
  const msgs = instanceMessages(c, exp.host, exp.agent);
  const inst = c.server?.instances.find((i) => i.host === exp.host && i.agent === exp.agent);
  const messages: Reading =
    msgs !== null
      ? reading(msgs, '', { caveat: [inst?.delta?.partial ? 'lower bound: a closed connection’s final counters were not readable' : '', inst?.delta?.reset ? 'counted from a new connection (reconnect or server restart)' : ''].filter(Boolean).join('; ') || undefined })
      : missing(
          !c.server ? 'NATS server statistics not collected'
          : !c.server.reachable ? (c.server.error ?? 'NATS monitoring endpoint unreachable')
          : !inst?.present && !inst?.delta ? `no connection named ${inst?.connectionName ?? agentConnectionName(plan.nats.agentConnectionName, exp.host, exp.agent)}`
          : 'first collection: message counters need a previous collection',
        );
  let errorRatePct: Reading;
  if (errors.value === null) errorRatePct = missing(`errors: ${errors.reason}`);
  else if (messages.value === null) errorRatePct = missing(`messages: ${messages.reason}`);
  else if (messages.value === 0) errorRatePct = { value: null, reason: 'no messages handled in the window', samples: 0 };
  else errorRatePct = reading((errors.value / messages.value) * 100, '', { samples: messages.value, caveat: [errors.reason, messages.reason].filter(Boolean).join('; ') || undefined });

  // uptime and restarts from the samples (history, or this collection alone)
  const skew = ctx.clockSkewMs;
  let uptimePct: Reading = missing(notCollected ?? 'no samples');
  let restarts: Reading = missing(notCollected ?? 'no samples');
  if (hist && hist.samples.some((s) => s.state !== 'unknown')) {
    const from = c.windowStart;
    const to = c.finishedAt;
    const down = downtimeIntervals(hist.samples, hist.startMs, skew);
    const downMs = unionLength(down, from, to);
    const estimated = down.some((d) => d.estimated && d.to > from && d.from < to);
    const caveat = [
      estimated ? 'exit time unknown: downtime counted from the previous sample (upper bound)' : '',
      hist.partial ? 'from this collection only (no wave history given)' : '',
      notCollected ? `state now unknown: ${notCollected}` : '',
    ].filter(Boolean).join('; ');
    if (to > from) uptimePct = reading(100 * (1 - downMs / (to - from)), '', { caveat: caveat || undefined });
    const events = restartEvents(hist.samples, hist.startMs, skew);
    restarts = reading(events.reduce((s, e) => s + e.count, 0), '', {
      caveat: [events.map((e) => e.detail).join('; '), hist.partial ? `since ${iso(hist.startMs)}, from this collection only (no wave history given): a lower bound` : ''].filter(Boolean).join('; ') || undefined,
    });
  }

  const cpu = a && !notCollected ? cpuPctOf(a, ctx.previous) : null;
  return {
    agent: exp.agent,
    host: exp.host,
    role: exp.role,
    cluster: exp.cluster,
    unit: unitName,
    state: {
      active: a?.activeState ?? null,
      sub: a?.subState ?? null,
      load: a?.loadState ?? null,
      ...(notCollected ? { reason: notCollected } : a?.error ? { reason: a.error } : {}),
    },
    activeSince: isoOrNull(a?.activeEnterTimestamp),
    uptimeSeconds: notCollected
      ? missing(notCollected)
      : active && isNum(a?.activeEnterTimestamp)
        ? reading(Math.max(0, Math.round((collectedAt - onWorkerClock(a!, a!.activeEnterTimestamp as number)) / 1000)), '')
        : active
          ? missing('active, but ActiveEnterTimestamp not reported')
          : reading(0, '', { caveat: `not running (${state})` }),
    uptimePct,
    restarts,
    memoryBytes: notCollected ? missing(notCollected) : a && memoryOf(a) !== null ? reading(memoryOf(a), '', { caveat: a.memoryBytes === null ? 'main process RSS (no MemoryCurrent)' : undefined }) : missing(active ? (a?.processError ?? 'MemoryCurrent not reported') : `not running (${state})`),
    cpuPct: notCollected
      ? missing(notCollected)
      : reading(cpu === null ? null : round(cpu, 3), !active ? `not running (${state})` : ctx.previous ? 'restarted since the previous collection, or CPUUsageNSec not reported' : 'CPU % needs the previous collection (CPUUsageNSec delta)'),
    errors,
    messages,
    errorRatePct,
    errorTypes: errorTypesOf(errs),
  };
}

// From observations to Measurements (see rules.ts): one value per metric of src/plan/metrics.ts,
// for a window (tick / checkpoint / wave) and a scope (the agents under test, or the control agents
// — control measurements raise alerts but never judge the wave). Missing data gives value null with
// a note; a failed collection gives an error; partial data gives a bound (rules.ts decides with it
// when it can). Pure: no I/O, no clock — every time comes from the observations and the context.
import type { Plan } from '../plan/schema';
import type { MetricName } from '../plan/metrics';
import { evaluateRule, type Measurement, type Measurements } from './rules';
import { isCheckpoint, type AgentSample, type Observation, type ProbeObservation, type Role } from './observations';
import { coverWindows, selectWindow, type WindowKind, type WindowSelection } from './windows';
import { downtimeIntervals, isActive, restartEvents, samplesByInstance, unionLength, type RestartEvent } from './uptime';
import { latencyDegradation } from './degradation';
import { evidencedRelativeChange } from './canary-judge';
import { quantile } from './stats/descriptive';
import { memoryLeak } from './trends';
import { detectAnomalies } from './anomalies';

export * from './observations';

export interface MeasureOptions {
  /** Tolerated difference between a host's clock and the worker's when the sample carries no reading of it (restart detection at the first sample). */
  clockSkewMs?: number;
  confLevel?: number;
  /** Latency samples needed on each side for a degradation judgement. */
  degradationMinSamples?: number;
  /** Samples needed per cohort for test-vs-control overheads (Kayenta: 50). */
  compareMinSamples?: number;
  /** Samples needed for a percentile: p99.9 needs 1000 (product.md). */
  percentileMinSamples?: { p50: number; p99: number; p999: number };
  cpuMinDifferencePct?: number;
  memoryMinDifferenceBytes?: number;
  leakMinPoints?: number;
  anomalyMinPoints?: number;
  anomalyThreshold?: number;
}

export const MEASURE_DEFAULTS: Required<MeasureOptions> = {
  clockSkewMs: 60_000,
  confLevel: 0.98,
  degradationMinSamples: 20,
  compareMinSamples: 50,
  percentileMinSamples: { p50: 5, p99: 20, p999: 1000 },
  cpuMinDifferencePct: 1,
  memoryMinDifferenceBytes: 10 * 1024 * 1024,
  leakMinPoints: 6,
  anomalyMinPoints: 10,
  anomalyThreshold: 3.5,
};

export interface JudgeContext {
  plan: Plan;
  /** Monitoring start (T+0), ms. */
  startMs: number;
  /** Planned end of the wave (extendWave moves it); default startMs + plan.wave.duration. */
  endMs?: number;
  options?: MeasureOptions;
}

export interface Scope {
  role: Role;
  /** Narrow to these agents (a cluster, one agent). */
  agents?: string[];
}

export const TEST_SCOPE: Scope = { role: 'test' };
export const CONTROL_SCOPE: Scope = { role: 'control' };

/** Metrics that can be computed for one agent (used for "both capability clusters working"). */
export const PER_AGENT_METRICS: ReadonlySet<MetricName> = new Set<MetricName>([
  'agents.active_pct', 'agents.inactive_count', 'agents.unknown_count', 'agents.restarts', 'agents.crashes', 'agents.uptime_pct',
  'errors.count', 'errors.per_5min', 'errors.rate_pct',
  'probe.delivery_pct', 'probe.loss_count', 'probe.p50_ms', 'probe.p99_ms', 'probe.p999_ms', 'latency.degradation_pct',
  'memory.leak_count',
]);

interface Calc {
  ctx: JudgeContext;
  plan: Plan;
  opts: Required<MeasureOptions>;
  scope: Scope;
  sel: WindowSelection;
  agentNames: string[];
  /** host/agent keys the plan expects in scope. */
  expected: { host: string; agent: string }[];
  inScope: (x: { agent: string; role: Role }) => boolean;
  endMs: number;
  /** Per-call cache of shared intermediate results (samples per instance, restart events). */
  memo: Map<string, unknown>;
}

function memo<T>(c: Calc, key: string, f: () => T): T {
  if (!c.memo.has(key)) c.memo.set(key, f());
  return c.memo.get(key) as T;
}

const fmtPct = (x: number) => `${+x.toFixed(4)} %`;

// ---- agents --------------------------------------------------------------------------------------

/**
 * The newest state of every expected instance. `unknown`: collection failed (state 'unknown', an
 * error); `missing`: no record at all (not reported: no data, not an error).
 */
function currentStates(c: Calc): { active: string[]; notActive: string[]; unknown: string[]; missing: string[]; samples: Map<string, AgentSample> } {
  const byKey = new Map<string, AgentSample>();
  for (const s of c.sel.current.agents) if (c.inScope(s)) byKey.set(`${s.agent}@${s.host}`, s);
  const active: string[] = [];
  const notActive: string[] = [];
  const unknown: string[] = [];
  const missing: string[] = [];
  for (const { host, agent } of c.expected) {
    const key = `${agent}@${host}`;
    const s = byKey.get(key);
    if (!s) missing.push(key);
    else if (s.state === 'unknown') unknown.push(`${key}${s.error ? ` (${s.error})` : ''}`);
    else if (isActive(s)) active.push(key);
    else notActive.push(`${key} (${s.state})`);
  }
  return { active, notActive, unknown, missing, samples: byKey };
}

/** A partial result: missing records leave it open (no data); failed collections make it an error. */
function partial(m: Measurement, missing: string[], failed: string[], what = 'state'): Measurement {
  const notes = [m.note, missing.length ? `no ${what} reported for ${missing.join(', ')}` : ''].filter(Boolean).join('; ');
  return { ...m, note: notes || undefined, error: failed.length ? `${what} not collected: ${failed.join(', ')}` : undefined };
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

function instanceSamples(c: Calc) {
  return memo(c, 'samples', () => samplesByInstance(c.sel.history, (s) => c.inScope(s)));
}

function eventsOf(c: Calc): RestartEvent[] {
  const byInst = instanceSamples(c);
  return memo(c, 'events', () => c.expected.flatMap(({ host, agent }) => restartEvents(byInst.get(`${agent}@${host}`) ?? [], c.ctx.startMs, c.opts.clockSkewMs)));
}

/** Restart counts are complete only when every instance's newest state is known. */
function countEvents(c: Calc, events: RestartEvent[], what: string): Measurement {
  const total = events.reduce((s, e) => s + e.count, 0);
  const note = events.length ? events.map((e) => `${e.agent}@${e.host}: ${e.detail} (seen ${new Date(e.seenAt).toISOString()})`).join('; ') : `no ${what}`;
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
    const samples = byInst.get(`${agent}@${host}`) ?? [];
    if (!samples.some((s) => s.state !== 'unknown')) {
      (samples.length ? failed : neverSeen).push(`${agent}@${host}`);
      continue;
    }
    const down = downtimeIntervals(samples, c.ctx.startMs, c.opts.clockSkewMs);
    estimated ||= down.some((d) => d.estimated && d.to > from && d.from < to);
    const own = unionLength(down, from, to);
    if (own > 0) perInstance.push(`${agent}@${host} down ${Math.round(own / 1000)} s`);
    all.push(...down);
  }
  if (neverSeen.length + failed.length === c.expected.length)
    return failed.length ? { value: null, samples: 0, error: `state never collected: ${failed.join(', ')}` } : { value: null, samples: 0, note: 'no agent state reported' };
  const downMs = unionLength(all, from, to);
  const value = 100 * (1 - downMs / (to - from));
  const note = `${fmtPct(value)} of ${Math.round((to - from) / 1000)} s with every instance active${perInstance.length ? `; ${perInstance.join(', ')}` : ''}${estimated ? '; some exit times unknown: downtime counted from the previous sample (upper bound)' : ''}`;
  if (neverSeen.length + failed.length) return partial({ value, bound: 'upper', samples: c.expected.length - neverSeen.length - failed.length, note }, neverSeen, failed);
  return { value, samples: c.expected.length, note };
}

// ---- errors --------------------------------------------------------------------------------------

function errorObservations(c: Calc): Observation[] {
  if (c.sel.kind === 'tick') return c.sel.current.errors ? [c.sel.current] : [];
  return coverWindows(c.sel.inWindow, (o) => o.errors !== null);
}

function errorCount(c: Calc): Measurement & { windowMs: number } {
  const obs = errorObservations(c);
  if (obs.length === 0) return { value: null, samples: 0, windowMs: 0, note: 'errors not collected in this window' };
  let total = 0;
  const failed: string[] = [];
  const missing: string[] = [];
  const perAgent = new Map<string, number>();
  for (const o of obs)
    for (const { host, agent } of c.expected) {
      const e = (o.errors ?? []).find((x) => x.host === host && x.agent === agent && c.inScope(x));
      if (!e) missing.push(`${agent}@${host}`);
      else if (e.count === null) failed.push(`${agent}@${host}${e.error ? ` (${e.error})` : ''}`);
      else {
        total += e.count;
        perAgent.set(agent, (perAgent.get(agent) ?? 0) + e.count);
      }
    }
  const windowMs = obs.reduce((s, o) => s + o.windowMs, 0);
  const note = `${total} errors in ${Math.round(windowMs / 1000)} s${perAgent.size ? ` (${[...perAgent].map(([a, n]) => `${a} ${n}`).join(', ')})` : ''}`;
  if (failed.length + missing.length === 0) return { value: total, samples: obs.length, windowMs, note };
  return { ...partial({ value: total, bound: 'lower', samples: obs.length, note }, [...new Set(missing)], [...new Set(failed)], 'errors'), windowMs };
}

function errorsPer5Min(c: Calc): Measurement {
  const m = errorCount(c);
  if (m.value === null || m.windowMs <= 0) return { value: null, samples: m.samples, error: m.error, note: m.note ?? 'no measured window' };
  const value = (m.value * 300_000) / m.windowMs;
  return { value, samples: m.samples, bound: m.bound, error: m.error, note: `${m.note}: ${+value.toFixed(3)} per 5 min over the window measured` };
}

/**
 * Errors ÷ messages over the instances (agent@host) whose two counts were both read. A host that could
 * not be read leaves its instances out — of the errors *and* of the messages — and is named in the
 * note: one unreadable host must not blind the criterion on every agent (decisions-turn2, Trust).
 * No data only when no instance was read. Messages come per instance (`host` set, the collector's
 * /connz deltas); an agent-wide count (older observations) is used only when every host's errors
 * are known, since its hosts' share cannot be told apart.
 */
function errorRatePct(c: Calc): Measurement {
  const obs = c.sel.kind === 'tick'
    ? [c.sel.current].filter((o) => o.errors && o.messages)
    : coverWindows(c.sel.inWindow, (o) => o.errors !== null && o.messages !== null);
  if (obs.length === 0) return { value: null, samples: 0, note: 'no error and messages-handled counts in this window' };
  let errors = 0;
  let messages = 0;
  let read = 0;
  const notRead = new Map<string, string>();
  for (const o of obs)
    for (const agent of c.agentNames) {
      const hosts = c.expected.filter((e) => e.agent === agent).map((e) => e.host);
      const errOf = (host: string) => (o.errors ?? []).find((x) => x.host === host && x.agent === agent && c.inScope(x));
      const msgs = (o.messages ?? []).filter((m) => m.agent === agent && c.inScope(m));
      const perHost = msgs.some((m) => m.host !== undefined);
      if (perHost) {
        for (const host of hosts) {
          const e = errOf(host);
          const m = msgs.find((x) => x.host === host);
          if (e && e.count !== null && m && m.messages !== null) {
            errors += e.count;
            messages += m.messages;
            read++;
          } else
            notRead.set(`${agent}@${host}`, !e || e.count === null ? `errors: ${e?.error ?? 'not reported'}` : `messages: ${m?.error ?? 'not reported'}`);
        }
        continue;
      }
      const errs = hosts.map(errOf);
      const failed = hosts.filter((_, i) => !errs[i] || errs[i]!.count === null);
      const msgKnown = msgs.length > 0 && msgs.every((m) => m.messages !== null);
      if (failed.length || !msgKnown) {
        const why = !msgKnown ? `messages: ${msgs.find((m) => m.error)?.error ?? 'not reported'}` : 'errors of another host not read (messages counted per agent, not per host)';
        for (const host of hosts) notRead.set(`${agent}@${host}`, failed.includes(host) ? `errors: ${errOf(host)?.error ?? 'not reported'}` : why);
        continue;
      }
      errors += errs.reduce((s, e) => s + (e?.count ?? 0), 0);
      messages += msgs.reduce((s, m) => s + (m.messages ?? 0), 0);
      read += hosts.length;
    }
  const missing = [...notRead].map(([k, why]) => `${k} (${why})`);
  const missNote = missing.length ? `; not read, left out of errors and messages alike: ${missing.join(', ')}` : '';
  if (read === 0) return { value: null, samples: 0, note: `no instance with both error and message counts${missNote}` };
  if (messages === 0) return { value: null, samples: 0, note: `no messages handled: no data (${errors} errors)${missNote}` };
  const value = (100 * errors) / messages;
  return { value, samples: messages, note: `${errors} errors / ${messages} messages = ${fmtPct(value)} (${+((1000 * errors) / messages).toFixed(3)} per 1000) on the hosts read${missNote}` };
}

// ---- probes --------------------------------------------------------------------------------------

function probeObservations(c: Calc): Observation[] {
  if (c.sel.kind === 'wave') return c.sel.inWindow;
  return [c.sel.current];
}

function probesInScope(c: Calc, obs: Observation[] = probeObservations(c)): ProbeObservation[] {
  return obs.flatMap((o) => o.probes.filter((p) => c.inScope(p)));
}

function deliveryPct(c: Calc): Measurement {
  const probes = probesInScope(c);
  const sent = probes.reduce((s, p) => s + p.sent, 0);
  const received = probes.reduce((s, p) => s + p.received, 0);
  const failed = probes.filter((p) => p.error && p.sent === 0);
  if (sent === 0) return failed.length ? { value: null, samples: 0, error: failed.map((p) => `${p.agent}: ${p.error}`).join('; ') } : { value: null, samples: 0, note: 'no probe requests sent in this window' };
  const value = (100 * received) / sent;
  return { value, samples: sent, note: `${received}/${sent} replies`, error: undefined };
}

function lossCount(c: Calc): Measurement {
  const probes = probesInScope(c);
  const sent = probes.reduce((s, p) => s + p.sent, 0);
  const failed = probes.filter((p) => p.error && p.sent === 0);
  if (sent === 0) return failed.length ? { value: null, samples: 0, error: failed.map((p) => `${p.agent}: ${p.error}`).join('; ') } : { value: null, samples: 0, note: 'no probe requests sent in this window' };
  const lost = probes.reduce((s, p) => s + Math.max(0, p.sent - p.received), 0);
  const timeouts = probes.reduce((s, p) => s + p.timeouts, 0);
  const who = probes.filter((p) => p.sent > p.received).map((p) => `${p.agent} ${p.sent - p.received}/${p.sent}`);
  const m: Measurement = { value: lost, samples: sent, note: lost ? `lost: ${who.join(', ')} (${timeouts} timeouts)` : `0 of ${sent} lost` };
  if (c.scope.role !== 'test' || lost === 0) return m;
  const rollback = confirmedLoss(c);
  return { ...m, note: `${m.note}; for a rollback: ${rollback.note}`, rollback };
}

const share = (lost: number, sent: number) => `${fmtPct((100 * lost) / sent)} (${lost}/${sent})`;

/**
 * The loss a rollback judges (decisions-turn2, Trust): an agent's lost replies count only when the
 * collector's re-probe of it in the same collection lost too *and* its loss share is above the
 * control agents' in the same observation. Loss on test and control alike is the rig or NATS (a
 * stalled worker loses every agent's replies): a warning, not a rollback. Without a re-probe, or
 * with control agents in the plan but none probed, the loss is neither confirmed nor refuted: the
 * value is then a lower bound (undecided unless other loss is confirmed).
 */
function confirmedLoss(c: Calc): Measurement {
  const hasControl = c.plan.agents.control.length > 0;
  let confirmed = 0;
  let sent = 0;
  let open = false;
  const counted: string[] = [];
  const notCounted: string[] = [];
  const undecided: string[] = [];
  for (const o of probeObservations(c)) {
    const control = o.probes.filter((p) => p.role === 'control' && p.sent > 0);
    const cSent = control.reduce((s, p) => s + p.sent, 0);
    const cLost = control.reduce((s, p) => s + Math.max(0, p.sent - p.received), 0);
    const controlNote = !hasControl ? 'no control agents in the plan' : cSent ? `control agents ${share(cLost, cSent)}` : 'control agents not probed';
    for (const p of o.probes.filter((x) => c.inScope(x))) {
      sent += p.sent;
      const lost = Math.max(0, p.sent - p.received);
      if (lost === 0) continue;
      const re = p.reprobe;
      const again = !re ? 'no re-probe taken' : re.sent === 0 ? `re-probe failed (${re.error ?? 'nothing sent'})` : `re-probe lost ${re.lost}/${re.sent}`;
      const line = `${p.agent} ${share(lost, p.sent)}, ${again}, ${controlNote}`;
      if (!re || re.sent === 0 || (hasControl && cSent === 0)) {
        open = true;
        undecided.push(line);
      } else if (re.lost === 0) notCounted.push(`${line}: not confirmed by the re-probe`);
      else if (hasControl && lost / p.sent <= cLost / cSent) notCounted.push(`${line}: test and control lost alike (the rig or NATS, not the agent)`);
      else {
        confirmed += lost;
        counted.push(line);
      }
    }
  }
  const note = [
    counted.length ? `confirmed loss: ${counted.join('; ')}` : 'no confirmed loss',
    notCounted.length ? `not counted: ${notCounted.join('; ')}` : '',
    undecided.length ? `undecided: ${undecided.join('; ')}` : '',
  ].filter(Boolean).join('; ');
  return {
    value: confirmed,
    samples: sent,
    note,
    ...(open ? { bound: 'lower' as const } : {}),
    ...(notCounted.length ? { warning: `probe loss not counted for a rollback: ${notCounted.join('; ')}` } : {}),
  };
}

function latencyPercentile(c: Calc, q: 0.5 | 0.99 | 0.999): Measurement {
  const key = q === 0.5 ? 'p50' : q === 0.99 ? 'p99' : 'p999';
  const min = c.opts.percentileMinSamples[key];
  const obs = probeObservations(c);
  const perAgent: { agent: string; value: number | null; samples: number; how: string }[] = [];
  for (const agent of c.agentNames) {
    const probes = probesInScope(c, obs).filter((p) => p.agent === agent);
    if (probes.length === 0) continue;
    if (probes.every((p) => p.latenciesMs)) {
      const lat = probes.flatMap((p) => p.latenciesMs ?? []);
      perAgent.push({ agent, value: lat.length >= min ? quantile(lat, q, 'nearest-rank') : null, samples: lat.length, how: 'raw' });
    } else {
      const vals = probes.map((p) => ({ v: p[key] ?? null, n: p.samples })).filter((x) => x.v !== null && x.n >= min);
      const samples = probes.reduce((s, p) => s + p.samples, 0);
      perAgent.push({ agent, value: vals.length ? Math.max(...vals.map((x) => x.v as number)) : null, samples, how: probes.length > 1 ? 'max of per-probe percentiles' : 'collector' });
    }
  }
  if (perAgent.length === 0) return { value: null, samples: 0, note: 'no probes in this window' };
  const known = perAgent.filter((a) => a.value !== null);
  const short = perAgent.filter((a) => a.value === null);
  const note = perAgent.map((a) => `${a.agent} ${a.value === null ? `n/a (${a.samples} < ${min} samples)` : `${+(a.value as number).toFixed(3)} ms`} [${a.samples}]`).join(', ');
  const samples = Math.min(...perAgent.map((a) => a.samples));
  if (known.length === 0) return { value: null, samples, note: `${key} needs ≥ ${min} samples: ${note}` };
  const worst = Math.max(...known.map((a) => a.value as number));
  if (short.length) return { value: worst, bound: 'lower', samples, note: `worst agent; ${note}` };
  return { value: worst, samples, note: `worst agent; ${note}` };
}

function degradationPct(c: Calc): Measurement {
  const baseline = c.sel.history.find((o) => o.kind === 'baseline');
  if (!baseline) return { value: null, samples: 0, note: 'no T+0 baseline probe' };
  const obs = c.sel.kind === 'wave' ? c.sel.inWindow.filter((o) => o !== baseline) : [c.sel.current];
  if (obs.length === 1 && obs[0] === baseline) return { value: null, samples: 0, note: 'only the baseline itself' };
  const inScope = (p: ProbeLike) => c.inScope(p as never);
  const parts = degradationParts(c, baseline, obs, c.agentNames, inScope);
  if (parts.length === 0) return { value: null, samples: 0, note: 'no probes in this window' };
  const known = parts.filter((p) => p.value !== null);
  let note = parts.map((p) => p.note).join(' | ');
  const samples = Math.min(...parts.map((p) => p.samples));
  if (known.length === 0) return { value: null, samples, note };
  let worst = Math.max(...known.map((p) => p.value as number));
  // product.md: degradation is against the wave's own baseline *and* against the control agents.
  // When the control agents slowed down just as much over the same time (a loaded NATS server, a
  // busy network), the agents under test are not to blame and a rollback would not help: only the
  // part of the change beyond the control cohort's counts.
  if (c.scope.role === 'test' && !c.scope.agents && worst > 0) {
    const controlNames = c.plan.agents.control.map((a) => a.name);
    const control = degradationParts(c, baseline, obs, controlNames, (p) => p.role === 'control').filter((p) => p.value !== null);
    if (control.length) {
      // The same statistic on both sides: the worst agent's change (p50 or p99, whichever is larger).
      const shift = Math.max(...control.map((p) => p.value as number));
      if (shift > 0) {
        // Changes compose as ratios: (1 + test) / (1 + control) is the change beyond the control's.
        const beyond = ((1 + worst / 100) / (1 + shift / 100) - 1) * 100;
        // A ratio of two large shifts is noise when both cohorts moved together (a stalled machine
        // moved p99 ×12 on test and control alike, and +32 % "beyond" rolled a healthy wave back):
        // the part beyond counts only when the agents under test are also evidently slower than the
        // control agents in the same window, by the same three-way test as against the baseline.
        const vsControl = sameWindowVsControl(c, obs, controlNames);
        note += ` || control agents changed too (worst: +${shift.toFixed(1)} %), so +${Math.max(0, beyond).toFixed(1)} % is the change beyond theirs; ${vsControl.note}: ${control.map((p) => p.note).join(' | ')}`;
        worst = vsControl.slower ? Math.max(0, beyond) : 0;
      }
    } else note += ' || no control agent comparison available';
  }
  return known.length === parts.length ? { value: worst, samples, note } : { value: worst, bound: 'lower', samples, note };
}

type ProbeLike = Observation['probes'][number];

/** Whether an agent under test is evidently slower than the control agents' pooled replies in `obs`. */
function sameWindowVsControl(c: Calc, obs: readonly Observation[], controlNames: readonly string[]): { slower: boolean; note: string } {
  const latencies = (keep: (p: ProbeLike) => boolean) => obs.flatMap((o) => o.probes).filter(keep).flatMap((p) => p.latenciesMs ?? []);
  const controlNow = latencies((p) => p.role === 'control' && controlNames.includes(p.agent));
  const opts = { minDifferenceMs: c.plan.nats.probe.minLatencyDifferenceMs, confLevel: c.opts.confLevel, minSamples: c.opts.degradationMinSamples };
  const slower: string[] = [];
  for (const agent of c.agentNames) {
    const d = latencyDegradation(latencies((p) => p.agent === agent && c.inScope(p as never)), controlNow, opts);
    if (d.valuePct !== null && d.valuePct > 0) slower.push(`${agent} (${d.note})`);
  }
  return slower.length
    ? { slower: true, note: `slower than the control agents in the same window: ${slower.join(', ')}` }
    : { slower: false, note: 'not evidently slower than the control agents in the same window, so none of it counts' };
}

/** Per agent: the evidenced latency change of its probes in `obs` against the T+0 baseline, %. */
function degradationParts(c: Calc, baseline: Observation, obs: readonly Observation[], agents: readonly string[], keep: (p: ProbeLike) => boolean) {
  const parts: { agent: string; value: number | null; note: string; samples: number }[] = [];
  for (const agent of agents) {
    const base = baseline.probes.filter((p) => p.agent === agent && keep(p));
    const cur = obs.flatMap((o) => o.probes).filter((p) => p.agent === agent && keep(p));
    if (cur.length === 0) continue;
    if (!base.every((p) => p.latenciesMs) || !cur.every((p) => p.latenciesMs) || base.length === 0) {
      parts.push({ agent, value: null, samples: 0, note: `${agent}: raw latencies missing` });
      continue;
    }
    const d = latencyDegradation(cur.flatMap((p) => p.latenciesMs ?? []), base.flatMap((p) => p.latenciesMs ?? []), {
      minDifferenceMs: c.plan.nats.probe.minLatencyDifferenceMs,
      confLevel: c.opts.confLevel,
      minSamples: c.opts.degradationMinSamples,
    });
    parts.push({ agent, value: d.valuePct, samples: Math.min(d.samples.current, d.samples.baseline), note: `${agent}: ${d.note}` });
  }
  return parts;
}

function corruptCount(c: Calc): Measurement {
  const probes = probesInScope(c);
  const probeCorrupt = probes.reduce((s, p) => s + p.corrupt, 0);
  const samplings = c.scope.role === 'test' && !c.scope.agents ? samplingsOf(c) : [];
  const sampled = samplings.reduce((s, x) => s + x.corrupt, 0);
  const replies = probes.reduce((s, p) => s + p.received, 0);
  if (replies === 0 && samplings.length === 0) return { value: null, samples: 0, note: 'no probe replies or samples in this window' };
  return { value: probeCorrupt + sampled, samples: replies + samplings.reduce((s, x) => s + x.either, 0), note: `${probeCorrupt} corrupt probe replies, ${sampled} corrupt sampled payloads` };
}

// ---- NATS ----------------------------------------------------------------------------------------

function samplingsOf(c: Calc) {
  const obs = c.sel.kind === 'wave' ? c.sel.inWindow : [c.sel.current];
  return obs.filter(isCheckpoint).map((o) => o.sampling).filter((s): s is NonNullable<typeof s> => s !== null && !s.error);
}

function samplingMetric(c: Calc, f: (s: ReturnType<typeof samplingsOf>) => Measurement): Measurement {
  const obs = c.sel.kind === 'wave' ? c.sel.inWindow : [c.sel.current];
  const cps = obs.filter(isCheckpoint);
  const errors = cps.map((o) => o.sampling?.error).filter(Boolean);
  const s = samplingsOf(c);
  if (s.length === 0) {
    if (errors.length) return { value: null, samples: 0, error: `NATS sampling failed: ${errors.join('; ')}` };
    return { value: null, samples: 0, note: cps.length ? 'NATS sampling not run at this checkpoint' : 'NATS traffic is sampled at checkpoints only' };
  }
  const m = f(s);
  const incomplete = s.filter((x) => !x.complete).length;
  return incomplete ? { ...m, note: `${m.note ?? ''}; ${incomplete} sampling window(s) incomplete` } : m;
}

function dualPublishPct(c: Calc): Measurement {
  return samplingMetric(c, (s) => {
    const paired = s.reduce((a, x) => a + x.paired, 0);
    const either = s.reduce((a, x) => a + x.either, 0);
    if (either === 0) return { value: null, samples: 0, note: 'no messages sampled' };
    return { value: (100 * paired) / either, samples: either, note: `${paired}/${either} messages seen on both patterns` };
  });
}

function agentRefPct(c: Calc): Measurement {
  return samplingMetric(c, (s) => {
    const unified = s.reduce((a, x) => a + x.unified, 0);
    const total = s.reduce((a, x) => a + x.unified + x.legacy, 0);
    if (total === 0) return { value: null, samples: 0, note: 'no messages sampled' };
    return { value: (100 * unified) / total, samples: total, note: `${unified} unified of ${total} sampled (${c.plan.nats.patterns.unified})` };
  });
}

function publishTimeMs(c: Calc): Measurement {
  return samplingMetric(c, (s) => {
    const skews = s.map((x) => x.skewP99Ms).filter((x): x is number => x !== null);
    if (skews.length === 0) return { value: null, samples: 0, note: 'no paired messages: no skew' };
    return { value: Math.max(...skews), samples: s.reduce((a, x) => a + x.paired, 0), note: 'dual-publish skew p99 (worst sampling window)' };
  });
}

function dualSubscriptionPct(c: Calc): Measurement {
  const obs = [...c.sel.history].reverse().find((o) => isCheckpoint(o) && o.subscriptions !== null && (c.sel.kind === 'wave' || o === c.sel.current));
  if (!obs || !isCheckpoint(obs) || !obs.subscriptions) return { value: null, samples: 0, note: 'subscriptions not checked in this window' };
  const subs = obs.subscriptions.filter((s) => c.inScope(s));
  const missing = c.expected.filter(({ host, agent }) => !subs.some((s) => s.host === host && s.agent === agent)).map(({ host, agent }) => `${agent}@${host}`);
  const both = subs.filter((s) => s.legacy && s.unified);
  const notBoth = subs.filter((s) => !(s.legacy && s.unified)).map((s) => `${s.agent}@${s.host} (${s.legacy ? 'legacy' : s.unified ? 'unified' : 'neither'} only)`);
  const n = c.expected.length;
  if (n === 0) return { value: null, samples: 0, note: 'no agent instances in scope' };
  const note = notBoth.length ? `not dual: ${notBoth.join(', ')}` : `${both.length} connections subscribe to both patterns`;
  if (missing.length === 0) return { value: (100 * both.length) / n, samples: n, note };
  return { value: (100 * (n - notBoth.length)) / n, bound: 'upper', samples: subs.length, note: `${note}; no connection found: ${missing.join(', ')}` };
}

function connectionDrops(c: Calc): Measurement {
  const withConns = c.sel.history.filter((o) => o.nats?.connections);
  if (withConns.length === 0) return { value: null, samples: 0, note: 'agent connections not collected' };
  const from = c.sel.kind === 'wave' ? -Infinity : c.sel.from;
  const last = new Map<string, number | null>();
  let drops = 0;
  const who: string[] = [];
  for (const o of withConns) {
    for (const conn of o.nats?.connections ?? []) {
      if (!c.inScope(conn)) continue;
      const key = `${conn.agent}@${conn.host}`;
      if (last.has(key)) {
        const prev = last.get(key);
        if (prev !== null && prev !== conn.cid && o.at > from && o.at <= c.sel.to) {
          drops++;
          who.push(`${key} ${conn.cid === null ? 'gone' : `cid ${prev}→${conn.cid}`}`);
        }
      }
      last.set(key, conn.cid);
    }
  }
  return { value: drops, samples: withConns.length, note: drops ? who.join(', ') : 'no connection dropped' };
}

type RunState = boolean | 'nodata' | 'error';

/** Trailing run of observations (ending at the window's last) for which `test` is true; anything else breaks it. */
function trailingRun(c: Calc, test: (o: Observation) => RunState, what: string): Measurement {
  const hist = c.sel.history.filter((o) => o.kind !== 'baseline' || o === c.sel.current);
  const cur = test(c.sel.current);
  if (cur === 'error') return { value: null, samples: 0, error: `not collected in the newest observation (${what})` };
  if (cur === 'nodata') return { value: null, samples: 0, note: `not reported in the newest observation (${what})` };
  let run = 0;
  for (let i = hist.length - 1; i >= 0; i--) {
    if (test(hist[i]) !== true) break;
    run++;
  }
  return { value: run, samples: run, note: run ? `${run} consecutive observation(s) ${what}` : `not ${what}` };
}

function natsUnreachableTicks(c: Calc): Measurement {
  return trailingRun(c, (o) => (o.nats === null ? 'nodata' : o.nats.reachable === null ? (o.nats.error ? 'error' : 'nodata') : !o.nats.reachable), 'with NATS unreachable');
}

// ---- hosts ---------------------------------------------------------------------------------------

function hostMax(c: Calc, field: 'load1' | 'memoryUsedPct' | 'diskUsedPct', obs: Observation = c.sel.current): Measurement {
  const values: number[] = [];
  const missing: string[] = [];
  const failed: string[] = [];
  let worst = '';
  let max = -Infinity;
  for (const h of c.plan.hosts) {
    const s = obs.hosts.find((x) => x.host === h.name);
    const v = s && s.reachable ? s[field] : null;
    if (!s) missing.push(h.name);
    else if (v === null || v === undefined) failed.push(`${h.name}${s.error ? ` (${s.error})` : !s.reachable ? ' (unreachable)' : ''}`);
    else {
      values.push(v);
      if (v > max) {
        max = v;
        worst = h.name;
      }
    }
  }
  if (values.length === 0)
    return failed.length ? { value: null, samples: 0, error: `${field} not collected: ${failed.join(', ')}` } : { value: null, samples: 0, note: `no ${field} reported` };
  const note = `highest ${+max.toFixed(3)} on ${worst}`;
  if (missing.length + failed.length) return partial({ value: max, bound: 'lower', samples: values.length, note }, missing, failed, field);
  return { value: max, samples: values.length, note };
}

function hostMaxWindow(c: Calc, field: 'load1' | 'memoryUsedPct' | 'diskUsedPct'): Measurement {
  if (c.sel.kind !== 'wave') return hostMax(c, field);
  const per = c.sel.inWindow.filter((o) => o.hosts.length > 0).map((o) => hostMax(c, field, o));
  const known = per.filter((m) => m.value !== null);
  if (known.length === 0) return per[per.length - 1] ?? { value: null, samples: 0, note: 'no host samples' };
  const max = Math.max(...known.map((m) => m.value as number));
  return { value: max, samples: known.length, note: `highest over ${known.length} observations: ${+max.toFixed(3)}` };
}

function unreachableHosts(c: Calc): Measurement {
  const down: string[] = [];
  const missing: string[] = [];
  for (const h of c.plan.hosts) {
    const s = c.sel.current.hosts.find((x) => x.host === h.name);
    if (!s) missing.push(h.name);
    else if (!s.reachable) down.push(`${h.name}${s.error ? ` (${s.error})` : ''}`);
  }
  const note = down.length ? `unreachable: ${down.join(', ')}` : 'all hosts reachable';
  if (missing.length) return partial({ value: down.length, bound: 'lower', samples: c.plan.hosts.length - missing.length, note }, missing, [], 'host status');
  return { value: down.length, samples: c.plan.hosts.length, note };
}

function highLoadTicks(c: Calc): Measurement {
  const warn = c.plan.monitor.loadWarning;
  return trailingRun(
    c,
    (o) => {
      const m = hostMax(c, 'load1', o);
      if (m.value === null) return m.error ? 'error' : 'nodata';
      if (m.value > warn) return true;
      return m.bound ? (m.error ? 'error' : 'nodata') : false;
    },
    `with load1 above ${warn}`,
  );
}

// ---- memory, anomalies, test vs control ------------------------------------------------------------

function leakCount(c: Calc): Measurement {
  const byInst = instanceSamples(c);
  const now = c.sel.to;
  const leaks: string[] = [];
  const undetermined: string[] = [];
  for (const { host, agent } of c.expected) {
    const samples = (byInst.get(`${agent}@${host}`) ?? []).filter((s) => s.at <= now);
    const lastHost = [...c.sel.history].reverse().map((o) => o.hosts.find((h) => h.host === host && h.reachable)).find((h) => h);
    const r = memoryLeak(samples, lastHost ?? null, now, c.endMs, { minPoints: c.opts.leakMinPoints, confLevel: c.opts.confLevel });
    if (r.leak === null) undetermined.push(`${agent}@${host}: ${r.note}`);
    else if (r.leak) leaks.push(`${agent}@${host}: ${r.note}`);
  }
  const note = [leaks.length ? `leaking: ${leaks.join('; ')}` : 'no leak found', undetermined.length ? `undetermined: ${undetermined.join('; ')}` : ''].filter(Boolean).join('; ');
  if (undetermined.length === c.expected.length) return { value: null, samples: 0, note };
  if (undetermined.length) return { value: leaks.length, bound: 'lower', samples: c.expected.length - undetermined.length, note };
  return { value: leaks.length, samples: c.expected.length, note };
}

function anomalyCount(c: Calc): Measurement {
  const r = detectAnomalies(c.sel.inWindow.filter((o) => o.kind !== 'baseline'), {
    inScope: c.inScope,
    hosts: c.plan.hosts.map((h) => h.name),
    minPoints: c.opts.anomalyMinPoints,
    threshold: c.opts.anomalyThreshold,
    minLatencyDifferenceMs: c.plan.nats.probe.minLatencyDifferenceMs,
  });
  if (r.seriesJudged === 0) return { value: null, samples: 0, note: `too few points for anomaly detection (need ${c.opts.anomalyMinPoints} per series)` };
  return { value: r.anomalies.length, samples: r.seriesJudged, note: r.anomalies.length ? r.anomalies.slice(0, 10).map((a) => a.description).join('; ') : `no anomaly in ${r.seriesJudged} series` };
}

function cohortValues(c: Calc, role: Role, field: 'cpuPct' | 'memoryBytes'): number[] {
  const obs = c.sel.kind === 'tick' ? [c.sel.current] : c.sel.inWindow;
  return obs.flatMap((o) => o.agents.filter((s) => s.role === role && s.state !== 'unknown' && isActive(s)).map((s) => s[field]).filter((v): v is number => v !== null));
}

function overheadPct(c: Calc, field: 'cpuPct' | 'memoryBytes'): Measurement {
  if (c.scope.role !== 'test') return { value: null, samples: 0, note: 'overhead is judged for the agents under test' };
  if (c.plan.agents.control.length === 0) return { value: null, samples: 0, note: 'no control agents in the plan' };
  const test = cohortValues(c, 'test', field);
  const control = cohortValues(c, 'control', field);
  const r = evidencedRelativeChange(
    {
      name: field,
      direction: 'increase',
      minAbsoluteDifference: field === 'cpuPct' ? c.opts.cpuMinDifferencePct : c.opts.memoryMinDifferenceBytes,
    },
    test,
    control,
    { confLevel: c.opts.confLevel, minSamples: c.opts.compareMinSamples },
  );
  return { value: r.value, samples: r.samples, note: r.note };
}

function clustersWorkingPct(c: Calc, history: readonly Observation[]): Measurement {
  if (c.scope.role !== 'test') return { value: null, samples: 0, note: 'clusters are judged for the agents under test' };
  const criteria = c.plan.criteria.filter((r) => r.primary && PER_AGENT_METRICS.has(r.metric));
  if (criteria.length === 0) return { value: null, samples: 0, note: 'no per-agent primary criteria in the plan' };
  const clusters = new Map<string, string[]>();
  for (const a of c.plan.agents.underTest) if (!c.scope.agents || c.scope.agents.includes(a.name)) clusters.set(a.cluster, [...(clusters.get(a.cluster) ?? []), a.name]);
  let working = 0;
  let failing = 0;
  const notes: string[] = [];
  const upTo = history.filter((o) => o.at <= c.sel.to);
  for (const [cluster, agents] of clusters) {
    const agentStates = agents.map((agent) => {
      const cache = new Map<WindowKind, Measurements>();
      const results = criteria.map((rule) => {
        const metrics = criteria.filter((r) => r.window === rule.window).map((r) => r.metric);
        if (!cache.has(rule.window)) cache.set(rule.window, measure(c.ctx, upTo, rule.window, { role: 'test', agents: [agent] }, metrics));
        return evaluateRule(rule, cache.get(rule.window) as Measurements);
      });
      const failed = results.filter((r) => r.outcome === 'fail');
      const open = results.filter((r) => r.outcome === 'inconclusive' || r.outcome === 'error');
      return { agent, state: failed.length ? 'fail' : open.length ? 'open' : 'pass', detail: [...failed.map((r) => `${r.id} failed (${r.value})`), ...open.map((r) => `${r.id} ${r.outcome}`)] };
    });
    const state = agentStates.some((a) => a.state === 'fail') ? 'fail' : agentStates.some((a) => a.state === 'open') ? 'open' : 'pass';
    if (state === 'pass') working++;
    if (state === 'fail') failing++;
    notes.push(`${cluster} ${state === 'pass' ? 'working' : state === 'fail' ? 'NOT working' : 'undetermined'}${agentStates.some((a) => a.detail.length) ? ` (${agentStates.filter((a) => a.detail.length).map((a) => `${a.agent}: ${a.detail.join(', ')}`).join('; ')})` : ''}`);
  }
  const n = clusters.size;
  const note = notes.join('; ');
  if (working + failing === n) return { value: (100 * working) / n, samples: n, note };
  return { value: (100 * (n - failing)) / n, bound: 'upper', samples: working + failing, note };
}

// ---- the table -----------------------------------------------------------------------------------

const METRIC_FUNCTIONS: Record<MetricName, (c: Calc, history: readonly Observation[]) => Measurement> = {
  'agents.active_pct': activePct,
  'agents.inactive_count': inactiveCount,
  'agents.unknown_count': unknownCount,
  'agents.restarts': restarts,
  'agents.crashes': crashes,
  'agents.uptime_pct': uptimePct,
  'clusters.working_pct': clustersWorkingPct,
  'errors.count': (c) => {
    const { windowMs: _w, ...m } = errorCount(c);
    return m;
  },
  'errors.per_5min': errorsPer5Min,
  'errors.rate_pct': errorRatePct,
  'probe.delivery_pct': deliveryPct,
  'probe.loss_count': lossCount,
  'probe.p50_ms': (c) => latencyPercentile(c, 0.5),
  'probe.p99_ms': (c) => latencyPercentile(c, 0.99),
  'probe.p999_ms': (c) => latencyPercentile(c, 0.999),
  'latency.degradation_pct': degradationPct,
  'data.corrupt_count': corruptCount,
  'nats.dual_publish_pct': dualPublishPct,
  'nats.dual_subscription_pct': dualSubscriptionPct,
  'nats.agent_ref_pct': agentRefPct,
  'nats.publish_time_ms': publishTimeMs,
  'nats.connection_drops': connectionDrops,
  'nats.unreachable_ticks': natsUnreachableTicks,
  'hosts.unreachable_count': unreachableHosts,
  'system.load1_max': (c) => hostMaxWindow(c, 'load1'),
  'system.high_load_ticks': highLoadTicks,
  'system.memory_used_pct_max': (c) => hostMaxWindow(c, 'memoryUsedPct'),
  'system.disk_used_pct_max': (c) => hostMaxWindow(c, 'diskUsedPct'),
  'memory.leak_count': leakCount,
  'anomalies.count': anomalyCount,
  'compare.cpu_overhead_pct': (c) => overheadPct(c, 'cpuPct'),
  'compare.memory_overhead_pct': (c) => overheadPct(c, 'memoryBytes'),
};

/** Metrics not about agents: computed once for the wave, the same for every scope. */
const FLEET_METRICS: ReadonlySet<MetricName> = new Set<MetricName>([
  'hosts.unreachable_count', 'system.load1_max', 'system.high_load_ticks', 'system.memory_used_pct_max', 'system.disk_used_pct_max',
  'nats.unreachable_ticks', 'nats.dual_publish_pct', 'nats.agent_ref_pct', 'nats.publish_time_ms',
]);

/**
 * Every metric for one window and scope. `history` is every observation so far (the T+0 baseline,
 * ticks and checkpoints alike, in any order); the window is taken from its newest entries.
 * Pass `only` to compute a subset.
 */
export function measure(ctx: JudgeContext, history: readonly Observation[], window: WindowKind, scope: Scope = TEST_SCOPE, only?: readonly MetricName[]): Measurements {
  const sel = selectWindow(history, window, ctx.startMs);
  // a scope narrowed to some agents gets the per-agent metrics only (clusters are built from those)
  const names = (only ?? (Object.keys(METRIC_FUNCTIONS) as MetricName[])).filter((n) => !scope.agents || PER_AGENT_METRICS.has(n));
  const out: Measurements = {};
  if (!sel) {
    for (const n of names) out[n] = { value: null, samples: 0, note: window === 'checkpoint' ? 'no checkpoint observation yet' : 'no observation yet' };
    return out;
  }
  const agentNames = (scope.role === 'test' ? ctx.plan.agents.underTest : ctx.plan.agents.control).map((a) => a.name).filter((a) => !scope.agents || scope.agents.includes(a));
  const names2 = new Set(agentNames);
  const c: Calc = {
    ctx,
    plan: ctx.plan,
    opts: { ...MEASURE_DEFAULTS, ...(ctx.options ?? {}) },
    scope,
    sel,
    agentNames,
    expected: ctx.plan.hosts.flatMap((h) => agentNames.map((agent) => ({ host: h.name, agent }))),
    inScope: (x) => x.role === scope.role && names2.has(x.agent),
    endMs: ctx.endMs ?? ctx.startMs + ctx.plan.wave.duration,
    memo: new Map(),
  };
  for (const n of names) {
    try {
      out[n] = METRIC_FUNCTIONS[n](c, history);
    } catch (err) {
      out[n] = { value: null, samples: 0, error: `judge failed to compute ${n}: ${(err as Error).message}` };
    }
  }
  return out;
}

/** The metrics the plan's alert rules and rollback criteria read (what a monitor tick must compute). */
export function tickMetrics(plan: Plan): MetricName[] {
  return [...new Set([...plan.alerts, ...plan.rollback.criteria].map((r) => r.metric))];
}

/** The measurements every rule window needs, for both scopes (checkpoint only once there is one). */
export function measureAll(
  ctx: JudgeContext,
  history: readonly Observation[],
  opts: { windows?: readonly WindowKind[]; only?: readonly MetricName[] } = {},
): Record<Role, Partial<Record<WindowKind, Measurements>>> {
  const hasCp = history.some(isCheckpoint);
  const out: Record<Role, Partial<Record<WindowKind, Measurements>>> = { test: {}, control: {} };
  for (const role of ['test', 'control'] as const)
    for (const w of opts.windows ?? (['tick', 'checkpoint', 'wave'] as const))
      if (w !== 'checkpoint' || hasCp) out[role][w] = measure(ctx, history, w, { role }, opts.only);
  return out;
}

export { FLEET_METRICS };

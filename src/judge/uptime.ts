// Agent uptime, restarts and crashes from the agent samples (product.md, Definitions): uptime is the
// share of the window during which the unit was active, from ActiveEnter/ExitTimestamps and the
// monitor samples; a restart (NRestarts up, or a new ActiveEnterTimestamp) is downtime and a crash.
// Samples whose state is unknown are skipped: the next known sample is compared with the last known
// one, and an unchanged ActiveEnterTimestamp proves the unit stayed up through the gap.
// The unit's timestamps are stamped by the host's clock, sample times and monitoring start by the
// worker's: where the sample carries the measured host clock offset they are put on the worker's clock
// before any comparison; where it does not, the first-sample rule tolerates `clockSkewMs` (60 s).
import type { AgentSample, Observation } from './observations';
import { instanceKey } from '../model/instance';

export interface TimedSample extends AgentSample {
  at: number;
}

export interface RestartEvent {
  host: string;
  agent: string;
  /** The observation that revealed it. */
  seenAt: number;
  /** How many restarts or failures (NRestarts may rise by more than one between samples). */
  count: number;
  kind: 'restart' | 'down';
  detail: string;
}

export interface DowntimeInterval {
  from: number;
  to: number;
  /** True when the start is the previous sample's time because the exit time is unknown (an upper bound on downtime). */
  estimated: boolean;
}

export const isActive = (s: AgentSample): boolean => s.state === 'active' || s.state === 'reloading';
const isKnown = (s: AgentSample): boolean => s.state !== 'unknown';

/** A host timestamp of `s` on the worker's clock; as the host printed it when its clock was not measured. */
export function onWorkerClock(s: Pick<AgentSample, 'hostClock'>, t: number): number;
export function onWorkerClock(s: Pick<AgentSample, 'hostClock'>, t: number | null | undefined): number | null;
export function onWorkerClock(s: Pick<AgentSample, 'hostClock'>, t: number | null | undefined): number | null {
  if (t === null || t === undefined) return null;
  return s.hostClock ? t - s.hostClock.offsetMs : t;
}

/**
 * Whether the unit of a first sample entered "active" after monitoring start: beyond the error of the
 * measured clock offset, or beyond the tolerated skew when the host's clock was not measured. Without
 * the offset a host clock ahead would make a unit started before monitoring look restarted, and one
 * behind would hide a restart.
 */
function enteredAfterStart(s: AgentSample, startMs: number, clockSkewMs: number): boolean {
  if (s.activeEnterTimestamp === null) return false;
  return onWorkerClock(s, s.activeEnterTimestamp) > startMs + (s.hostClock ? s.hostClock.errorMs : clockSkewMs);
}

/** The host clock correction applied, for evidence ("host clock 300.0 s ahead, corrected"). */
function clockNote(s: AgentSample): string {
  const o = s.hostClock?.offsetMs;
  if (o === undefined) return '';
  if (Math.abs(o) < 1000) return '';
  return ` (host clock ${(Math.abs(o) / 1000).toFixed(1)} s ${o > 0 ? 'ahead' : 'behind'}, corrected)`;
}

/** Samples of each host/agent instance in time order, from a list of observations. */
export function samplesByInstance(history: readonly Observation[], filter: (s: AgentSample) => boolean): Map<string, TimedSample[]> {
  const out = new Map<string, TimedSample[]>();
  for (const o of history)
    for (const s of o.agents) {
      if (!filter(s)) continue;
      const key = instanceKey(s.host, s.agent);
      const list = out.get(key) ?? [];
      list.push({ ...s, at: o.at });
      out.set(key, list);
    }
  for (const list of out.values()) list.sort((a, b) => a.at - b.at);
  return out;
}

/**
 * Restarts and failures of one instance. Before its first known sample the unit is assumed to have
 * been started at deployment: an ActiveEnterTimestamp later than monitoring start (on the worker's
 * clock, see enteredAfterStart) is a restart.
 */
export function restartEvents(samples: readonly TimedSample[], startMs: number, clockSkewMs = 60_000): RestartEvent[] {
  const events: RestartEvent[] = [];
  let prev: TimedSample | null = null;
  for (const s of samples) {
    if (!isKnown(s)) continue;
    const ev = (count: number, kind: RestartEvent['kind'], detail: string) =>
      events.push({ host: s.host, agent: s.agent, seenAt: s.at, count, kind, detail });
    if (prev === null) {
      if (isActive(s) && enteredAfterStart(s, startMs, clockSkewMs))
        ev(1, 'restart', `active since ${new Date(onWorkerClock(s, s.activeEnterTimestamp as number)).toISOString()}${clockNote(s)}, after monitoring start`);
      else if (!isActive(s)) ev(1, 'down', `${s.state} at first sample`);
    } else {
      const dN = s.nRestarts !== null && prev.nRestarts !== null ? s.nRestarts - prev.nRestarts : 0;
      const enterChanged = s.activeEnterTimestamp !== null && prev.activeEnterTimestamp !== null && s.activeEnterTimestamp !== prev.activeEnterTimestamp;
      if (isActive(prev)) {
        if (dN > 0) ev(dN, 'restart', `NRestarts ${prev.nRestarts} → ${s.nRestarts}`);
        else if (!isActive(s)) ev(1, 'down', `active → ${s.state}`);
        else if (enterChanged) ev(1, 'restart', 'new ActiveEnterTimestamp');
      } else if (dN > 1) {
        // was down: the recovery itself is not a new crash, but further automatic restarts are
        ev(dN - 1, 'restart', `NRestarts ${prev.nRestarts} → ${s.nRestarts} while recovering`);
      }
    }
    prev = s;
  }
  return events;
}

/** Downtime intervals of one instance from monitoring start to its last known sample. */
export function downtimeIntervals(samples: readonly TimedSample[], startMs: number, clockSkewMs = 60_000): DowntimeInterval[] {
  const out: DowntimeInterval[] = [];
  const clip = (t: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, t));
  let prev: TimedSample | null = null;
  for (const s of samples) {
    if (!isKnown(s)) continue;
    // on the worker's clock, to be compared with sample times (`at`) and monitoring start
    const exit = onWorkerClock(s, s.activeExitTimestamp);
    const enter = onWorkerClock(s, s.activeEnterTimestamp);
    if (prev === null) {
      if (isActive(s)) {
        if (enter !== null && enteredAfterStart(s, startMs, clockSkewMs)) {
          const from = exit !== null && exit >= startMs && exit <= enter ? exit : startMs;
          out.push({ from, to: clip(enter, from, s.at), estimated: from === startMs && exit === null });
        }
      } else out.push({ from: exit !== null ? clip(exit, startMs, s.at) : startMs, to: s.at, estimated: exit === null });
    } else if (isActive(s)) {
      // a new run is told by the host's own timestamps (the measured offset varies a little between samples)
      const enterChanged = s.activeEnterTimestamp !== null && prev.activeEnterTimestamp !== null && s.activeEnterTimestamp !== prev.activeEnterTimestamp;
      const dN = s.nRestarts !== null && prev.nRestarts !== null ? s.nRestarts - prev.nRestarts : 0;
      if (!isActive(prev)) {
        out.push({ from: prev.at, to: enter !== null ? clip(enter, prev.at, s.at) : s.at, estimated: enter === null });
      } else if (enterChanged || dN > 0) {
        const to = enter !== null ? clip(enter, prev.at, s.at) : s.at;
        const exitKnown = exit !== null && exit >= prev.at && exit <= to;
        out.push({ from: exitKnown ? exit : prev.at, to, estimated: !exitKnown });
      }
    } else {
      const exitKnown = isActive(prev) && exit !== null && exit >= prev.at && exit <= s.at;
      out.push({ from: exitKnown ? (exit as number) : prev.at, to: s.at, estimated: isActive(prev) && !exitKnown });
    }
    prev = s;
  }
  return out.filter((i) => i.to > i.from);
}

/** Total length of the union of intervals, clipped to [from, to]. */
export function unionLength(intervals: readonly DowntimeInterval[], from: number, to: number): number {
  const clipped = intervals
    .map((i) => [Math.max(from, i.from), Math.min(to, i.to)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let curA = -Infinity;
  let curB = -Infinity;
  for (const [a, b] of clipped) {
    if (a > curB) {
      if (curB > curA) total += curB - curA;
      curA = a;
      curB = b;
    } else curB = Math.max(curB, b);
  }
  if (curB > curA) total += curB - curA;
  return total;
}

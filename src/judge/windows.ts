// Which observations a rule's window covers (plan: tick, checkpoint, wave), and a cover of
// non-overlapping observation windows for sums (errors, messages) so that a checkpoint's window and
// the ticks inside it are never counted twice.
import { isCheckpoint, type CheckpointObservation, type Observation } from './observations';

export type WindowKind = 'tick' | 'checkpoint' | 'wave';

export interface WindowSelection {
  kind: WindowKind;
  /** The observation the window ends with (the newest tick, the checkpoint, the newest of the wave). */
  current: Observation;
  /** Every observation up to and including current, in time order. */
  history: Observation[];
  /** Observations inside the window, in time order. */
  inWindow: Observation[];
  from: number;
  to: number;
  /** The checkpoint judged (checkpoint window), if any. */
  checkpoint: CheckpointObservation | null;
}

/**
 * tick: the newest observation (its own interval, from the previous observation);
 * checkpoint: the newest checkpoint observation, from the previous checkpoint (or monitoring start);
 * wave: everything since monitoring start. Returns null when the window has no observation.
 */
export function selectWindow(history: readonly Observation[], kind: WindowKind, startMs: number): WindowSelection | null {
  const all = [...history].sort((a, b) => a.at - b.at);
  if (all.length === 0) return null;
  if (kind === 'checkpoint') {
    const cps = all.filter(isCheckpoint);
    const cp = cps[cps.length - 1];
    if (!cp) return null;
    const prevCp = cps[cps.length - 2];
    const from = prevCp ? prevCp.at : startMs;
    const upTo = all.filter((o) => o.at <= cp.at);
    return { kind, current: cp, history: upTo, inWindow: upTo.filter((o) => o.at > from), from, to: cp.at, checkpoint: cp };
  }
  const current = all[all.length - 1];
  if (kind === 'tick') {
    const prev = all[all.length - 2];
    const from = prev ? prev.at : Math.min(startMs, current.at - current.windowMs);
    return { kind, current, history: all, inWindow: [current], from, to: current.at, checkpoint: isCheckpoint(current) ? current : null };
  }
  const cps = all.filter(isCheckpoint);
  return { kind, current, history: all, inWindow: all.filter((o) => o.at >= startMs), from: startMs, to: current.at, checkpoint: cps[cps.length - 1] ?? null };
}

/**
 * Observations whose (at − windowMs, at] intervals do not overlap, checkpoints first (their windows
 * are the longest), then ticks filling the gaps. Only observations that pass `has` are considered.
 */
export function coverWindows(observations: readonly Observation[], has: (o: Observation) => boolean, toleranceMs = 1000): Observation[] {
  const candidates = observations.filter(has).sort((a, b) => (isCheckpoint(a) === isCheckpoint(b) ? a.at - b.at : isCheckpoint(a) ? -1 : 1));
  const chosen: Observation[] = [];
  for (const o of candidates) {
    const a = o.at - o.windowMs;
    const b = o.at;
    const overlaps = chosen.some((c) => a < c.at - toleranceMs && b > c.at - c.windowMs + toleranceMs);
    if (!overlaps) chosen.push(o);
  }
  return chosen.sort((a, b) => a.at - b.at);
}

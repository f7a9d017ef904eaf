// What the main loop does next, read from the wave's state and the clock: the order of the
// workflow's branches in one pure function, tested alone (test/workflow/wave-state.test.ts).
import type { WaveState } from './wave-state';

export type Step =
  | { kind: 'abort' }
  | { kind: 'rollback' }
  | { kind: 'hold-timeout' }
  /** Every checkpoint ran: the verdict, or a hold for a human while primaries are inconclusive. */
  | { kind: 'judge' }
  | { kind: 'checkpoint'; index: number }
  | { kind: 'tick' }
  | { kind: 'sleep'; untilMs: number; summary: string };

export function nextStep(w: WaveState, now: number): Step {
  // An abort ends the wave at once; a requested rollback runs before anything else and is never
  // left pending at the end of a run (the rollback update waits for its outcome).
  if (w.abort) return { kind: 'abort' };
  const r = w.status.rollback;
  if (r.requested && !r.finishedAt) return { kind: 'rollback' };
  const hold = w.status.hold;
  if (hold && now >= Date.parse(hold.deadline)) return { kind: 'hold-timeout' };
  const cp = w.nextCheckpointIndex();
  if (cp === null) return { kind: 'judge' };
  // Whatever is due longest runs first, so that checkpoints due back to back at a high time scale
  // never starve the monitor (and a late tick never delays a checkpoint that was due before it).
  const due = w.dueAtMs(cp);
  const tickDue = now >= w.nextTickAtMs;
  if (now >= due && !(tickDue && w.nextTickAtMs < due)) return { kind: 'checkpoint', index: cp };
  if (tickDue) return { kind: 'tick' };
  const untilMs = Math.min(due, w.nextTickAtMs, hold ? Date.parse(hold.deadline) : Infinity);
  return { kind: 'sleep', untilMs, summary: untilMs === due ? `${w.plan.checkpoints[cp].name} checkpoint` : 'next monitor tick' };
}

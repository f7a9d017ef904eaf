// The watch's real durations (issue 14): the plan's watch settings are plan times, divided by the
// wave's time scale like every other plan duration, then held to floors so a compressed rehearsal
// does not turn the watch into a flood (probe interval) or into noise (silence of one lost reply).
// I/O-free: the workflow (when to expect the watch's beats) and the collector read the same numbers.
import type { Plan } from './schema';

/** The shortest real probe interval: below it the watch's own traffic stops being light. */
export const WATCH_MIN_PROBE_INTERVAL_MS = 200;
/** Silence is at least this many real probe intervals: one lost reply is not an agent's silence. */
export const WATCH_SILENCE_PROBES = 3;
/** How often a watcher saves its report (its beat): readers take a watcher as watching this long after its last save. */
export const WATCH_SAVE_EVERY_MS = 1000;

export interface WatchTimings {
  enabled: boolean;
  /** Real ms between two probes of one agent (and between two looks at /connz, SSH reconnects). */
  probeIntervalMs: number;
  /** Real ms without an answer after which an agent is silent. */
  silenceMs: number;
  /** Real ms: a NATS outage shorter than this is not recorded. */
  minOutageMs: number;
  /** Real ms: an episode beginning within this of the same subject's last end merges into it. */
  flapMergeMs: number;
}

export function watchTimings(plan: Pick<Plan, 'watch'>, timeScale: number): WatchTimings {
  if (!(timeScale > 0)) throw new Error(`time scale must be above zero, got ${timeScale}`);
  const w = plan.watch;
  const real = (ms: number) => Math.round(ms / timeScale);
  const probeIntervalMs = Math.max(WATCH_MIN_PROBE_INTERVAL_MS, real(w.probeInterval));
  return {
    enabled: w.enabled,
    probeIntervalMs,
    silenceMs: Math.max(WATCH_SILENCE_PROBES * probeIntervalMs, real(w.silence)),
    minOutageMs: Math.max(0, real(w.minOutage)),
    flapMergeMs: Math.max(probeIntervalMs, real(w.flapMerge)),
  };
}

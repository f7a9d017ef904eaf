// Limits on what a wave accepts, shared by the CLI (refuses before sending), the update validators
// and the workflow's own input check. Pure: safe in the workflow sandbox.

/** Time scale: 1 is a real wave; above 100,000 a 5-minute tick is shorter than 3 ms. */
export const TIME_SCALE_MIN = 1;
export const TIME_SCALE_MAX = 100_000;

/** extendWave, all requests of a wave together, in plan time. */
export const MAX_EXTEND_MS = 7 * 24 * 3_600_000;

/** Operator actions kept in the status (the newest); older ones are counted, not kept. */
export const MAX_OPERATOR_ACTIONS = 100;

/** Alert log entries kept for a later write while the log cannot be written (the newest). */
export const MAX_PENDING_ALERT_LOG = 500;

export function timeScaleProblem(scale: unknown): string | null {
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale < TIME_SCALE_MIN || scale > TIME_SCALE_MAX)
    return `time scale must be a number from ${TIME_SCALE_MIN} to ${TIME_SCALE_MAX.toLocaleString('en-US')}, got ${String(scale)}`;
  return null;
}

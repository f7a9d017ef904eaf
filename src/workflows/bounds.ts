// Every limit of a wave in one place: what it accepts (operator requests, its time scale) and what
// it keeps (operator actions, unwritten alert log entries). Pure: safe in the workflow sandbox, and
// shared with the CLI, which refuses before sending.

/** Longest free text an operator request carries (reason, by, note…). */
export const MAX_TEXT = 2000;

/** Extension at most, per request and in all over a wave (decisions: extend ≤ 7 days). */
export const MAX_EXTEND_MS = 7 * 86_400_000;

/** Time scale bounds (decisions): below 1 stretches a wave past real time, above 100,000 a 24 h wave lasts under a second. */
export const TIME_SCALE_MIN = 1;
export const TIME_SCALE_MAX = 100_000;

/** Operator actions kept in the status (the newest); older ones are counted, not kept. */
export const MAX_OPERATOR_ACTIONS = 100;

/** Alert log entries kept for a later write while the log cannot be written (the newest). */
export const MAX_PENDING_ALERT_LOG = 500;

/**
 * The problem with a wave's time scale (a workflow's input, the CLI's --time-scale), or null.
 * `given` is how to show the value (the CLI shows the text typed, quoted).
 */
export function timeScaleProblem(v: unknown, given = typeof v === 'number' ? String(v) : JSON.stringify(v)): string | null {
  if (typeof v === 'number' && Number.isFinite(v) && v >= TIME_SCALE_MIN && v <= TIME_SCALE_MAX) return null;
  return `time scale must be a number from ${TIME_SCALE_MIN} to ${TIME_SCALE_MAX} (1 = real time), got ${given}`;
}

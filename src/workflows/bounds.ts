// Limits on what a wave keeps (the bounds on what it accepts are in requests.ts, with the checks).
// Pure: safe in the workflow sandbox.

/** Operator actions kept in the status (the newest); older ones are counted, not kept. */
export const MAX_OPERATOR_ACTIONS = 100;

/** Alert log entries kept for a later write while the log cannot be written (the newest). */
export const MAX_PENDING_ALERT_LOG = 500;

// The time bounds of one SSH command, I/O-free: the channel enforces them and the hosts source's
// budget (src/collect/sources/hosts/spec.ts) adds them up, so both read the same numbers.

/** Exit status of GNU `timeout -s KILL` when it killed the command (128 + 9). */
export const REMOTE_TIMEOUT_EXIT = 137;
/** Extra time the local timer allows beyond the remote one, so the remote kill is normally seen first. */
export const LOCAL_GRACE_MS = 1500;
/** The pool's connect timer fires this long after the handshake's readyTimeout (auth included). */
export const CONNECT_GRACE_MS = 250;

/** The remote `timeout` of a command, whole seconds (at least 1). */
export function remoteTimeoutSec(timeoutMs: number): number {
  return Math.max(1, Math.ceil(timeoutMs / 1000));
}

/** The longest a wrapped command can hold its channel: the remote timeout plus the local grace. */
export function commandBoundMs(timeoutMs: number): number {
  return remoteTimeoutSec(timeoutMs) * 1000 + LOCAL_GRACE_MS;
}

/** The longest a connect can take before it is given up. */
export function connectBoundMs(connectTimeoutMs: number): number {
  return connectTimeoutMs + CONNECT_GRACE_MS;
}

// The host's own clock, read in the same command as a unit's state. systemd stamps
// ActiveEnterTimestamp with the host's clock while monitoring start and sample times are the
// worker's: without knowing how far apart the two clocks are, a host a minute ahead makes a unit
// started just before monitoring look restarted after it (and a host behind hides a real restart).

/** The Key=Value line `date +HostClockNs=%s%N` prints (GNU date: seconds and nanoseconds since the epoch). */
export const HOST_CLOCK_KEY = 'HostClockNs';

/** How far the host's clock is from the worker's: host − worker, ms; the true offset is within ± errorMs. */
export interface HostClock {
  offsetMs: number;
  errorMs: number;
}

/**
 * The host's clock reading (epoch ms) from a command's output, or null when it is not there or not
 * seconds + nine digits of nanoseconds (a `date` without %N prints the letters, which is not a reading).
 */
export function parseHostClock(text: string): number | null {
  const m = new RegExp(`^${HOST_CLOCK_KEY}=(\\d+)(\\d{9})\\r?$`, 'm').exec(text);
  if (!m) return null;
  const secs = Number(m[1]);
  if (!Number.isSafeInteger(secs) || secs <= 0) return null;
  return secs * 1000 + Number(m[2]) / 1e6;
}

/**
 * The offset of a clock read at some moment between `sentAt` and `receivedAt` (worker clock): measured
 * from the middle of that interval, so it is off by at most half of it.
 */
export function hostClockOf(hostMs: number | null, sentAt: number, receivedAt: number): HostClock | null {
  if (hostMs === null || !(receivedAt >= sentAt)) return null;
  const half = (receivedAt - sentAt) / 2;
  return { offsetMs: Math.round(hostMs - (sentAt + half)), errorMs: Math.ceil(half) };
}

// Telling the agents' losses from NATS faults: how a failed request failed, and when wavewatch's own
// connection was down. A timeout while our connection was down is not the agent's loss.
import { errors, type NatsConnection } from '../client';
import { watchConnection } from '../connect';

export type Outcome = 'reply' | 'timeout' | 'noResponders' | 'connection' | 'other';

/** The kind of a failed request, from the NATS client's error (or its cause). */
export function classify(err: unknown): Outcome {
  const e = err as { cause?: unknown };
  if (err instanceof errors.TimeoutError || e?.cause instanceof errors.TimeoutError) return 'timeout';
  if (err instanceof errors.NoRespondersError || e?.cause instanceof errors.NoRespondersError) return 'noResponders';
  if (err instanceof errors.ClosedConnectionError || err instanceof errors.DrainingConnectionError || err instanceof errors.ConnectionError) return 'connection';
  return 'other';
}

/** Down intervals of a connection (performance.now), for telling NATS faults from agent losses. */
export class DownTracker {
  intervals: [number, number | null][] = [];
  private w;
  constructor(nc: NatsConnection) {
    this.w = watchConnection(nc);
    const poll = setInterval(() => this.sync(), 20);
    poll.unref();
    this.stopPoll = () => clearInterval(poll);
    this.nc = nc;
  }
  private nc: NatsConnection;
  private stopPoll: () => void;
  private lastConnected = true;
  sync(): void {
    const up = this.w.connected && !this.nc.isClosed();
    if (up !== this.lastConnected) {
      if (!up) this.intervals.push([performance.now(), null]);
      else if (this.intervals.length) this.intervals[this.intervals.length - 1][1] = performance.now();
      this.lastConnected = up;
    }
  }
  overlaps(from: number, to: number): boolean {
    this.sync();
    return this.intervals.some(([a, b]) => a <= to && (b === null || b >= from));
  }
  get disconnects(): number {
    return this.w.disconnects;
  }
  stop(): void {
    this.stopPoll();
    this.w.stop();
  }
}

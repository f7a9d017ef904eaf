// Message counters as deltas between two collections. The server only gives running totals per
// connection, so the previous collection's counters are kept (a JSON snapshot a workflow can carry)
// and subtracted: a new cid or a restarted server resets the baseline, and a connection that went
// away is finished from its final counters in /connz?state=closed, else the delta is a lower bound.
import type { ConnzEntry } from './endpoint';

/** Counters kept from one collection to the next (JSON, so a workflow can carry it). */
export interface ServerSnapshot {
  at: string;
  serverId: string | null;
  serverStart: string | null;
  /** Per agent connection name: the counters of each connection with that name. */
  connections: Record<string, { cid: number; inMsgs: number; outMsgs: number }[]>;
  slowConsumers: number | null;
}

export interface MessageDelta {
  inMsgs: number;
  outMsgs: number;
  /** in + out: the messages the agent handled (error-rate denominator). */
  handled: number;
  /** The baseline was reset (new cid or server restart): counts of the new connection since it started. */
  reset: boolean;
  /** Some messages are unknown (a connection closed and its final counters were gone): the delta is a lower bound. */
  partial: boolean;
}

/** A new server id or start time since the previous collection: every counter restarted from zero. */
export function serverRestarted(previous: ServerSnapshot | null, serverId: string | null, serverStart: string | null): boolean {
  return !!previous && ((previous.serverId !== null && serverId !== previous.serverId) || (previous.serverStart !== null && serverStart !== previous.serverStart));
}

/**
 * The messages of one connection name since the previous collection. `conns` are its connections
 * now, `before` their counters then, `closedByCid` the closed connections the server still knows.
 * `delta` is null when the name had no connection then or now (nothing to measure).
 */
export function messageDelta(input: {
  name: string;
  conns: readonly ConnzEntry[];
  before: ServerSnapshot['connections'][string];
  closedByCid: ReadonlyMap<number, ConnzEntry>;
  restarted: boolean;
}): { delta: MessageDelta | null; dropped: number } {
  const { name, conns, before, closedByCid, restarted } = input;
  let inMsgs = 0;
  let outMsgs = 0;
  let reset = restarted;
  let partial = false;
  let dropped = 0;
  for (const c of conns) {
    const b = restarted ? undefined : before.find((x) => x.cid === c.cid);
    if (b && c.in_msgs >= b.inMsgs && c.out_msgs >= b.outMsgs) {
      inMsgs += c.in_msgs - b.inMsgs;
      outMsgs += c.out_msgs - b.outMsgs;
    } else {
      // A connection born after the last collection: all its messages fall in this interval.
      inMsgs += c.in_msgs;
      outMsgs += c.out_msgs;
      reset = true;
    }
  }
  for (const b of before) {
    if (!restarted && conns.some((c) => c.cid === b.cid)) continue;
    dropped++;
    const fin = restarted ? undefined : closedByCid.get(b.cid);
    if (fin && fin.name === name && fin.in_msgs >= b.inMsgs && fin.out_msgs >= b.outMsgs) {
      inMsgs += fin.in_msgs - b.inMsgs;
      outMsgs += fin.out_msgs - b.outMsgs;
    } else partial = true;
    reset = true;
  }
  const delta = conns.length || before.length ? { inMsgs, outMsgs, handled: inMsgs + outMsgs, reset, partial } : null;
  return { delta, dropped };
}

/** The counters to keep for the next collection: each expected connection name's connections now. */
export function takeSnapshot(input: {
  at: Date;
  serverId: string | null;
  serverStart: string | null;
  names: readonly string[];
  byName: ReadonlyMap<string, readonly ConnzEntry[]>;
  slowConsumers: number | null;
}): ServerSnapshot {
  return {
    at: input.at.toISOString(),
    serverId: input.serverId,
    serverStart: input.serverStart,
    connections: Object.fromEntries(input.names.map((n) => [n, (input.byName.get(n) ?? []).map((c) => ({ cid: c.cid, inMsgs: c.in_msgs, outMsgs: c.out_msgs }))])),
    slowConsumers: input.slowConsumers,
  };
}

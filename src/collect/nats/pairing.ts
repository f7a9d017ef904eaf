// Dual-publish pairing (product.md, *Dual publishing success*): a message seen on one pattern is
// paired with its twin on the other by the subject suffix after the pattern's prefix plus a message
// id (Nats-Msg-Id, else a payload hash) within a skew window. Pure: it is fed observations with
// their own timestamps, in arrival order, and knows nothing about NATS.
//
// Time is cut in three:   [start − lead, start)   [start, end)   [end, end + grace)
//                          lead-in                 the window     grace
// Only messages observed in the window are counted. A counted message is paired when its twin is
// observed within the skew window, in any of the three parts: a twin published just before the window
// opened or just after it closed still proves dual publishing. Lead-in and grace messages whose twin is
// not counted are ignored (they belong to the neighbouring windows).
import { MsRecorder, type DistributionSummary } from './stats';

export type PatternKey = 'legacy' | 'unified';

export interface Observation {
  pattern: PatternKey;
  /** The subject's wildcard part (e.g. "network-expert.heartbeat"). */
  suffix: string;
  /** Nats-Msg-Id, else "h:" + payload hash. */
  id: string;
  /** Arrival time, ms (any monotonic clock, the same for all observations). */
  t: number;
  /** The agent the message belongs to, when known. */
  agent: string | null;
}

export interface PairingOptions {
  /** Start and end of the counted window (same clock as Observation.t). */
  start: number;
  end: number;
  skewMs: number;
  /** After `end`, twins of counted messages are still accepted for this long. */
  graceMs: number;
}

export interface AgentPairing {
  paired: number;
  unpairedLegacy: number;
  unpairedUnified: number;
  /** paired ÷ events × 100; null without events. */
  pairedPct: number | null;
}

export interface PairingResult {
  /** Distinct events counted: paired + unpaired on either pattern. */
  events: number;
  paired: number;
  unpaired: { legacy: number; unified: number };
  /** Dual publishing success: paired ÷ events × 100; null (with a note) when nothing was seen. */
  pairedPct: number | null;
  perAgent: Record<string, AgentPairing>;
  /** Time between the two copies of a paired event (the publish time), ms. */
  skew: DistributionSummary;
  /** Of the paired events, how many arrived legacy first. */
  legacyFirst: number;
  unifiedFirst: number;
  /** Twins found in the lead-in or the grace period (their partner was counted). */
  pairedOutsideWindow: number;
  note?: string;
}

interface Pending {
  pattern: PatternKey;
  key: string;
  t: number;
  agent: string | null;
  counted: boolean;
  done: boolean;
}

const UNKNOWN_AGENT = '(unknown)';

export class DualPublishPairer {
  private readonly pending = new Map<string, Pending[]>();
  private queue: Pending[] = [];
  private head = 0;
  private readonly skew = new MsRecorder();
  private paired = 0;
  private unpaired = { legacy: 0, unified: 0 };
  private legacyFirst = 0;
  private unifiedFirst = 0;
  private outside = 0;
  private readonly agents = new Map<string, { paired: number; unpairedLegacy: number; unpairedUnified: number }>();
  private lastT = -Infinity;
  private finished = false;

  constructor(private readonly opts: PairingOptions) {}

  private agent(name: string | null) {
    const k = name ?? UNKNOWN_AGENT;
    let a = this.agents.get(k);
    if (!a) this.agents.set(k, (a = { paired: 0, unpairedLegacy: 0, unpairedUnified: 0 }));
    return a;
  }

  private unpairedOne(p: Pending): void {
    if (!p.counted) return;
    this.unpaired[p.pattern]++;
    const a = this.agent(p.agent);
    if (p.pattern === 'legacy') a.unpairedLegacy++;
    else a.unpairedUnified++;
  }

  /** Expires pending messages older than the skew window (they can no longer be paired). */
  private expire(now: number): void {
    const limit = now - this.opts.skewMs;
    while (this.head < this.queue.length && this.queue[this.head].t < limit) {
      const p = this.queue[this.head++];
      if (p.done) continue;
      p.done = true;
      this.unpairedOne(p);
      const list = this.pending.get(p.key);
      if (list) {
        const i = list.indexOf(p);
        if (i >= 0) list.splice(i, 1);
        if (!list.length) this.pending.delete(p.key);
      }
    }
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  observe(o: Observation): void {
    if (this.finished) throw new Error('pairer already finished');
    const { start, end, graceMs } = this.opts;
    // Arrival order is the contract; a clock that steps back by a hair is clamped.
    const t = Math.max(o.t, this.lastT);
    this.lastT = t;
    if (t < start - this.opts.skewMs || t >= end + graceMs) return;
    this.expire(t);
    const inWindow = t >= start && t < end;
    const inGrace = t >= end;
    const other: PatternKey = o.pattern === 'legacy' ? 'unified' : 'legacy';
    const list = this.pending.get(`${other}|${o.suffix}|${o.id}`);
    let twin: Pending | undefined;
    if (list) {
      for (let i = 0; i < list.length; i++) {
        const c = list[i];
        if (!c.done && (!inGrace || c.counted)) {
          twin = c;
          list.splice(i, 1);
          if (!list.length) this.pending.delete(c.key);
          break;
        }
      }
    }
    if (twin) {
      twin.done = true;
      if (inWindow || twin.counted) {
        this.paired++;
        this.agent(o.agent ?? twin.agent).paired++;
        this.skew.record(t - twin.t);
        if (twin.pattern === 'legacy') this.legacyFirst++;
        else this.unifiedFirst++;
        if (!inWindow || !twin.counted) this.outside++;
      }
      return;
    }
    if (inGrace) return; // a new message after the window: the next window's business
    const key = `${o.pattern}|${o.suffix}|${o.id}`;
    const p: Pending = { pattern: o.pattern, key, t, agent: o.agent, counted: inWindow, done: false };
    const l = this.pending.get(key);
    if (l) l.push(p);
    else this.pending.set(key, [p]);
    this.queue.push(p);
  }

  /** Closes the books: everything still pending is unpaired. */
  finish(): PairingResult {
    if (!this.finished) {
      this.finished = true;
      for (let i = this.head; i < this.queue.length; i++) {
        const p = this.queue[i];
        if (!p.done) {
          p.done = true;
          this.unpairedOne(p);
        }
      }
      this.pending.clear();
      this.queue = [];
      this.head = 0;
    }
    const events = this.paired + this.unpaired.legacy + this.unpaired.unified;
    const perAgent: Record<string, AgentPairing> = {};
    for (const [name, a] of [...this.agents.entries()].sort(([x], [y]) => x.localeCompare(y))) {
      const n = a.paired + a.unpairedLegacy + a.unpairedUnified;
      perAgent[name] = { ...a, pairedPct: n ? round2((a.paired / n) * 100) : null };
    }
    const res: PairingResult = {
      events,
      paired: this.paired,
      unpaired: { ...this.unpaired },
      pairedPct: events ? round2((this.paired / events) * 100) : null,
      perAgent,
      skew: this.skew.summary(),
      legacyFirst: this.legacyFirst,
      unifiedFirst: this.unifiedFirst,
      pairedOutsideWindow: this.outside,
    };
    if (!events) res.note = 'no messages on either pattern in the window: dual publishing not measurable';
    return res;
  }
}

/** Percent with two decimals, but never rounded up to 100 (99.996 stays below 100). */
export function round2(pct: number): number {
  const r = Math.round(pct * 100) / 100;
  return r >= 100 && pct < 100 ? 99.99 : r;
}

/** Pairs a finished list of observations (sorted by time here). */
export function pairObservations(observations: readonly Observation[], opts: PairingOptions): PairingResult {
  const p = new DualPublishPairer(opts);
  for (const o of [...observations].sort((a, b) => a.t - b.t)) p.observe(o);
  return p.finish();
}

// What one watcher saw, as events (model/watch.ts), kept pure: the links (nats-link, liveness,
// ssh-link) tell it when something opened and closed, with times they measured; it merges flaps,
// caps what one subject may hold, and answers the whole report on demand. No I/O, no clock.
import type { WatchEvent, WatchEventKind, WatchReport } from '../../model/watch';

export const DEFAULT_EVENTS_PER_SUBJECT = 50;
/** Evidence is words for people; a flapping link must not grow it without end. */
const MAX_EVIDENCE_CHARS = 600;

export interface WatchRecorderOptions {
  waveId: string;
  watcher: string;
  startedAtMs: number;
  /** An episode beginning within this of the same kind+subject's last end merges into that event. */
  flapMergeMs: number;
  /**
   * NATS outages shorter than this, once over, are not recorded at all (not counted either: the
   * plan says they are not outages). A short episode merged into an earlier event is undone.
   */
  minOutageMs: number;
  eventsPerSubject?: number;
  /** Called after every change to the events (its owner saves the report then). */
  onChange?: () => void;
}

type Role = WatchEvent['role'];

/** How an open episode came to be: a new event, or a flap re-opening an earlier one (to undo a short one). */
interface Episode {
  event: WatchEvent | null; // null: over the subject's cap, dropped (its close is then ignored)
  startMs: number;
  reopenedFromEndMs: number | null;
  evidenceBefore: string;
}

const key = (kind: WatchEventKind, subject: string) => `${kind}\u0000${subject}`;

export class WatchRecorder {
  private readonly events: WatchEvent[] = [];
  private readonly episodes = new Map<string, Episode>();
  /** The last event per kind+subject (for flap merging). */
  private readonly last = new Map<string, WatchEvent>();
  private readonly first = new WeakMap<WatchEvent, string>();
  private readonly perSubject = new Map<string, number>();
  private readonly cap: number;
  private eventsDropped = 0;
  probesSent = 0;
  probesAnswered = 0;
  /** Bumped on every change to the events: the owner saves when it moved. */
  version = 0;

  private changed(): void {
    this.version++;
    this.opts.onChange?.();
  }

  constructor(private readonly opts: WatchRecorderOptions) {
    this.cap = opts.eventsPerSubject ?? DEFAULT_EVENTS_PER_SUBJECT;
  }

  /** Whether an episode of kind+subject is open now. */
  isOpen(kind: WatchEventKind, subject: string): boolean {
    return this.episodes.has(key(kind, subject));
  }

  /**
   * An episode begins at `atMs`. Answers the event when something began (a new event, or a flap
   * re-opening the last one), null when it was open already or the subject is over its cap.
   */
  open(kind: WatchEventKind, subject: string, role: Role, atMs: number, evidence: string): WatchEvent | null {
    const k = key(kind, subject);
    if (this.episodes.has(k)) return null;
    const prev = this.last.get(k);
    if (prev && prev.endMs !== null && atMs - prev.endMs <= this.opts.flapMergeMs) {
      this.episodes.set(k, { event: prev, startMs: atMs, reopenedFromEndMs: prev.endMs, evidenceBefore: prev.evidence });
      prev.flaps++;
      prev.endMs = null;
      // The first episode's words and the latest one's: a flapping link's evidence does not grow.
      prev.evidence = clip(`${this.first.get(prev) ?? ''}; flap ${prev.flaps} at ${iso(atMs)}: ${evidence}`);
      this.changed();
      return { ...prev };
    }
    const n = this.perSubject.get(subject) ?? 0;
    if (n >= this.cap) {
      this.episodes.set(k, { event: null, startMs: atMs, reopenedFromEndMs: null, evidenceBefore: '' });
      this.eventsDropped++;
      this.changed();
      return null;
    }
    const ev: WatchEvent = { kind, subject, role, startMs: Math.round(atMs), endMs: null, flaps: 0, lostProbes: 0, evidence: clip(evidence) };
    this.first.set(ev, ev.evidence);
    this.perSubject.set(subject, n + 1);
    this.events.push(ev);
    this.last.set(k, ev);
    this.episodes.set(k, { event: ev, startMs: atMs, reopenedFromEndMs: null, evidenceBefore: '' });
    this.changed();
    return { ...ev };
  }

  /** The open episode of kind+subject ended at `atMs`; false when none was open. */
  close(kind: WatchEventKind, subject: string, atMs: number, evidence?: string): boolean {
    const k = key(kind, subject);
    const ep = this.episodes.get(k);
    if (!ep) return false;
    this.episodes.delete(k);
    this.changed();
    const ev = ep.event;
    if (!ev) return true;
    const end = Math.max(Math.round(atMs), ev.startMs);
    if (kind === 'nats-outage' && end - ep.startMs < this.opts.minOutageMs) {
      this.undo(k, ev, ep);
      return true;
    }
    ev.endMs = end;
    if (evidence) ev.evidence = clip(`${ev.evidence}; ${evidence}`);
    return true;
  }

  /** An episode already over when it was learnt (a connection replaced between two looks). */
  record(kind: WatchEventKind, subject: string, role: Role, startMs: number, endMs: number, evidence: string): WatchEvent | null {
    const began = this.open(kind, subject, role, startMs, evidence);
    this.close(kind, subject, Math.max(startMs, endMs));
    return began;
  }

  /** The watch itself was not watching from..to (a worker died): its own event, never the fleet's. */
  blind(fromMs: number, toMs: number, why: string): WatchEvent | null {
    return this.record('watch-blind', 'watch', null, fromMs, toMs, why);
  }

  /** Probes of `agent` lost during its open silence; false when the agent is not silent now. */
  lostProbe(agent: string, n = 1): boolean {
    const ev = this.episodes.get(key('agent-silent', agent))?.event;
    if (!ev) return false;
    ev.lostProbes += n;
    this.changed();
    return true;
  }

  /** The whole report as of `lastBeatMs`: events in order of start, copies (the recorder goes on). */
  snapshot(lastBeatMs: number): WatchReport {
    return {
      schema: 'wavewatch/watch',
      schemaVersion: 1,
      waveId: this.opts.waveId,
      watcher: this.opts.watcher,
      startedAtMs: this.opts.startedAtMs,
      lastBeatMs: Math.max(Math.round(lastBeatMs), this.opts.startedAtMs),
      events: this.events.map((e) => ({ ...e })).sort((a, b) => a.startMs - b.startMs),
      eventsDropped: this.eventsDropped,
      probesSent: this.probesSent,
      probesAnswered: this.probesAnswered,
    };
  }

  private undo(k: string, ev: WatchEvent, ep: Episode): void {
    if (ep.reopenedFromEndMs !== null) {
      // A short episode re-opened an earlier event: the event goes back to what it was.
      ev.flaps--;
      ev.endMs = ep.reopenedFromEndMs;
      ev.evidence = ep.evidenceBefore;
      return;
    }
    this.events.splice(this.events.indexOf(ev), 1);
    this.perSubject.set(ev.subject, (this.perSubject.get(ev.subject) ?? 1) - 1);
    this.last.delete(k);
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function clip(s: string): string {
  return s.length <= MAX_EVIDENCE_CHARS ? s : `${s.slice(0, MAX_EVIDENCE_CHARS - 1)}…`;
}

// The watch's reports (one per watcher of the wave: a restarted watch writes its own) as the judge's
// watch part of an observation's window, and as the checkpoint record's `watch` part. Several
// watchers may have seen the same episode (a restarted watch overlaps its predecessor for a moment):
// it is one event. Where no watcher was watching, the window gets a 'watch-blind' event: the watch
// says it was blind, and never reports that stretch as an outage of the fleet. Pure.
import type { WatchEvent, WatchReport } from '../model/watch';
import type { WatchObservation } from '../judge/observations';
import { mergeWatchEvents, overlaps, subtractSpans, type Span } from '../judge/watch-events';
import type { WatchPart } from '../artifacts/records/watch';
import { iso } from './readings';

export interface WatchInput {
  reports: readonly WatchReport[];
  /**
   * How long after a watcher's last save (and before its start) it is still taken as watching: its
   * save interval plus a probe interval, as the caller knows them from the plan (watch timings).
   */
  beatToleranceMs: number;
}

/**
 * An open event of a watcher that stopped watching before the window's end ends, as far as anyone
 * knows, at its last beat: after it the watch was blind (that stretch is the blind event), and an
 * event left open by a dead watcher would otherwise last forever.
 */
function closedAtLastBeat(r: WatchReport, toMs: number, tol: number): WatchEvent[] {
  if (r.lastBeatMs + tol >= toMs) return r.events;
  return r.events.map((e) =>
    e.endMs !== null ? e : { ...e, endMs: Math.max(e.startMs, r.lastBeatMs), evidence: `${e.evidence}${e.evidence ? '; ' : ''}still open when watcher ${r.watcher} stopped at ${new Date(r.lastBeatMs).toISOString()}` },
  );
}

/** The watch over (fromMs, toMs]: null when no report spans any of it (the watch off or gone: missing, never zero). */
export function watchObservation(input: WatchInput | null | undefined, fromMs: number, toMs: number): WatchObservation | null {
  if (!input) return null;
  const tol = input.beatToleranceMs;
  const spans: Span[] = input.reports.map((r) => ({ from: r.startedAtMs - tol, to: r.lastBeatMs + tol }));
  const reports = input.reports.filter((_, i) => spans[i].from <= toMs && spans[i].to >= fromMs);
  if (reports.length === 0) return null;
  const gaps = subtractSpans({ from: fromMs, to: toMs }, spans);
  const blind: WatchEvent[] = gaps.map((g) => ({
    kind: 'watch-blind',
    subject: 'watch',
    role: null,
    startMs: g.from,
    endMs: g.to,
    flaps: 0,
    lostProbes: 0,
    evidence: "no watcher's report covers this stretch",
  }));
  const events = mergeWatchEvents([...reports.flatMap((r) => closedAtLastBeat(r, toMs, tol)), ...blind]).filter((e) => overlaps(e, fromMs, toMs));
  return { events, fromMs, toMs, covered: gaps.length === 0 };
}

/** The checkpoint record's `watch` part: the window's events with their own start, end and duration. */
export function watchPart(w: WatchObservation | null, reports: readonly WatchReport[] = []): WatchPart | null {
  if (!w) return null;
  return {
    from: iso(w.fromMs),
    to: iso(w.toMs),
    covered: w.covered,
    events: w.events.map((e) => ({
      kind: e.kind,
      subject: e.subject,
      role: e.role,
      start: iso(e.startMs),
      end: e.endMs === null ? null : iso(e.endMs),
      durationSeconds: e.endMs === null ? null : (e.endMs - e.startMs) / 1000,
      flaps: e.flaps,
      lostProbes: e.lostProbes,
      evidence: e.evidence,
    })),
    eventsDropped: reports.reduce((s, r) => s + r.eventsDropped, 0),
  };
}

/**
 * The wave's observations with the watch over each one's window, for the judge: attached when judging,
 * never stored with them (the watch's events live in their own objects; an observation's window is
 * (at − windowMs, at]). `watch` null (the watch off): every observation's part is null, missing data.
 */
export function withWatch<T extends { at: number; windowMs: number }>(history: readonly T[], watch: WatchInput | null): (T & { watch: WatchObservation | null })[] {
  return history.map((o) => ({ ...o, watch: watchObservation(watch, o.at - o.windowMs, o.at) }));
}

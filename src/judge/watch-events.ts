// The watch's events as the judge reads them over a window: merged across watchers and observations
// (the same episode seen by a watch and by its restarted successor, or by two adjoining observations,
// is one episode), clipped to the window, and the time they cover as a union (two agents silent at
// once are not twice the time). Pure: every time comes from the events and the window.
import type { WatchEvent, WatchEventKind } from '../model/watch';
import type { Observation, WatchObservation } from './observations';
import { unionLength } from './uptime';

/**
 * Events of the same kind and subject whose spans overlap or touch, merged into one: the earliest
 * start, the latest end (open when either is open), the larger flap and lost-probe counts (two views
 * of one episode, not two episodes) and both evidences when they differ.
 */
export function mergeWatchEvents(events: readonly WatchEvent[]): WatchEvent[] {
  const byKey = new Map<string, WatchEvent[]>();
  for (const e of events) {
    const key = `${e.kind}\u0000${e.subject}`;
    byKey.set(key, [...(byKey.get(key) ?? []), e]);
  }
  const out: WatchEvent[] = [];
  for (const list of byKey.values()) {
    const sorted = [...list].sort((a, b) => a.startMs - b.startMs);
    const merged: WatchEvent[] = [];
    for (const e of sorted) {
      const cur = merged[merged.length - 1];
      if (cur && (cur.endMs === null || e.startMs <= cur.endMs)) {
        merged[merged.length - 1] = {
          ...cur,
          endMs: cur.endMs === null || e.endMs === null ? null : Math.max(cur.endMs, e.endMs),
          flaps: Math.max(cur.flaps, e.flaps),
          lostProbes: Math.max(cur.lostProbes, e.lostProbes),
          evidence: cur.evidence === e.evidence || e.evidence === '' ? cur.evidence : cur.evidence === '' ? e.evidence : `${cur.evidence} | ${e.evidence}`,
          role: cur.role ?? e.role,
        };
      } else merged.push({ ...e });
    }
    out.push(...merged);
  }
  return out.sort((a, b) => a.startMs - b.startMs || a.kind.localeCompare(b.kind) || a.subject.localeCompare(b.subject));
}

export interface Span {
  from: number;
  to: number;
}

/** The part of an event inside [from, to] (an open event lasts to the window's end); null: outside it. */
export function clipEvent(e: WatchEvent, from: number, to: number): Span | null {
  return overlaps(e, from, to) ? { from: Math.max(from, e.startMs), to: Math.min(to, e.endMs ?? to) } : null;
}

/** Whether an event overlaps the window (from, to]: one that ended exactly at `from` belongs to the window before. */
export function overlaps(e: WatchEvent, from: number, to: number): boolean {
  return e.startMs <= to && (e.endMs === null || e.endMs > from);
}

/** Total length of a union of spans inside [from, to], ms. */
export const spansLength = (spans: readonly Span[], from: number, to: number): number => unionLength(spans.map((s) => ({ ...s, estimated: false })), from, to);

/** The parts of `span` not covered by any of `cover`. */
export function subtractSpans(span: Span, cover: readonly Span[]): Span[] {
  let rest: Span[] = [span];
  for (const c of cover) rest = rest.flatMap((r) => (c.to <= r.from || c.from >= r.to ? [r] : [...(c.from > r.from ? [{ from: r.from, to: c.from }] : []), ...(c.to < r.to ? [{ from: c.to, to: r.to }] : [])]));
  return rest.filter((r) => r.to > r.from);
}

/** What the watch saw over a window, gathered from the observations' watch parts. */
export interface WatchWindow {
  from: number;
  to: number;
  /** Merged events overlapping the window (unclipped). */
  events: WatchEvent[];
  /** Parts of the window the watch was not watching: no observation's watch part spans them, or a 'watch-blind' event does. */
  uncovered: Span[];
}

/**
 * The watch over [from, to] from the observations whose watch part overlaps it; null when none has
 * one (the watch was off, or left no report: missing, never zero). A part's own blind stretches are
 * its 'watch-blind' events (observe/watch.ts adds one where no watcher's report covers the part), so
 * the stretches no part spans at all are the only ones added here.
 */
export function watchWindow(history: readonly Observation[], from: number, to: number): WatchWindow | null {
  const parts = history.map((o) => o.watch).filter((w): w is WatchObservation => !!w && w.fromMs < to && w.toMs > from);
  if (parts.length === 0) return null;
  // an event open when an earlier part ended was open at least until then; a later part says how it went on
  const newest = Math.max(...parts.map((p) => p.toMs));
  const seen = parts.flatMap((p) => (p.toMs === newest ? p.events : p.events.map((e) => (e.endMs === null ? { ...e, endMs: Math.max(e.startMs, p.toMs) } : e))));
  const events = mergeWatchEvents(seen).filter((e) => overlaps(e, from, to));
  const spanned = subtractSpans({ from, to }, parts.map((p) => ({ from: p.fromMs, to: p.toMs })));
  const blind = events.filter((e) => e.kind === 'watch-blind').map((e) => clipEvent(e, from, to)).filter((s): s is Span => s !== null);
  return { from, to, events, uncovered: [...spanned, ...blind].sort((a, b) => a.from - b.from) };
}

/** The window's events of one kind. */
export const ofKind = (w: WatchWindow, kind: WatchEventKind): WatchEvent[] => w.events.filter((e) => e.kind === kind);

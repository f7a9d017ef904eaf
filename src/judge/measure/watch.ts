// What the continuous watch saw in the window (issue 14): NATS outages of wavewatch's own connections,
// agents silent to its light probes, and the time the watch itself was blind. No watch part for the
// window (the watch off, or no report) is no data, never zero; a window the watch saw only in part
// gives lower bounds. Pure.
import type { Measurement } from '../rules';
import type { WatchEvent } from '../../model/watch';
import { clipEvent, ofKind, spansLength, subtractSpans, watchWindow, type Span, type WatchWindow } from '../watch-events';
import { memo, type Calc, type Measures } from './context';

const secs = (ms: number) => +(ms / 1000).toFixed(3);
const isoOf = (ms: number) => new Date(ms).toISOString();

/** The window the watch is judged over: the wave's starts at the T+0 baseline (the watch starts after it). */
export function watchSpan(c: Calc): Span {
  if (c.sel.kind !== 'wave') return { from: c.sel.from, to: c.sel.to };
  const baseline = c.sel.history.find((o) => o.kind === 'baseline' && o.at >= c.ctx.startMs);
  return { from: baseline ? Math.min(baseline.at, c.sel.to) : c.sel.from, to: c.sel.to };
}

export function watchOf(c: Calc, span: Span = watchSpan(c)): WatchWindow | null {
  return memo(c, `watch:${span.from}:${span.to}`, () => watchWindow(c.sel.history, span.from, span.to));
}

const NO_WATCH: Measurement = { value: null, samples: 0, note: 'the watch saw nothing of this window (off, or no report)' };

/** A value over the window, a lower bound where the watch was blind for part of it. */
function withCover(w: WatchWindow, m: Measurement): Measurement {
  const blindMs = spansLength(w.uncovered, w.from, w.to);
  if (blindMs === 0) return m;
  return { ...m, bound: 'lower', note: `${m.note}; the watch was blind for ${secs(blindMs)} s of the window (at least)` };
}

/** The episode behind a value when every event counted was over by the window's end. */
function episode(events: readonly WatchEvent[], to: number): Measurement['over'] {
  if (events.length === 0 || events.some((e) => e.endMs === null || e.endMs > to)) return undefined;
  return { startMs: Math.min(...events.map((e) => e.startMs)), endMs: Math.max(...events.map((e) => e.endMs as number)) };
}

function describe(e: WatchEvent): string {
  const span = e.endMs === null ? `from ${isoOf(e.startMs)}, still going on` : `from ${isoOf(e.startMs)} to ${isoOf(e.endMs)} (${secs(e.endMs - e.startMs)} s)`;
  return `${e.subject} ${span}${e.flaps ? ` with ${e.flaps} flap(s) merged` : ''}${e.evidence ? `: ${e.evidence}` : ''}`;
}

function outages(c: Calc, value: (events: WatchEvent[], w: WatchWindow) => number, unit: string): Measurement {
  const w = watchOf(c);
  if (!w) return NO_WATCH;
  const events = ofKind(w, 'nats-outage');
  const v = value(events, w);
  const note = events.length ? `${v}${unit}: ${events.map(describe).join('; ')}` : 'no NATS outage seen by the watch';
  return withCover(w, { value: v, samples: events.length, note, over: v > 0 ? episode(events, w.to) : undefined });
}

const clipped = (events: readonly WatchEvent[], w: WatchWindow): Span[] => events.map((e) => clipEvent(e, w.from, w.to)).filter((s): s is Span => s !== null);

/**
 * Stretches in which silence is the rig's or NATS's, not an agent's: control agents silent too, or
 * wavewatch's own NATS connection down (its probes could not have been answered).
 */
export function rigSpans(w: WatchWindow): Span[] {
  return clipped([...ofKind(w, 'agent-silent').filter((e) => e.role === 'control'), ...ofKind(w, 'nats-outage')], w);
}

/** One agent's silent stretches in the window; for agents under test, without the rig's. */
export function silentSpans(w: WatchWindow, agent: string, role: 'test' | 'control'): { own: Span[]; rigMs: number; events: WatchEvent[] } {
  const events = ofKind(w, 'agent-silent').filter((e) => e.subject === agent && (e.role === null || e.role === role));
  const spans = clipped(events, w);
  if (role === 'control') return { own: spans, rigMs: 0, events };
  const rig = rigSpans(w);
  const own = spans.flatMap((s) => subtractSpans(s, rig));
  return { own, rigMs: spansLength(spans, w.from, w.to) - spansLength(own, w.from, w.to), events };
}

/** The worst agent's silent seconds in scope (a cohort: the agent silent longest; one agent: its own). */
function silentSeconds(c: Calc): Measurement {
  const w = watchOf(c);
  if (!w) return NO_WATCH;
  let worst = 0;
  const who: string[] = [];
  const rig: string[] = [];
  const counted: WatchEvent[] = [];
  for (const agent of c.agentNames) {
    const s = silentSpans(w, agent, c.scope.role);
    const ms = spansLength(s.own, w.from, w.to);
    worst = Math.max(worst, ms);
    if (ms > 0) {
      who.push(`${agent} silent ${secs(ms)} s (${s.events.map(describe).join('; ')})`);
      counted.push(...s.events);
    }
    if (s.rigMs > 0) rig.push(`${agent} ${secs(s.rigMs)} s`);
  }
  const warning = rig.length ? `silence of agents under test while control agents were silent or the watch's NATS connection was down is the rig's or NATS's, not the agents': ${rig.join(', ')}` : undefined;
  const note = who.length ? who.join('; ') : 'no agent silent to the watch';
  const m = withCover(w, { value: secs(worst), samples: c.agentNames.length, note: warning ? `${note}; not counted: ${warning}` : note, over: worst > 0 ? episode(counted, w.to) : undefined });
  return warning ? { ...m, warning } : m;
}

/**
 * The watch's probes lost by agents in scope while they were silent on their own (decisions-turn2:
 * loss counts the watch's lost probes, confirmed): silence is at least 3 probes in a row unanswered,
 * and an agent under test's silence while control agents were silent too, or while the watch's own
 * NATS link was down, is the rig's and not counted. null: no watch data for the window.
 */
export function watchLoss(c: Calc): { lost: number; who: string[] } | null {
  const w = watchOf(c);
  if (!w) return null;
  let lost = 0;
  const who: string[] = [];
  for (const agent of c.agentNames) {
    const s = silentSpans(w, agent, c.scope.role);
    if (spansLength(s.own, w.from, w.to) === 0) continue;
    const n = s.events.reduce((sum, e) => sum + e.lostProbes, 0);
    if (n === 0) continue;
    lost += n;
    who.push(`${agent} ${n} lost while silent (${s.events.map(describe).join('; ')})`);
  }
  return { lost, who };
}

function blindSeconds(c: Calc): Measurement {
  const w = watchOf(c);
  if (!w) return NO_WATCH;
  const ms = spansLength(w.uncovered, w.from, w.to);
  const blind = ofKind(w, 'watch-blind');
  const note = ms ? `the watch was not watching for ${secs(ms)} s${blind.length ? `: ${blind.map(describe).join('; ')}` : ''}` : 'the watch watched the whole window';
  return { value: secs(ms), samples: 1, note };
}

export const WATCH_MEASURES = {
  'nats.outage_count': (c) => outages(c, (events) => events.length, ' outage(s)'),
  'nats.outage_seconds': (c) => outages(c, (events, w) => secs(spansLength(clipped(events, w), w.from, w.to)), ' s with a NATS connection of the watch down'),
  'agent.silent_seconds': silentSeconds,
  'watch.blind_seconds': blindSeconds,
} satisfies Partial<Measures>;

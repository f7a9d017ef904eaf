// A watch context for one link under test: the plan, real timings at the smallest the floors allow,
// a recorder, the events that began, and the abort that stops it.
import type { Plan } from '../../src/plan/schema';
import { watchTimings, type WatchTimings } from '../../src/plan/watch-timings';
import { WatchRecorder } from '../../src/collect/watch/recorder';
import type { WatchContext } from '../../src/collect/watch/context';
import type { WatchEvent } from '../../src/model/watch';

export interface TestWatch {
  ctx: WatchContext;
  began: WatchEvent[];
  stop(): void;
  events(): WatchEvent[];
}

/** Plan watch settings at ×720 hit the floors: probe 200 ms, silence 600 ms, flap merge 200 ms (unless `timings` says otherwise). */
export function testWatch(plan: Plan, timings: Partial<WatchTimings> = {}): TestWatch {
  const t = { ...watchTimings(plan, 720), ...timings };
  const ac = new AbortController();
  const began: WatchEvent[] = [];
  const recorder = new WatchRecorder({ waveId: 'w', watcher: 'test/1', startedAtMs: Date.now(), flapMergeMs: t.flapMergeMs, minOutageMs: t.minOutageMs });
  const ctx: WatchContext = { plan, timings: t, recorder, clock: Date.now, signal: ac.signal, began: (e) => began.push(e) };
  return { ctx, began, stop: () => ac.abort(), events: () => recorder.snapshot(Date.now()).events };
}

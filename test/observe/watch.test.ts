// The wave's watch reports as the judge's watch part of a window and as the checkpoint record's
// `watch` part, on crafted reports: several watchers' views of one episode are one event, a watcher
// that stopped leaves its open events ended at its last beat and a blind stretch, no report is
// no data.
import { toCheckpointRecord, toHeadline, toObservation, watchObservation, type WatchInput } from '../../src/observe';
import { judgeHeadline } from '../../src/judge/headline';
import { measure } from '../../src/judge/measure';
import { TEST_SCOPE } from '../../src/judge/measure/context';
import { checkpointRecordSchema } from '../../src/artifacts/records/checkpoint';
import type { WatchEvent, WatchReport } from '../../src/model/watch';
import type { Observation } from '../../src/judge/observations';
import { H, MIN, START, makeCollection, wave2Plan } from './fixtures';

const plan = wave2Plan();
const SERVER = 'nats://127.0.0.1:4222';
const TOL = 2_000;

const outage = (startMs: number, endMs: number | null, evidence = 'disconnect'): WatchEvent => ({ kind: 'nats-outage', subject: SERVER, role: null, startMs, endMs, flaps: 0, lostProbes: 0, evidence });
const report = (watcher: string, startedAtMs: number, lastBeatMs: number, events: WatchEvent[], more: Partial<WatchReport> = {}): WatchReport => ({
  schema: 'wavewatch/watch',
  schemaVersion: 1,
  waveId: 'w-1',
  watcher,
  startedAtMs,
  lastBeatMs,
  events,
  eventsDropped: 0,
  probesSent: 0,
  probesAnswered: 0,
  ...more,
});
const input = (...reports: WatchReport[]): WatchInput => ({ reports, beatToleranceMs: TOL });

const FROM = START + H;
const TO = FROM + 5 * MIN;

describe('watchObservation', () => {
  test('no report, or the watch off: null (no data, never an empty watch)', () => {
    expect(watchObservation(input(), FROM, TO)).toBeNull();
    expect(watchObservation(null, FROM, TO)).toBeNull();
    // a report of another stretch of the wave says nothing of this window
    expect(watchObservation(input(report('r1/1', START, START + 10 * MIN, [])), FROM, TO)).toBeNull();
  });

  test('a restarted watch overlapping its predecessor: the episode both saw is one event', () => {
    const old = report('r1/1', START, FROM + 2 * MIN, [outage(FROM + 60_000, FROM + 2 * MIN - 500, 'disconnect: ECONNRESET')]);
    const next = report('r1/2', FROM + 2 * MIN - 1_000, TO, [outage(FROM + 60_500, FROM + 2 * MIN)]);
    const w = watchObservation(input(old, next), FROM, TO)!;
    expect(w.covered).toBe(true);
    expect(w.events).toEqual([{ ...outage(FROM + 60_000, FROM + 2 * MIN), evidence: 'disconnect: ECONNRESET | disconnect' }]);
  });

  test('a watcher that stopped: its open event ends at its last beat, the stretch nobody watched is a blind event', () => {
    const dead = report('r1/1', START, FROM + MIN, [outage(FROM + 30_000, null)]);
    const next = report('r1/2', FROM + 3 * MIN, TO, []);
    const w = watchObservation(input(dead, next), FROM, TO)!;
    expect(w.covered).toBe(false);
    expect(w.events).toEqual([
      expect.objectContaining({ kind: 'nats-outage', startMs: FROM + 30_000, endMs: FROM + MIN, evidence: expect.stringContaining('still open when watcher r1/1 stopped') }),
      expect.objectContaining({ kind: 'watch-blind', subject: 'watch', startMs: FROM + MIN + TOL, endMs: FROM + 3 * MIN - TOL }),
    ]);
  });

  test('the live watcher\'s open event stays open', () => {
    const w = watchObservation(input(report('r1/1', START, TO - 500, [outage(FROM + 30_000, null)])), FROM, TO)!;
    expect(w.events[0].endMs).toBeNull();
  });
});

describe('the watch in the observation and in the checkpoint record', () => {
  const tick = (seq: number, atMs: number) => makeCollection(plan, { kind: 'tick', seq, atMs, sinceMs: atMs - 5 * MIN });

  test('two watchers\' duplicate outage is counted once by the judge', () => {
    const dup = [report('r1/1', START, START + H + 3 * MIN, [outage(START + H + MIN, START + H + 2 * MIN)]), report('r2/1', START + H + 30_000, START + 2 * H, [outage(START + H + MIN + 200, START + H + 2 * MIN)])];
    const h: Observation[] = [toObservation(plan, makeCollection(plan, { kind: 'baseline', seq: 0, atMs: 0, sinceMs: 0 }), null, { watch: null })];
    for (let i = 1; i <= 13; i++) h.push(toObservation(plan, tick(i, i * 5 * MIN), null, { watch: input(...dup) }));
    expect(h[0].watch).toBeNull();
    const m = measure({ plan, startMs: START }, h, 'wave', TEST_SCOPE, ['nats.outage_count', 'nats.outage_seconds']);
    expect(m['nats.outage_count']!.value).toBe(1);
    expect(m['nats.outage_seconds']!.value).toBe(60);
  });

  test('without the option, no watch field (observations from before the watch)', () => {
    expect('watch' in toObservation(plan, tick(1, 5 * MIN))).toBe(false);
  });

  test('the checkpoint record lists the window\'s events with start, end and duration, and parses', () => {
    const c = makeCollection(plan, { kind: 'checkpoint', name: 'T+6h', seq: 72, atMs: 6 * H, sinceMs: 6 * H - 5 * MIN });
    const judged = { verdict: 'PASS' as const, verdictReason: 'ok', criteria: [], headline: toHeadline(judgeHeadline([], {})), comparison: null, findings: [] };
    const ctx = { waveId: 'w-1', offsetMs: 6 * H, dueAt: new Date(START + 6 * H).toISOString(), collection: 0, alerts: [], operatorActions: [] };
    const reports = [report('r1/1', START, START + 6 * H, [outage(START + 5 * H, START + 5 * H + 42_000), outage(START + 6 * H - MIN, START + 6 * H - 30_000)], { eventsDropped: 2 })];
    const r = toCheckpointRecord(plan, c, judged, { ...ctx, watch: { ...input(...reports), watchFromMs: START + 5 * H + 30_000 } });
    expect(r.watch).toEqual({
      from: new Date(START + 5 * H + 30_000).toISOString(),
      to: new Date(START + 6 * H).toISOString(),
      covered: true,
      events: [
        { kind: 'nats-outage', subject: SERVER, role: null, start: new Date(START + 5 * H).toISOString(), end: new Date(START + 5 * H + 42_000).toISOString(), durationSeconds: 42, flaps: 0, lostProbes: 0, evidence: 'disconnect' },
        expect.objectContaining({ durationSeconds: 30 }),
      ],
      eventsDropped: 2,
    });
    expect(checkpointRecordSchema.parse(r).watch).toEqual(r.watch);
    expect(toCheckpointRecord(plan, c, judged, { ...ctx, watch: null }).watch).toBeNull();
    expect('watch' in toCheckpointRecord(plan, c, judged, ctx)).toBe(false);
  });
});

// The watch's recorder on crafted times: events with starts and ends, flaps merged into one event
// with a count, the per-subject cap counted, short NATS outages not recorded, blind gaps its own kind.
import { WatchRecorder } from '../../src/collect/watch/recorder';
import { watchReportSchema } from '../../src/model/watch';

const T0 = Date.UTC(2026, 0, 1);
const rec = (o: Partial<ConstructorParameters<typeof WatchRecorder>[0]> = {}) =>
  new WatchRecorder({ waveId: 'w1', watcher: 'run-1/1', startedAtMs: T0, flapMergeMs: 1000, minOutageMs: 0, ...o });

test('an outage opens, closes, and the report says when and how long', () => {
  const r = rec();
  const began = r.open('nats-outage', 'nats://127.0.0.1:4222', null, T0 + 100, 'disconnected: ECONNRESET');
  expect(began).toMatchObject({ kind: 'nats-outage', startMs: T0 + 100, endMs: null, flaps: 0 });
  expect(r.isOpen('nats-outage', 'nats://127.0.0.1:4222')).toBe(true);
  // already open: nothing new begins
  expect(r.open('nats-outage', 'nats://127.0.0.1:4222', null, T0 + 150, 'again')).toBeNull();
  expect(r.close('nats-outage', 'nats://127.0.0.1:4222', T0 + 2100, 'reconnected')).toBe(true);
  expect(r.close('nats-outage', 'nats://127.0.0.1:4222', T0 + 2200)).toBe(false);
  const rep = r.snapshot(T0 + 3000);
  expect(watchReportSchema.parse(rep)).toEqual(rep);
  expect(rep.events).toEqual([
    { kind: 'nats-outage', subject: 'nats://127.0.0.1:4222', role: null, startMs: T0 + 100, endMs: T0 + 2100, flaps: 0, lostProbes: 0, evidence: 'disconnected: ECONNRESET; reconnected' },
  ]);
  expect(rep).toMatchObject({ waveId: 'w1', watcher: 'run-1/1', startedAtMs: T0, lastBeatMs: T0 + 3000, eventsDropped: 0 });
});

test('a flapping link is one event with its flaps counted; a later episode beyond flapMerge is a new event', () => {
  const r = rec({ flapMergeMs: 1000 });
  const s = 'dgx-1';
  let began = 0;
  for (let i = 0; i < 5; i++) {
    if (r.open('host-dropped', s, null, T0 + i * 500, `closed ${i}`)) began++;
    r.close('host-dropped', s, T0 + i * 500 + 200);
  }
  expect(began).toBe(5); // each re-open is something beginning again (the owner may ask for a tick)
  r.open('host-dropped', s, null, T0 + 2200 + 1001, 'later');
  const ev = r.snapshot(T0 + 9000).events;
  expect(ev).toHaveLength(2);
  expect(ev[0]).toMatchObject({ startMs: T0, endMs: T0 + 2200, flaps: 4 });
  expect(ev[0].evidence).toMatch(/^closed 0; flap 4 at .*: closed 4$/);
  expect(ev[1]).toMatchObject({ startMs: T0 + 3201, endMs: null, flaps: 0 });
  // while a flap is open the event is open again
  r.close('host-dropped', s, T0 + 3500);
  r.open('host-dropped', s, null, T0 + 3600, 'x');
  expect(r.snapshot(T0 + 9000).events[1]).toMatchObject({ endMs: null, flaps: 1 });
});

test('kinds and subjects are kept apart: the same subject of another kind does not merge', () => {
  const r = rec();
  r.record('instance-offline', 'qa-expert@dgx-1', 'control', T0, T0 + 100, 'cid 5 → 9');
  r.record('agent-silent', 'qa-expert@dgx-1', 'control', T0 + 150, T0 + 300, 'no answer');
  r.record('instance-offline', 'qa-expert@dgx-2', 'control', T0 + 200, T0 + 300, 'cid 6 → 10');
  expect(r.snapshot(T0).events.map((e) => [e.kind, e.subject, e.flaps])).toEqual([
    ['instance-offline', 'qa-expert@dgx-1', 0],
    ['agent-silent', 'qa-expert@dgx-1', 0],
    ['instance-offline', 'qa-expert@dgx-2', 0],
  ]);
});

test('over the cap per subject, events are counted in eventsDropped, not kept; other subjects go on', () => {
  const r = rec({ eventsPerSubject: 3, flapMergeMs: 0 });
  for (let i = 0; i < 7; i++) r.record('nats-outage', 'nats://a', null, T0 + i * 1000, T0 + i * 1000 + 10, `#${i}`);
  r.record('nats-outage', 'nats://b', null, T0, T0 + 10, 'b');
  const rep = r.snapshot(T0);
  expect(rep.events.filter((e) => e.subject === 'nats://a').map((e) => e.evidence)).toEqual(['#0', '#1', '#2']);
  expect(rep.events.filter((e) => e.subject === 'nats://b')).toHaveLength(1);
  expect(rep.eventsDropped).toBe(4);
  // a dropped episode's close is not an error and does not touch the kept events
  r.open('nats-outage', 'nats://a', null, T0 + 99_000, 'dropped');
  expect(r.close('nats-outage', 'nats://a', T0 + 99_500)).toBe(true);
  expect(r.snapshot(T0).events.filter((e) => e.subject === 'nats://a').every((e) => e.endMs !== null)).toBe(true);
});

test('minOutage: a NATS outage shorter than it is not recorded; a short flap is undone; other kinds are kept', () => {
  const r = rec({ minOutageMs: 500, flapMergeMs: 1000 });
  r.open('nats-outage', 'nats://a', null, T0, 'down');
  r.close('nats-outage', 'nats://a', T0 + 499);
  expect(r.snapshot(T0).events).toEqual([]);
  r.open('nats-outage', 'nats://a', null, T0 + 1000, 'down long');
  r.close('nats-outage', 'nats://a', T0 + 1600);
  r.open('nats-outage', 'nats://a', null, T0 + 1700, 'blip');
  r.close('nats-outage', 'nats://a', T0 + 1800);
  expect(r.snapshot(T0).events).toEqual([expect.objectContaining({ startMs: T0 + 1000, endMs: T0 + 1600, flaps: 0, evidence: 'down long' })]);
  r.record('host-dropped', 'dgx-1', null, T0, T0 + 10, 'short but kept');
  expect(r.snapshot(T0).events).toHaveLength(2);
});

test('lost probes count on the agent\'s open silence only', () => {
  const r = rec();
  expect(r.lostProbe('nix-expert')).toBe(false);
  r.open('agent-silent', 'nix-expert', 'control', T0, 'no answer since …');
  expect(r.lostProbe('nix-expert', 4)).toBe(true);
  r.lostProbe('nix-expert');
  r.close('agent-silent', 'nix-expert', T0 + 2000, 'answered');
  expect(r.lostProbe('nix-expert')).toBe(false);
  expect(r.snapshot(T0).events[0]).toMatchObject({ lostProbes: 5, role: 'control', endMs: T0 + 2000 });
});

test('blind: the watch\'s own gap, subject "watch"; version moves on every change', () => {
  const r = rec();
  const v0 = r.version;
  expect(r.blind(T0 - 5000, T0, 'no beat from run-0/1 since …')).toMatchObject({ kind: 'watch-blind', subject: 'watch', role: null, startMs: T0 - 5000 });
  expect(r.version).toBeGreaterThan(v0);
  const v1 = r.version;
  r.snapshot(T0);
  expect(r.version).toBe(v1);
  expect(r.snapshot(T0).events[0]).toMatchObject({ endMs: T0, evidence: 'no beat from run-0/1 since …' });
});

test('snapshot gives copies in order of start', () => {
  const r = rec();
  r.record('host-dropped', 'dgx-2', null, T0 + 500, T0 + 600, 'b');
  r.record('host-dropped', 'dgx-1', null, T0 + 100, T0 + 200, 'a');
  const s = r.snapshot(T0);
  expect(s.events.map((e) => e.subject)).toEqual(['dgx-1', 'dgx-2']);
  s.events[0].endMs = null;
  expect(r.snapshot(T0).events[0].endMs).toBe(T0 + 200);
});

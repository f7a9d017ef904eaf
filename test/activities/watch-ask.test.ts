// The watch's asks for a tick now (src/activities/watch.ts): each is a signal, an event in the wave's
// history, so a burst of beginnings asks once at once and once more at the end of the gap.
import { tickAsker } from '../../src/activities/watch';
import type { WatchEvent } from '../../src/model/watch';

const event = (subject: string, startMs: number): WatchEvent => ({ kind: 'nats-outage', subject, role: null, startMs, endMs: null, flaps: 0, lostProbes: 0, evidence: '' });

beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
afterEach(() => jest.useRealTimers());

test('the first ask goes at once; a burst within the gap is one more ask at its end, naming the latest; later asks go at once again', () => {
  const sent: [number, string][] = [];
  const ask = tickAsker((reason) => sent.push([Date.now(), reason]), 5000);
  ask(event('a', 1));
  expect(sent).toEqual([[1_000_000, expect.stringContaining('nats-outage a began')]]);
  jest.advanceTimersByTime(1000);
  ask(event('b', 2));
  ask(event('c', 3));
  expect(sent).toHaveLength(1);
  jest.advanceTimersByTime(4000);
  expect(sent).toEqual([sent[0], [1_005_000, expect.stringContaining('nats-outage c began')]]);
  jest.advanceTimersByTime(6000);
  ask(event('d', 4));
  expect(sent.map(([at]) => at)).toEqual([1_000_000, 1_005_000, 1_011_000]);
  ask.stop();
});

test('stop drops a pending ask', () => {
  const sent: string[] = [];
  const ask = tickAsker((reason) => sent.push(reason), 5000);
  ask(event('a', 1));
  ask(event('b', 2));
  ask.stop();
  jest.advanceTimersByTime(10_000);
  expect(sent).toHaveLength(1);
});

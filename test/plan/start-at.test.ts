// --start-at, one parser for `start` and `sim`: every form either command took, and null (never a
// guess) for anything else.
import { parseStartAt } from '../../src/plan/start-at';

const HOUR = 3_600_000;
const now = Date.UTC(2025, 0, 1, 12);

test('"now" or nothing: the given now', () => {
  expect(parseStartAt(undefined, now)).toBe(now);
  expect(parseStartAt('', now)).toBe(now);
  expect(parseStartAt('now', now)).toBe(now);
});

test('"-2h", "-1h30m": that long before now', () => {
  expect(parseStartAt('-2h', now)).toBe(now - 2 * HOUR);
  expect(parseStartAt('-1h30m', now)).toBe(now - 1.5 * HOUR);
});

test('an ISO time', () => {
  expect(parseStartAt('2025-01-01T10:00:00Z', now)).toBe(now - 2 * HOUR);
  expect(parseStartAt('2026-11-28T10:10:00Z', now)).toBe(Date.UTC(2026, 10, 28, 10, 10));
  expect(parseStartAt('2025-01-01T13:00:00+02:00', now)).toBe(now - HOUR);
});

test('anything else is null', () => {
  for (const bad of ['yesterday', 'soon', '-2x', '-', '-2', '--2h']) expect(parseStartAt(bad, now)).toBeNull();
});

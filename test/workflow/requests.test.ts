// The operator-request validators on crafted input: what cannot be carried out is refused with one
// line before anything changes (a request that passed and then threw in the handler failed the
// workflow task, which replays for ever).
import { requestProblem } from '../../src/workflows/requests';
import { timeScaleProblem } from '../../src/workflows/bounds';

describe('extendWave', () => {
  const extend = (duration: unknown) => requestProblem('extendWave', { duration, reason: 'r' });
  test('a duration up to 7 days is accepted', () => {
    expect(extend('2h')).toBeNull();
    expect(extend('7d')).toBeNull();
  });
  test('more than 7 days in one request is refused with one line', () => {
    for (const d of ['100000000d', '7d1ms', '8d']) {
      const p = extend(d);
      expect(p).toMatch(/"duration" must be at most 7d per request/);
      expect(p).toContain(`"${d}"`);
      expect(p).not.toContain('\n');
    }
  });
  test('not a duration, zero, or not a string', () => {
    for (const d of ['abc', '0s', '', 5, null]) expect(extend(d)).toMatch(/"duration"/);
  });
});

describe('time scale', () => {
  test('1 to 100,000 is accepted', () => {
    for (const n of [1, 1.5, 1440, 100_000]) expect(timeScaleProblem(n)).toBeNull();
  });
  test('below 1, above 100,000 or not a finite number is refused with one line', () => {
    for (const n of [1e-9, 0, 0.5, -3, 100_001, Infinity, NaN, '720', null]) {
      const p = timeScaleProblem(n);
      expect(p).toMatch(/^time scale must be a number from 1 to 100000/);
      expect(p).not.toContain('\n');
    }
  });
});

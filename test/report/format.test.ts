// The one duration formatter (fmtDur; the emails' "24 hours" is its option) and the shared marks.
import { OUTCOME_MARK, VERDICT_MARK, fmtDur } from '../../src/report/format';
import { isNum } from '../../src/plan/units';
import { isNum as observeIsNum } from '../../src/observe/readings';

test('fmtDur: hours not folded into days; whole hours in words on request', () => {
  expect([fmtDur(0), fmtDur(250), fmtDur(90 * 60_000), fmtDur(30 * 3_600_000), fmtDur(3_600_000 + 5_000)]).toEqual(['0s', '250ms', '1h30m', '30h', '1h5s']);
  expect(fmtDur(24 * 3_600_000, { wholeHoursInWords: true })).toBe('24 hours');
  expect(fmtDur(90 * 60_000, { wholeHoursInWords: true })).toBe('1h30m');
});

test('one isNum, one mark table each', () => {
  expect(observeIsNum).toBe(isNum);
  expect([isNum(1), isNum(NaN), isNum(null), isNum(Infinity)]).toEqual([true, false, false, false]);
  expect(VERDICT_MARK).toEqual({ PASS: '✅', WARNING: '⚠️', FAIL: '❌' });
  expect(Object.keys(OUTCOME_MARK).sort()).toEqual(['error', 'fail', 'inconclusive', 'pass', 'waived']);
});

// --time-scale has one rule for `start`, `demo` and `sim`: a plain decimal number within the
// workflow's bounds (1 to 100000). `sim` used to take any positive number (0.5, 1e6 as "1000000"),
// scales the wave itself refuses; now it refuses them too, with the same line.
import { readTimeScale, waveClockOf } from '../../src/cli/wave-clock';

test.each([
  ['1', 1],
  ['720', 720],
  ['1.5', 1.5],
  [' 1440 ', 1440],
  ['100000', 100_000],
])('%p is accepted', (text, scale) => {
  expect(readTimeScale(text)).toEqual({ scale, problem: null });
});

test.each(['0.5', '0', '-3', 'fast', '', '1e3', '1e-9', '100001', '1000000', 'Infinity', '0x10'])('%p is refused with one line', (text) => {
  expect(readTimeScale(text)).toEqual({
    scale: null,
    problem: `--time-scale: time scale must be a number from 1 to 100000 (1 = real time), got ${JSON.stringify(text)}`,
  });
});

test('start and sim read the clock flags together: the scale, the start, or one line with exit 2', () => {
  expect(waveClockOf({ timeScale: '720', startAt: '2026-01-23T12:00:00Z' })).toEqual({ timeScale: 720, startAtMs: Date.parse('2026-01-23T12:00:00Z') });
  expect(() => waveClockOf({ timeScale: '0.5', startAt: 'now' })).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringMatching(/^--time-scale: /) }));
  expect(() => waveClockOf({ timeScale: '720', startAt: 'soon' })).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringMatching(/^--start-at: expected .*, got "soon"$/) }));
});

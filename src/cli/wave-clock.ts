// The wave's clock as the CLI takes it: --time-scale, read one way by `start`, `demo` and `sim` — a
// plain decimal number ("720", "1.5"; no sign, no exponent) within the workflow's own bounds
// (timeScaleProblem, src/workflows/bounds.ts), so a scale the CLI accepts is one the wave accepts
// (`sim` places its faults on the wave's clock) — and --start-at for `start` and `sim`.
import { parseStartAt, START_AT_FORMS } from '../plan/start-at';
import { WaveCommandError } from '../client/waves';
import { timeScaleProblem } from '../workflows/bounds';

export type TimeScaleFlag = { scale: number; problem: null } | { scale: null; problem: string };

/** The flag's text as a time scale, or the one-line problem ("--time-scale: …"). */
export function readTimeScale(text: string): TimeScaleFlag {
  const n = /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : NaN;
  const problem = timeScaleProblem(n, JSON.stringify(text));
  return problem === null ? { scale: n, problem: null } : { scale: null, problem: `--time-scale: ${problem}` };
}

/** --time-scale and --start-at, checked before anything starts; a WaveCommandError (exit 2) with one line otherwise. */
export function waveClockOf(o: { timeScale: string; startAt: string }): { timeScale: number; startAtMs: number } {
  const scale = readTimeScale(o.timeScale);
  if (scale.problem !== null) throw new WaveCommandError(scale.problem, 2);
  const startAtMs = parseStartAt(o.startAt);
  if (startAtMs === null) throw new WaveCommandError(`--start-at: expected ${START_AT_FORMS}, got "${o.startAt}"`, 2);
  return { timeScale: scale.scale, startAtMs };
}

// --time-scale, read one way by `start`, `demo` and `sim`: a plain decimal number ("720", "1.5"; no
// sign, no exponent) within the workflow's own bounds (timeScaleProblem, src/workflows/requests.ts),
// so a scale the CLI accepts is one the wave accepts — `sim` places its faults on the wave's clock.
import { timeScaleProblem } from '../workflows/requests';

export type TimeScaleFlag = { scale: number; problem: null } | { scale: null; problem: string };

/** The flag's text as a time scale, or the one-line problem ("--time-scale: …"). */
export function readTimeScale(text: string): TimeScaleFlag {
  const n = /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : NaN;
  const problem = timeScaleProblem(n, JSON.stringify(text));
  return problem === null ? { scale: n, problem: null } : { scale: null, problem: `--time-scale: ${problem}` };
}

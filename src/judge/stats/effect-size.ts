// Effect sizes for the canary judge (as Kayenta): the mean ratio for continuous metrics, and the
// common-language effect size (CLES) for counts, which stays defined when the control is all zeros.
import { mean } from './descriptive';
import { uStatistic } from './mann-whitney';

/** mean(x) / mean(y); null when mean(y) is 0 (or either sample is empty), 1 when both means are 0. */
export function meanRatio(x: readonly number[], y: readonly number[]): number | null {
  if (x.length === 0 || y.length === 0) return null;
  const mx = mean(x);
  const my = mean(y);
  if (my === 0) return mx === 0 ? 1 : null;
  return mx / my;
}

/** P(X > Y) + ½·P(X = Y) over all pairs: 0.5 means no effect; 1 means every x exceeds every y. */
export function cles(x: readonly number[], y: readonly number[]): number | null {
  if (x.length === 0 || y.length === 0) return null;
  return uStatistic(x, y).u / (x.length * y.length);
}

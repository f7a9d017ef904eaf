// Hodges-Lehmann shift of x against y (the median of all pairwise differences xi − yj) with a
// confidence interval, as R's wilcox.test(conf.int = TRUE) computes it and Kayenta uses it (98 %):
// exact order statistics of the differences when the exact U distribution applies (no ties, both
// samples < 50), otherwise R's asymptotic interval, found by root-finding on the standardised
// U statistic of (x − d, y) with tie and continuity corrections.
import { rankWithTies } from './ranks';
import { uSigma, wilcoxQuantile } from './mann-whitney';
import { normalQuantile } from './special';

export interface ShiftEstimate {
  /** Median of the pairwise differences x − y. */
  estimate: number;
  lower: number;
  upper: number;
  confLevel: number;
  method: 'exact' | 'normal';
}

/** k-th smallest (1-based) of the nx·ny differences xs[i] − ys[j], without materialising them. */
export function kthPairwiseDifference(xs: readonly number[], ys: readonly number[], k: number): number {
  const x = [...xs].sort((a, b) => a - b);
  const y = [...ys].sort((a, b) => a - b);
  const nx = x.length;
  const ny = y.length;
  if (k < 1 || k > nx * ny) throw new RangeError(`k=${k} outside 1..${nx * ny}`);
  // count of differences ≤ d, two pointers: for ascending x[i], y[j] ≥ x[i] − d moves forward
  const countLE = (d: number): number => {
    let c = 0;
    let j = 0;
    for (let i = 0; i < nx; i++) {
      while (j < ny && x[i] - y[j] > d) j++;
      c += ny - j;
    }
    return c;
  };
  let lo = x[0] - y[ny - 1];
  let hi = x[nx - 1] - y[0];
  if (countLE(lo) >= k) return lo;
  // invariant: countLE(lo) < k ≤ countLE(hi)
  for (let it = 0; it < 200; it++) {
    const mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) break;
    if (countLE(mid) >= k) hi = mid;
    else lo = mid;
  }
  // the answer is the largest difference ≤ hi
  let best = -Infinity;
  let j = 0;
  for (let i = 0; i < nx; i++) {
    while (j < ny && x[i] - y[j] > hi) j++;
    if (j < ny) best = Math.max(best, x[i] - y[j]);
  }
  return best;
}

export function pairwiseDifferenceMedian(x: readonly number[], y: readonly number[]): number {
  const n = x.length * y.length;
  if (n === 0) return NaN;
  if (n % 2 === 1) return kthPairwiseDifference(x, y, (n + 1) / 2);
  return (kthPairwiseDifference(x, y, n / 2) + kthPairwiseDifference(x, y, n / 2 + 1)) / 2;
}

export function hodgesLehmann(
  x: readonly number[],
  y: readonly number[],
  confLevel = 0.98,
  opts: { exact?: boolean | 'auto'; correct?: boolean } = {},
): ShiftEstimate {
  const nx = x.length;
  const ny = y.length;
  if (nx === 0 || ny === 0) throw new RangeError('hodgesLehmann needs two non-empty samples');
  const estimate = pairwiseDifferenceMedian(x, y);
  const ties = rankWithTies([...x, ...y]).ties.length > 0;
  const exactOpt = opts.exact ?? 'auto';
  const exact = exactOpt === 'auto' ? nx < 50 && ny < 50 && !ties : exactOpt && !ties;
  const alpha = 1 - confLevel;
  if (exact) {
    let qu = wilcoxQuantile(alpha / 2, nx, ny);
    if (qu === 0) qu = 1;
    const ql = nx * ny - qu;
    return {
      estimate,
      lower: kthPairwiseDifference(x, y, qu),
      upper: kthPairwiseDifference(x, y, ql + 1),
      confLevel,
      method: 'exact',
    };
  }
  const correct = opts.correct ?? true;
  const z = normalQuantile(1 - alpha / 2);
  const [mumin, mumax] = [Math.min(...x) - Math.max(...y), Math.max(...x) - Math.min(...y)];
  const lower = rootOf((d) => standardisedShift(x, y, d, correct) - z, mumin, mumax);
  const upper = rootOf((d) => standardisedShift(x, y, d, correct) + z, mumin, mumax);
  return { estimate, lower, upper, confLevel, method: 'normal' };
}

/** R's `wdiff` without its zq: the continuity-corrected, standardised U of (x − d) against y. */
function standardisedShift(x: readonly number[], y: readonly number[], d: number, correct: boolean): number {
  const nx = x.length;
  const ny = y.length;
  const { ranks, ties } = rankWithTies([...x.map((v) => v - d), ...y]);
  let rx = 0;
  for (let i = 0; i < nx; i++) rx += ranks[i];
  const dz = rx - (nx * (nx + 1)) / 2 - (nx * ny) / 2;
  const sigma = uSigma(nx, ny, ties);
  if (sigma === 0) return 0;
  return (dz - (correct ? Math.sign(dz) * 0.5 : 0)) / sigma;
}

/** Root of a non-increasing step function on [lo, hi] by bisection; the bounds when it has none inside (as R). */
function rootOf(f: (d: number) => number, lo: number, hi: number): number {
  const fLo = f(lo);
  const fHi = f(hi);
  if (fLo <= 0) return lo;
  if (fHi >= 0) return hi;
  const tol = 1e-10 * Math.max(1, Math.abs(lo), Math.abs(hi));
  for (let i = 0; i < 200 && hi - lo > tol; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

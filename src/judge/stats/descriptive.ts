// Descriptive statistics over plain arrays: mean, variance, median, quantiles, MAD.
// Inputs are never mutated; NaN handling is the caller's (see the canary judge's preprocessing).

export function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : sum(xs) / xs.length;
}

/** Sample variance (n − 1 denominator). */
export function variance(xs: readonly number[]): number {
  if (xs.length < 2) return NaN;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return s / (xs.length - 1);
}

export function sorted(xs: readonly number[]): number[] {
  return [...xs].sort((a, b) => a - b);
}

/**
 * Quantile p ∈ [0, 1] of a sample.
 * - `linear` (default): R's type 7 / numpy's default, interpolating between order statistics.
 * - `nearest-rank`: the smallest value with at least p·n values at or below it (what latency
 *   histograms report; never a value that was not observed).
 */
export function quantile(xs: readonly number[], p: number, method: 'linear' | 'nearest-rank' = 'linear', isSorted = false): number {
  const n = xs.length;
  if (n === 0 || !(p >= 0 && p <= 1)) return NaN;
  const s = isSorted ? xs : sorted(xs);
  if (method === 'nearest-rank') return s[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))];
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}

export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/** Percentiles (0–100) of one sample, sorted once. */
export function percentiles(xs: readonly number[], ps: readonly number[], method: 'linear' | 'nearest-rank' = 'linear'): number[] {
  const s = sorted(xs);
  return ps.map((p) => quantile(s, p / 100, method, true));
}

/** Median absolute deviation, scaled by 1.4826 by default (R's `mad`) to estimate σ for normal data. */
export function mad(xs: readonly number[], constant = 1.4826): number {
  if (xs.length === 0) return NaN;
  const m = median(xs);
  return constant * median(xs.map((x) => Math.abs(x - m)));
}

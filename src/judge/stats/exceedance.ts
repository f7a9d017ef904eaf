// Exceedance test for a tail shift (is the test's p99 really above the baseline's?). Under H0 both
// samples come from one distribution; the number K of the n test values above the s-th largest of
// the m baseline values then has the distribution-free law
//   P(K = k) = C(k + s − 1, k) · C(n − k + m − s, n − k) / C(n + m, n)
// (Gumbel & von Schelling, 1950). The p-value is P(K ≥ observed).
import { logChoose } from './special';

export interface ExceedanceResult {
  /** The baseline value exceeded (the s-th largest). */
  threshold: number;
  s: number;
  exceedances: number;
  n: number;
  m: number;
  pValue: number;
}

export function exceedanceProbability(k: number, n: number, m: number, s: number): number {
  return Math.exp(logChoose(k + s - 1, k) + logChoose(n - k + m - s, n - k) - logChoose(n + m, n));
}

/** One-sided: are there more test values above the baseline's upper `tail` quantile (e.g. 0.01 for p99) than chance allows? */
export function exceedanceTest(test: readonly number[], baseline: readonly number[], tail = 0.01): ExceedanceResult {
  const n = test.length;
  const m = baseline.length;
  if (n === 0 || m === 0) throw new RangeError('exceedanceTest needs two non-empty samples');
  const s = Math.max(1, Math.min(m, Math.round(tail * m)));
  const threshold = [...baseline].sort((a, b) => b - a)[s - 1];
  const k = test.filter((v) => v > threshold).length;
  let p = 0;
  for (let j = k; j <= n; j++) p += exceedanceProbability(j, n, m, s);
  return { threshold, s, exceedances: k, n, m, pValue: Math.min(1, p) };
}

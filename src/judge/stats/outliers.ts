// Kayenta's IQR outlier detector: values outside [Q1 − f·IQR, Q3 + f·IQR] (f = 3 by default) are
// removed before the comparison. Quartiles by R's type 7.
import { quantile, sorted } from './descriptive';

export function iqrBounds(xs: readonly number[], factor = 3): { low: number; high: number } {
  const s = sorted(xs);
  const q1 = quantile(s, 0.25, 'linear', true);
  const q3 = quantile(s, 0.75, 'linear', true);
  const iqr = q3 - q1;
  return { low: q1 - factor * iqr, high: q3 + factor * iqr };
}

export function removeIqrOutliers(xs: readonly number[], factor = 3): { kept: number[]; removed: number } {
  if (xs.length < 4) return { kept: [...xs], removed: 0 };
  const { low, high } = iqrBounds(xs, factor);
  const kept = xs.filter((x) => x >= low && x <= high);
  return { kept, removed: xs.length - kept.length };
}

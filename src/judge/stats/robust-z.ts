// Robust z-scores for anomaly detection: (x − median) / (1.4826·MAD), the modified z-score of
// Iglewicz & Hoaglin. When more than half the values are equal (MAD = 0) the mean absolute
// deviation scaled by √(π/2) ≈ 1.2533 stands in; when every value is equal nothing is anomalous.
import { mean, median } from './descriptive';

export interface RobustZ {
  center: number;
  scale: number;
  scores: number[];
}

export function robustZ(xs: readonly number[]): RobustZ {
  if (xs.length === 0) return { center: NaN, scale: NaN, scores: [] };
  const center = median(xs);
  const dev = xs.map((x) => Math.abs(x - center));
  let scale = 1.4826 * median(dev);
  if (scale === 0) scale = 1.2533 * mean(dev);
  const scores = xs.map((x) => (scale === 0 ? 0 : (x - center) / scale));
  return { center, scale, scores };
}

/** Indexes whose |robust z| exceeds the threshold (3.5 by Iglewicz & Hoaglin) and that differ from
 * the median by at least `minAbsDeviation` (so noise on a flat series is not an anomaly). */
export function anomalyIndexes(xs: readonly number[], threshold = 3.5, minAbsDeviation = 0): number[] {
  const { center, scores } = robustZ(xs);
  const out: number[] = [];
  scores.forEach((z, i) => {
    if (Math.abs(z) > threshold && Math.abs(xs[i] - center) >= minAbsDeviation) out.push(i);
  });
  return out;
}

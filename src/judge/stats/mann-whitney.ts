// Two-sided Mann-Whitney U (Wilcoxon rank-sum) test, following R's wilcox.test:
// exact null distribution when both samples have < 50 values and there are no ties; otherwise the
// normal approximation with the tie correction of the variance and a continuity correction.
import { rankWithTies } from './ranks';
import { normalCdf } from './special';

export interface MannWhitneyResult {
  /** U of x: pairs (xi, yj) with xi > yj, plus half the ties (R's W). */
  u: number;
  nx: number;
  ny: number;
  /** Two-sided p-value. */
  pValue: number;
  method: 'exact' | 'normal';
  /** Standardised statistic (normal method only). */
  z: number | null;
  ties: boolean;
}

export interface MannWhitneyOptions {
  /** 'auto' (default): exact when nx < 50, ny < 50 and no ties, as R. */
  exact?: boolean | 'auto';
  /** Continuity correction in the normal approximation (default true, as R and scipy). */
  correct?: boolean;
}

/** U statistic of x against y with average ranks; also reports whether any ties exist. */
export function uStatistic(x: readonly number[], y: readonly number[]): { u: number; tieSizes: number[] } {
  const { ranks, ties } = rankWithTies([...x, ...y]);
  let rx = 0;
  for (let i = 0; i < x.length; i++) rx += ranks[i];
  return { u: rx - (x.length * (x.length + 1)) / 2, tieSizes: ties };
}

export function mannWhitneyU(x: readonly number[], y: readonly number[], opts: MannWhitneyOptions = {}): MannWhitneyResult {
  const nx = x.length;
  const ny = y.length;
  if (nx === 0 || ny === 0) throw new RangeError('mannWhitneyU needs two non-empty samples');
  const { u, tieSizes } = uStatistic(x, y);
  const ties = tieSizes.length > 0;
  const exactOpt = opts.exact ?? 'auto';
  const exact = exactOpt === 'auto' ? nx < 50 && ny < 50 && !ties : exactOpt && !ties;
  if (exact) {
    const p = u > (nx * ny) / 2 ? 1 - wilcoxCdf(u - 1, nx, ny) : wilcoxCdf(u, nx, ny);
    return { u, nx, ny, pValue: Math.min(1, 2 * p), method: 'exact', z: null, ties };
  }
  const sigma = uSigma(nx, ny, tieSizes);
  const d = u - (nx * ny) / 2;
  if (sigma === 0) return { u, nx, ny, pValue: 1, method: 'normal', z: 0, ties };
  const correction = (opts.correct ?? true) ? Math.sign(d) * 0.5 : 0;
  const z = (d - correction) / sigma;
  const pValue = Math.min(1, 2 * Math.min(normalCdf(z), normalCdf(-z)));
  return { u, nx, ny, pValue, method: 'normal', z, ties };
}

/** Standard deviation of U under H0 with the tie correction. */
export function uSigma(nx: number, ny: number, tieSizes: readonly number[]): number {
  const n = nx + ny;
  let t = 0;
  for (const s of tieSizes) t += s * s * s - s;
  return Math.sqrt(((nx * ny) / 12) * (n + 1 - t / (n * (n - 1))));
}

// ---- exact null distribution of U (no ties) ---------------------------------------------------

const distCache = new Map<string, Float64Array>();

/**
 * P(U = u) for u = 0 … m·n under H0, by the subtraction-free recurrence
 * f(m, n, u) = f(m − 1, n, u − n) + f(m, n − 1, u), normalised by C(m + n, m).
 */
export function wilcoxDistribution(m: number, n: number): Float64Array {
  const key = `${m},${n}`;
  const cached = distCache.get(key);
  if (cached) return cached;
  // row[b] holds the counts for (a, b) of the current a
  let prev: Float64Array[] = [];
  for (let b = 0; b <= n; b++) prev.push(Float64Array.of(1)); // a = 0: U = 0 once
  for (let a = 1; a <= m; a++) {
    const cur: Float64Array[] = [Float64Array.of(1)]; // b = 0: U = 0 once
    for (let b = 1; b <= n; b++) {
      const f = new Float64Array(a * b + 1);
      const left = prev[b]; // (a − 1, b), shifted by b
      for (let u = 0; u < left.length; u++) f[u + b] += left[u];
      const down = cur[b - 1]; // (a, b − 1)
      for (let u = 0; u < down.length; u++) f[u] += down[u];
      cur.push(f);
    }
    prev = cur;
  }
  const counts = prev[n];
  let total = 0;
  for (const c of counts) total += c;
  const probs = counts.map((c) => c / total);
  distCache.set(key, probs);
  return probs;
}

/** P(U ≤ q) under H0 (R's pwilcox). */
export function wilcoxCdf(q: number, m: number, n: number): number {
  const dist = wilcoxDistribution(m, n);
  const k = Math.floor(q + 1e-7);
  if (k < 0) return 0;
  let s = 0;
  for (let u = 0; u <= Math.min(k, dist.length - 1); u++) s += dist[u];
  return Math.min(1, s);
}

/** Smallest q with P(U ≤ q) ≥ p (R's qwilcox). */
export function wilcoxQuantile(p: number, m: number, n: number): number {
  const dist = wilcoxDistribution(m, n);
  let s = 0;
  for (let u = 0; u < dist.length; u++) {
    s += dist[u];
    if (s >= p * (1 - 64 * Number.EPSILON)) return u;
  }
  return dist.length - 1;
}

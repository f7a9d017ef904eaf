// The small statistics the reports need: deltas and their direction, a two-proportion z-test for
// rates built from counts, and a least-squares slope for trends. The judge decides criteria; these
// only describe the data for people.
import { isNum } from './format';

export type Direction = 'improving' | 'degrading' | 'stable' | 'n/a';

export interface Delta {
  from: number | null;
  to: number | null;
  delta: number | null;
  deltaPct: number | null;
  direction: Direction;
}

/**
 * Direction of a change. `better` says which way is good; a change counts only when it is larger
 * than both the relative tolerance (default 10 %) and the absolute minimum difference.
 */
export function delta(
  from: number | null | undefined,
  to: number | null | undefined,
  better: 'lower' | 'higher',
  opts: { relTolerancePct?: number; absMin?: number } = {},
): Delta {
  if (!isNum(from) || !isNum(to)) return { from: isNum(from) ? from : null, to: isNum(to) ? to : null, delta: null, deltaPct: null, direction: 'n/a' };
  const d = to - from;
  const pct = from !== 0 ? (d / Math.abs(from)) * 100 : d === 0 ? 0 : null;
  const rel = opts.relTolerancePct ?? 10;
  const abs = opts.absMin ?? 0;
  const significant = Math.abs(d) > abs && (pct === null || Math.abs(pct) > rel);
  let direction: Direction = 'stable';
  if (significant) direction = (d < 0) === (better === 'lower') ? 'improving' : 'degrading';
  return { from, to, delta: d, deltaPct: pct, direction };
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 via erf). */
export function normalCdf(z: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(z) / Math.SQRT2));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

/**
 * Two-sided two-proportion z-test: is x1/n1 different from x2/n2? Returns null when either sample is
 * empty or the pooled proportion is 0 or 1 (no variance: nothing to test).
 */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): { z: number; p: number } | null {
  if (!(n1 > 0 && n2 > 0)) return null;
  const pooled = (x1 + x2) / (n1 + n2);
  if (pooled <= 0 || pooled >= 1) return null;
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const z = (x1 / n1 - x2 / n2) / se;
  const p = Math.min(1, Math.max(0, 2 * (1 - normalCdf(Math.abs(z)))));
  return { z, p };
}

/** Least-squares line through (x, y); null with fewer than 3 points or no spread in x. r2 is the fit. */
export function linearFit(points: { x: number; y: number }[]): { slope: number; intercept: number; r2: number } | null {
  const pts = points.filter((p) => isNum(p.x) && isNum(p.y));
  if (pts.length < 3) return null;
  const n = pts.length;
  const mx = pts.reduce((s, p) => s + p.x, 0) / n;
  const my = pts.reduce((s, p) => s + p.y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const p of pts) {
    sxx += (p.x - mx) ** 2;
    sxy += (p.x - mx) * (p.y - my);
    syy += (p.y - my) ** 2;
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { slope, intercept: my - slope * mx, r2 };
}

export function mean(values: (number | null | undefined)[]): number | null {
  const v = values.filter(isNum);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
}

export function max(values: (number | null | undefined)[]): number | null {
  const v = values.filter(isNum);
  return v.length ? Math.max(...v) : null;
}

export function min(values: (number | null | undefined)[]): number | null {
  const v = values.filter(isNum);
  return v.length ? Math.min(...v) : null;
}

export function sum(values: (number | null | undefined)[]): number | null {
  const v = values.filter(isNum);
  return v.length ? v.reduce((a, b) => a + b, 0) : null;
}

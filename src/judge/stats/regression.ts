// Ordinary least-squares line y = a + b·x with the slope's standard error and a t-based
// confidence interval (as R's lm + confint): the memory growth behind leak detection.
import { studentTQuantile } from './special';

export interface LinearFit {
  slope: number;
  intercept: number;
  slopeStdError: number;
  /** Confidence interval of the slope. */
  lower: number;
  upper: number;
  confLevel: number;
  n: number;
  df: number;
  rSquared: number;
  residualStdError: number;
}

/** null with fewer than 3 points or when all x are equal. */
export function linearFit(xs: readonly number[], ys: readonly number[], confLevel = 0.95): LinearFit | null {
  const n = Math.min(xs.length, ys.length);
  if (n < 3) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i];
    my += ys[i];
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i] - mx;
    const dy = ys[i] - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let sse = 0;
  for (let i = 0; i < n; i++) {
    const r = ys[i] - (intercept + slope * xs[i]);
    sse += r * r;
  }
  const df = n - 2;
  const residualStdError = Math.sqrt(sse / df);
  const slopeStdError = residualStdError / Math.sqrt(sxx);
  const t = studentTQuantile(1 - (1 - confLevel) / 2, df);
  return {
    slope,
    intercept,
    slopeStdError,
    lower: slope - t * slopeStdError,
    upper: slope + t * slopeStdError,
    confLevel,
    n,
    df,
    rSquared: syy === 0 ? 1 : 1 - sse / syy,
    residualStdError,
  };
}

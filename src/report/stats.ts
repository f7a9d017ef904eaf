// The small figures the reports need: deltas and their direction, and null-tolerant mean/max/sum
// over readings. Statistics proper (tests, fits, the normal distribution) are the judge's
// (src/judge/stats); the judge decides criteria, these only describe the data for people.
import { isNum } from '../plan/units';
import { mean as meanOf, sum as sumOf } from '../judge/stats/descriptive';

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

// Null-tolerant forms of the judge's reducers (src/judge/stats/descriptive): readings may be missing.
const known = (values: (number | null | undefined)[]) => values.filter(isNum);

export function mean(values: (number | null | undefined)[]): number | null {
  const v = known(values);
  return v.length ? meanOf(v) : null;
}

export function max(values: (number | null | undefined)[]): number | null {
  const v = known(values);
  return v.length ? Math.max(...v) : null;
}

export function sum(values: (number | null | undefined)[]): number | null {
  const v = known(values);
  return v.length ? sumOf(v) : null;
}

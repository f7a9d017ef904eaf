// Latency degradation against a baseline (the wave's T+0 probe, or the control agents). A change
// counts only when three things agree (product.md, Semantics): the relative change, an absolute
// minimum difference (plan: nats.probe.minLatencyDifferenceMs, default 5 ms) and a significance
// test at the judge's confidence level — Mann-Whitney U for the median, the exceedance test for p99
// (a tail shift the median test cannot see). Noise on a sub-millisecond baseline is not a degradation.
import { quantile } from './stats/descriptive';
import { mannWhitneyU } from './stats/mann-whitney';
import { exceedanceTest } from './stats/exceedance';

export interface QuantileDegradation {
  quantile: 0.5 | 0.99;
  baseline: number;
  current: number;
  changePct: number;
  differenceMs: number;
  test: 'mann-whitney' | 'exceedance';
  pValue: number;
  significant: boolean;
  /** All three agree: increase, difference ≥ minimum, significant. */
  counted: boolean;
}

export interface LatencyDegradation {
  /** Largest counted relative increase in %, 0 when none is counted, null without enough samples. */
  valuePct: number | null;
  samples: { current: number; baseline: number };
  parts: QuantileDegradation[];
  note: string;
}

export interface DegradationOptions {
  minDifferenceMs?: number;
  confLevel?: number;
  /** Fewer samples on either side: no judgement (null). */
  minSamples?: number;
}

export function latencyDegradation(current: readonly number[], baseline: readonly number[], opts: DegradationOptions = {}): LatencyDegradation {
  const minDiff = opts.minDifferenceMs ?? 5;
  const alpha = 1 - (opts.confLevel ?? 0.98);
  const minSamples = opts.minSamples ?? 20;
  const samples = { current: current.length, baseline: baseline.length };
  if (current.length < minSamples || baseline.length < minSamples)
    return { valuePct: null, samples, parts: [], note: `too few latency samples (current ${current.length}, baseline ${baseline.length}; need ${minSamples} each)` };
  const parts: QuantileDegradation[] = [];
  const mw = mannWhitneyU(current, baseline);
  const upward = mw.u > (current.length * baseline.length) / 2;
  const ex = exceedanceTest(current, baseline, 0.01);
  for (const q of [0.5, 0.99] as const) {
    const b = quantile(baseline, q, 'nearest-rank');
    const c = quantile(current, q, 'nearest-rank');
    const changePct = b > 0 ? ((c - b) / b) * 100 : c > 0 ? Infinity : 0;
    const pValue = q === 0.5 ? mw.pValue : ex.pValue;
    const significant = pValue < alpha && (q === 0.5 ? upward : true);
    const differenceMs = c - b;
    parts.push({ quantile: q, baseline: b, current: c, changePct, differenceMs, test: q === 0.5 ? 'mann-whitney' : 'exceedance', pValue, significant, counted: changePct > 0 && differenceMs >= minDiff && significant });
  }
  const counted = parts.filter((p) => p.counted);
  const valuePct = counted.length ? Math.max(...counted.map((p) => p.changePct)) : 0;
  const fmt = (p: QuantileDegradation) =>
    `p${p.quantile * 100} ${p.baseline.toFixed(2)}→${p.current.toFixed(2)} ms (${p.changePct >= 0 ? '+' : ''}${p.changePct.toFixed(1)} %, ${p.differenceMs.toFixed(2)} ms, ${p.test} p=${p.pValue.toPrecision(3)}${p.counted ? ', counted' : ''})`;
  return { valuePct, samples, parts, note: parts.map(fmt).join('; ') };
}

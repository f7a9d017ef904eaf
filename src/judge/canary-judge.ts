// A Kayenta-style canary judge: a pipeline of single-purpose steps, each testable alone.
//   preprocess (NaN strategy, optional IQR outlier removal)
//   → classify each metric Pass / High / Low / Nodata (Mann-Whitney U, Hodges-Lehmann 98 % CI,
//     effect size, absolute minimum difference, direction)
//   → score: weighted share of passing metrics; a failing critical metric vetoes (score 0)
//   → classify the score: Pass ≥ 95, Marginal ≥ 75, else Fail.
// "Test" is the experiment (agents under test, or a checkpoint); "control" is the comparison
// (control agents, or the T+0 baseline). A change counts as a degradation only when significance,
// the effect size and the absolute difference all agree (product.md: relative thresholds need real evidence).
import { cles as clesOf, meanRatio as meanRatioOf } from './stats/effect-size';
import { hodgesLehmann, type ShiftEstimate } from './stats/hodges-lehmann';
import { mannWhitneyU } from './stats/mann-whitney';
import { mean, median, sorted } from './stats/descriptive';
import { removeIqrOutliers } from './stats/outliers';

/** Which change is bad. */
export type Direction = 'increase' | 'decrease' | 'either';
export type MetricClass = 'Pass' | 'High' | 'Low' | 'Nodata';
export type ScoreClass = 'Pass' | 'Marginal' | 'Fail' | 'Nodata';

export interface CanaryMetricConfig {
  name: string;
  direction: Direction;
  /** A failing critical metric fails the whole judgement. */
  critical?: boolean;
  /** Without data the metric fails (instead of being left out of the score). */
  mustHaveData?: boolean;
  weight?: number;
  /** meanRatio for continuous metrics; cles for counts (zero-inflated: errors, restarts). */
  effectSize?: 'meanRatio' | 'cles';
  /** Relative change of the mean that counts (meanRatio), e.g. 0.2 = 20 %. Default 0.2. */
  maxRelativeChange?: number;
  /** CLES distance from 0.5 that counts (cles), default 0.1 (i.e. beyond 0.4 … 0.6). */
  clesMargin?: number;
  /** Absolute difference that counts (Hodges-Lehmann shift for meanRatio, mean difference for cles), default 0. */
  minAbsoluteDifference?: number;
  /** NaN values: removed (default) or replaced by 0 (for counts, where "no value" means none). */
  nanStrategy?: 'remove' | 'replace';
  /** IQR outlier removal (factor 3, as Kayenta); off by default — tails are what latency judges. */
  outliers?: 'keep' | 'remove';
  outlierFactor?: number;
}

export interface CanaryJudgeOptions {
  /** Confidence level of the shift interval and the significance test (Kayenta: 0.98). */
  confLevel?: number;
  /** Minimum samples per side (Kayenta: 50). */
  minSamples?: number;
  passThreshold?: number;
  marginalThreshold?: number;
}

export interface SampleSummary {
  n: number;
  mean: number | null;
  median: number | null;
  nanRemoved: number;
  outliersRemoved: number;
}

export interface MetricJudgement {
  name: string;
  classification: MetricClass;
  /** Counts against the score (a degradation in the bad direction, or no data with mustHaveData). */
  failed: boolean;
  critical: boolean;
  reason: string;
  test: SampleSummary;
  control: SampleSummary;
  pValue: number | null;
  shift: ShiftEstimate | null;
  meanRatio: number | null;
  cles: number | null;
  /** (mean(test) / mean(control) − 1) · 100, null when the control mean is 0. */
  relativeChangePct: number | null;
  absoluteDifference: number | null;
  evidence: { significant: boolean; effect: boolean; absolute: boolean };
}

export interface CanaryJudgement {
  /** 0–100; null when no metric had data. */
  score: number | null;
  classification: ScoreClass;
  metrics: MetricJudgement[];
  vetoedBy: string[];
  confLevel: number;
  minSamples: number;
}

export const KAYENTA_DEFAULTS = { confLevel: 0.98, minSamples: 50, passThreshold: 95, marginalThreshold: 75 } as const;

// ---- 1. preprocessing --------------------------------------------------------------------------

export function preprocess(values: readonly number[], cfg: Pick<CanaryMetricConfig, 'nanStrategy' | 'outliers' | 'outlierFactor'>): { values: number[]; nanRemoved: number; outliersRemoved: number } {
  let nanRemoved = 0;
  const clean: number[] = [];
  for (const v of values) {
    if (Number.isFinite(v)) clean.push(v);
    else if ((cfg.nanStrategy ?? 'remove') === 'replace') clean.push(0);
    else nanRemoved++;
  }
  if ((cfg.outliers ?? 'keep') === 'remove') {
    const { kept, removed } = removeIqrOutliers(clean, cfg.outlierFactor ?? 3);
    return { values: kept, nanRemoved, outliersRemoved: removed };
  }
  return { values: clean, nanRemoved, outliersRemoved: 0 };
}

// ---- 2. metric classification ------------------------------------------------------------------

function summary(values: number[], nanRemoved: number, outliersRemoved: number): SampleSummary {
  return { n: values.length, mean: values.length ? mean(values) : null, median: values.length ? median(values) : null, nanRemoved, outliersRemoved };
}

export function classifyMetric(cfg: CanaryMetricConfig, testRaw: readonly number[], controlRaw: readonly number[], opts: CanaryJudgeOptions = {}): MetricJudgement {
  const confLevel = opts.confLevel ?? KAYENTA_DEFAULTS.confLevel;
  const minSamples = opts.minSamples ?? KAYENTA_DEFAULTS.minSamples;
  const t = preprocess(testRaw, cfg);
  const c = preprocess(controlRaw, cfg);
  const base: MetricJudgement = {
    name: cfg.name,
    classification: 'Nodata',
    failed: false,
    critical: cfg.critical ?? false,
    reason: '',
    test: summary(t.values, t.nanRemoved, t.outliersRemoved),
    control: summary(c.values, c.nanRemoved, c.outliersRemoved),
    pValue: null,
    shift: null,
    meanRatio: null,
    cles: null,
    relativeChangePct: null,
    absoluteDifference: null,
    evidence: { significant: false, effect: false, absolute: false },
  };
  if (t.values.length < minSamples || c.values.length < minSamples) {
    const failed = cfg.mustHaveData ?? false;
    return { ...base, failed, reason: `too few samples (test ${t.values.length}, control ${c.values.length}; need ${minSamples} each)${failed ? '; must have data' : ''}` };
  }
  if (sameSample(t.values, c.values)) return { ...base, classification: 'Pass', reason: 'test and control samples are identical', meanRatio: 1, cles: 0.5, relativeChangePct: 0, absoluteDifference: 0 };

  const mw = mannWhitneyU(t.values, c.values);
  const shift = hodgesLehmann(t.values, c.values, confLevel);
  const ratio = meanRatioOf(t.values, c.values);
  const cl = clesOf(t.values, c.values) ?? 0.5;
  const relativeChangePct = ratio === null ? null : (ratio - 1) * 100;
  const alpha = 1 - confLevel;
  const up = cl > 0.5;
  const significant = mw.pValue < alpha;

  const measure = cfg.effectSize === 'cles' || ratio === null ? 'cles' : 'meanRatio';
  const maxRel = cfg.maxRelativeChange ?? 0.2;
  const margin = cfg.clesMargin ?? 0.1;
  const effect = measure === 'cles' ? Math.abs(cl - 0.5) > margin : Math.abs((ratio as number) - 1) > maxRel;
  const absoluteDifference = measure === 'cles' ? mean(t.values) - mean(c.values) : shift.estimate;
  const absolute = Math.abs(absoluteDifference) >= (cfg.minAbsoluteDifference ?? 0) && absoluteDifference !== 0;

  const judged = { ...base, pValue: mw.pValue, shift, meanRatio: ratio, cles: cl, relativeChangePct, absoluteDifference, evidence: { significant, effect, absolute } };
  const fmt = (x: number) => +x.toPrecision(4);
  const stats = `p=${fmt(mw.pValue)}, shift ${fmt(shift.estimate)} [${fmt(shift.lower)}, ${fmt(shift.upper)}] ${Math.round(confLevel * 100)}% CI, ${measure === 'cles' ? `CLES ${fmt(cl)}` : `mean ratio ${fmt(ratio as number)}`}`;
  if (!(significant && effect && absolute)) {
    const missing = [!significant && 'not significant', !effect && 'effect below tolerance', !absolute && 'difference below the absolute minimum'].filter(Boolean).join(', ');
    return { ...judged, classification: 'Pass', reason: `no change with evidence (${missing}; ${stats})` };
  }
  const classification: MetricClass = up ? 'High' : 'Low';
  const bad = cfg.direction === 'either' || (cfg.direction === 'increase' && up) || (cfg.direction === 'decrease' && !up);
  return { ...judged, classification, failed: bad, reason: `${up ? 'higher' : 'lower'} than control${bad ? ' (bad direction)' : ' (harmless direction)'}: ${stats}` };
}

function sameSample(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  const sa = sorted(a);
  const sb = sorted(b);
  return sa.every((v, i) => v === sb[i]);
}

// ---- 3. score and 4. score classification ------------------------------------------------------

export function scoreMetrics(metrics: readonly MetricJudgement[], weights: Record<string, number> = {}): { score: number | null; vetoedBy: string[] } {
  let total = 0;
  let passed = 0;
  for (const m of metrics) {
    const counted = m.classification !== 'Nodata' || m.failed;
    if (!counted) continue;
    const w = weights[m.name] ?? 1;
    total += w;
    if (!m.failed) passed += w;
  }
  const vetoedBy = metrics.filter((m) => m.critical && m.failed).map((m) => m.name);
  if (total === 0) return { score: null, vetoedBy };
  return { score: vetoedBy.length ? 0 : (100 * passed) / total, vetoedBy };
}

export function classifyScore(score: number | null, opts: CanaryJudgeOptions = {}): ScoreClass {
  if (score === null) return 'Nodata';
  if (score >= (opts.passThreshold ?? KAYENTA_DEFAULTS.passThreshold)) return 'Pass';
  if (score >= (opts.marginalThreshold ?? KAYENTA_DEFAULTS.marginalThreshold)) return 'Marginal';
  return 'Fail';
}

export interface CanaryInput {
  config: CanaryMetricConfig;
  test: readonly number[];
  control: readonly number[];
}

/** The whole pipeline over a set of metrics. */
export function judgeCanary(inputs: readonly CanaryInput[], opts: CanaryJudgeOptions = {}): CanaryJudgement {
  const metrics = inputs.map((i) => classifyMetric(i.config, i.test, i.control, opts));
  const weights = Object.fromEntries(inputs.map((i) => [i.config.name, i.config.weight ?? 1]));
  const { score, vetoedBy } = scoreMetrics(metrics, weights);
  return {
    score,
    classification: vetoedBy.length ? 'Fail' : classifyScore(score, opts),
    metrics,
    vetoedBy,
    confLevel: opts.confLevel ?? KAYENTA_DEFAULTS.confLevel,
    minSamples: opts.minSamples ?? KAYENTA_DEFAULTS.minSamples,
  };
}

/**
 * A relative change that counts only with evidence (significance, effect, absolute minimum):
 * the observed relative change of the mean in the bad direction when all three agree, else 0.
 * null (no data) below the minimum samples. Used for overheads against control.
 */
export function evidencedRelativeChange(
  cfg: CanaryMetricConfig,
  test: readonly number[],
  control: readonly number[],
  opts: CanaryJudgeOptions = {},
): { value: number | null; samples: number; note: string; judgement: MetricJudgement } {
  const j = classifyMetric({ ...cfg, maxRelativeChange: cfg.maxRelativeChange ?? 0 }, test, control, opts);
  const samples = Math.min(j.test.n, j.control.n);
  if (j.classification === 'Nodata') return { value: null, samples, note: j.reason, judgement: j };
  const observed = j.relativeChangePct;
  if (j.failed && observed !== null) return { value: observed, samples, note: j.reason, judgement: j };
  const shown = observed === null ? 'n/a' : `${observed >= 0 ? '+' : ''}${observed.toFixed(2)} %`;
  return { value: 0, samples, note: `observed ${shown} counted as 0: ${j.reason}`, judgement: j };
}

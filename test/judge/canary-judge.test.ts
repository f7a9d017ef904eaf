import { classifyMetric, classifyScore, judgeCanary, preprocess, scoreMetrics, evidencedRelativeChange } from '../../src/judge/canary-judge';
import { latencyDegradation } from '../../src/judge/degradation';
import { compareTestVsControl } from '../../src/judge/comparison';
import { healthyHistory, HOUR, latencies, noise, plan, START, MiB } from './fixtures';

const series = (n: number, seed: string, base: number, spread: number) => Array.from({ length: n }, (_, i) => base + noise(seed, i) * spread);

describe('canary judge pipeline', () => {
  test('preprocessing: NaN removed or replaced; IQR outliers removed only on request', () => {
    expect(preprocess([1, NaN, 2], {}).values).toEqual([1, 2]);
    expect(preprocess([1, NaN, 2], { nanStrategy: 'replace' }).values).toEqual([1, 0, 2]);
    const withOutlier = [...series(20, 'o', 10, 1), 1000];
    expect(preprocess(withOutlier, { outliers: 'remove' }).outliersRemoved).toBe(1);
    expect(preprocess(withOutlier, {}).outliersRemoved).toBe(0);
  });

  test('same distribution: Pass', () => {
    const m = classifyMetric({ name: 'lat', direction: 'increase' }, series(100, 'a', 10, 2), series(100, 'b', 10, 2));
    expect(m.classification).toBe('Pass');
    expect(m.failed).toBe(false);
  });

  test('a real increase is High and fails in the bad direction; harmless the other way', () => {
    const test = series(100, 'a', 20, 2);
    const control = series(100, 'b', 10, 2);
    const up = classifyMetric({ name: 'lat', direction: 'increase', minAbsoluteDifference: 5 }, test, control);
    expect(up).toMatchObject({ classification: 'High', failed: true, evidence: { significant: true, effect: true, absolute: true } });
    expect(up.shift!.lower).toBeGreaterThan(0);
    const down = classifyMetric({ name: 'thr', direction: 'decrease' }, test, control);
    expect(down).toMatchObject({ classification: 'High', failed: false });
  });

  test('relative thresholds need real evidence: a significant +30 % on a 0.3 ms baseline is not a degradation (5 ms minimum)', () => {
    const m = classifyMetric({ name: 'lat', direction: 'increase', minAbsoluteDifference: 5 }, series(200, 'a', 0.39, 0.02), series(200, 'b', 0.3, 0.02));
    expect(m.evidence).toEqual({ significant: true, effect: true, absolute: false });
    expect(m.failed).toBe(false);
  });

  test('too few samples: Nodata, failing only with mustHaveData', () => {
    expect(classifyMetric({ name: 'x', direction: 'increase' }, [1, 2], [1, 2])).toMatchObject({ classification: 'Nodata', failed: false });
    expect(classifyMetric({ name: 'x', direction: 'increase', mustHaveData: true }, [1, 2], [1, 2])).toMatchObject({ classification: 'Nodata', failed: true });
    expect(classifyMetric({ name: 'x', direction: 'increase' }, series(30, 'a', 1, 1), series(30, 'b', 1, 1), { minSamples: 20 }).classification).not.toBe('Nodata');
  });

  test('zero-inflated counts: CLES works where the mean ratio is undefined (control all zero)', () => {
    const control = new Array(100).fill(0);
    const test = Array.from({ length: 100 }, (_, i) => (i % 3 === 0 ? 2 : 0));
    const m = classifyMetric({ name: 'errors', direction: 'increase', effectSize: 'cles' }, test, control);
    expect(m.meanRatio).toBeNull();
    expect(m.cles).toBeCloseTo(0.5 + 34 / 200, 10);
    expect(m).toMatchObject({ classification: 'High', failed: true });
  });

  test('score: share of passing metrics; a failing critical metric vetoes; 95 / 75 thresholds', () => {
    expect(classifyScore(100)).toBe('Pass');
    expect(classifyScore(80)).toBe('Marginal');
    expect(classifyScore(50)).toBe('Fail');
    expect(classifyScore(null)).toBe('Nodata');
    const ok = series(100, 'a', 10, 2);
    const bad = series(100, 'c', 30, 2);
    const j = judgeCanary([
      { config: { name: 'lat', direction: 'increase', critical: true }, test: bad, control: ok },
      { config: { name: 'cpu', direction: 'increase' }, test: ok, control: ok },
      { config: { name: 'mem', direction: 'increase' }, test: ok, control: ok },
    ]);
    expect(j).toMatchObject({ score: 0, classification: 'Fail', vetoedBy: ['lat'] });
    const j2 = judgeCanary([
      { config: { name: 'lat', direction: 'increase' }, test: bad, control: ok },
      ...['a', 'b', 'c', 'd'].map((n) => ({ config: { name: n, direction: 'increase' as const }, test: ok, control: ok })),
    ]);
    expect(j2.score).toBe(80);
    expect(j2.classification).toBe('Marginal');
    expect(scoreMetrics([]).score).toBeNull();
  });

  test('evidenced relative change: the observed change when all three agree, else 0 with the raw change in the note', () => {
    const r = evidencedRelativeChange({ name: 'cpu', direction: 'increase', minAbsoluteDifference: 1 }, series(100, 'a', 4, 1), series(100, 'b', 2, 1));
    expect(r.value).toBeGreaterThan(50);
    const noise2 = evidencedRelativeChange({ name: 'cpu', direction: 'increase', minAbsoluteDifference: 1 }, series(100, 'a', 2, 1), series(100, 'b', 2, 1));
    expect(noise2.value).toBe(0);
    expect(noise2.note).toMatch(/counted as 0/);
  });
});

describe('latency degradation against the baseline', () => {
  const base = latencies(100, 'base');
  test('no change: 0', () => expect(latencyDegradation(latencies(100, 'cur'), base).valuePct).toBe(0));
  test('p50 shift of +50 % and +10 ms counts', () => {
    const d = latencyDegradation(base.map((x) => x * 1.5 + 10), base);
    expect(d.valuePct).toBeGreaterThan(20);
    expect(d.parts.find((p) => p.quantile === 0.5)!.counted).toBe(true);
  });
  test('a tail-only degradation is found by the exceedance test', () => {
    const cur = latencies(100, 'cur').map((x, i) => (i % 10 === 0 ? x + 40 : x));
    const d = latencyDegradation(cur, base);
    const p99 = d.parts.find((p) => p.quantile === 0.99)!;
    expect(p99.counted).toBe(true);
    expect(d.parts.find((p) => p.quantile === 0.5)!.counted).toBe(false);
  });
  test('sub-millisecond noise is never a degradation', () => {
    const d = latencyDegradation(base.map((x) => x * 1.4), base);
    expect(d.valuePct).toBe(0);
  });
  test('too few samples: null', () => expect(latencyDegradation([1, 2], base).valuePct).toBeNull());
});

describe('test vs control', () => {
  test('a healthy wave: Pass', () => {
    const h = healthyHistory(6 * HOUR);
    const j = compareTestVsControl(plan, h, START)!;
    expect(j.classification).toBe('Pass');
    expect(j.metrics.map((m) => m.name)).toEqual(['latency_ms', 'error_rate_pct', 'memory_bytes', 'cpu_pct', 'active']);
  });
  test('test agents using more memory than control: memory fails', () => {
    const h = healthyHistory(6 * HOUR);
    h.forEach((o) => o.agents.forEach((a) => a.role === 'test' && a.memoryBytes !== null && (a.memoryBytes += 200 * MiB)));
    const j = compareTestVsControl(plan, h, START)!;
    expect(j.metrics.find((m) => m.name === 'memory_bytes')).toMatchObject({ classification: 'High', failed: true });
    expect(j.classification).not.toBe('Pass');
  });
});

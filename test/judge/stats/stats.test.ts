// Reference values computed with R 4.2.2 (Debian r-base-core 4.2.2.20221110-2), the commands quoted
// beside each value. The Hollander & Wolfe data and the airquality comparison are the examples of
// R's own ?wilcox.test page; the males/females data is scipy's mannwhitneyu documentation example
// (published: U = 17, exact p = 0.1111, asymptotic p = 0.11134688653314041).
import {
  cles,
  exceedanceProbability,
  exceedanceTest,
  hodgesLehmann,
  kthPairwiseDifference,
  linearFit,
  logGamma,
  mad,
  mannWhitneyU,
  meanRatio,
  median,
  normalCdf,
  normalQuantile,
  percentiles,
  quantile,
  rankWithTies,
  removeIqrOutliers,
  robustZ,
  anomalyIndexes,
  studentTCdf,
  studentTQuantile,
  wilcoxCdf,
  wilcoxQuantile,
} from '../../../src/judge/stats';

// Hollander & Wolfe (1973), 69f., as in R's ?wilcox.test
const hwX = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
const hwY = [1.15, 0.88, 0.9, 0.74, 1.21];
// airquality$Ozone, Month 5 vs Month 8, NAs removed: dput() of R's built-in data set
const may = [41, 36, 12, 18, 28, 23, 19, 8, 7, 16, 11, 14, 18, 14, 34, 6, 30, 11, 1, 11, 4, 32, 23, 45, 115, 37];
const aug = [39, 9, 16, 78, 35, 66, 122, 89, 110, 44, 28, 65, 22, 59, 23, 31, 44, 21, 9, 45, 168, 73, 76, 118, 84, 85];
// 60 and 70 distinct values (normal approximation without ties):
// u <- ((1:60) * 7.3) %% 23 + 0.001*(1:60); v <- ((1:70) * 5.1) %% 19 + 0.0007*(1:70)
const u = Array.from({ length: 60 }, (_, i) => (((i + 1) * 7.3) % 23) + 0.001 * (i + 1));
const v = Array.from({ length: 70 }, (_, i) => (((i + 1) * 5.1) % 19) + 0.0007 * (i + 1));

describe('Mann-Whitney U', () => {
  test('exact, no ties: wilcox.test(x, y) → W = 35, p = 0.254412254412254', () => {
    const r = mannWhitneyU(hwX, hwY);
    expect(r.method).toBe('exact');
    expect(r.u).toBe(35);
    expect(r.pValue).toBeCloseTo(0.254412254412254, 12);
  });
  test('one-sided exact tail: wilcox.test(x, y, alternative = "greater") p = 0.127206127206127 = P(W ≥ 35)', () => {
    expect(1 - wilcoxCdf(34, 10, 5)).toBeCloseTo(0.127206127206127, 12);
  });
  test('normal approximation: exact = FALSE → p = 0.244623605126983 (correct), 0.220671361919847 (correct = FALSE)', () => {
    expect(mannWhitneyU(hwX, hwY, { exact: false }).pValue).toBeCloseTo(0.244623605126983, 10);
    expect(mannWhitneyU(hwX, hwY, { exact: false, correct: false }).pValue).toBeCloseTo(0.220671361919847, 10);
  });
  test('scipy docs example: U = 17, exact p = 0.1111, asymptotic p = 0.11134688653314041', () => {
    const males = [19, 22, 16, 29, 24];
    const females = [20, 11, 17, 12];
    expect(mannWhitneyU(males, females).u).toBe(17);
    expect(mannWhitneyU(males, females).pValue).toBeCloseTo(1 / 9, 12);
    expect(mannWhitneyU(males, females, { exact: false }).pValue).toBeCloseTo(0.11134688653314041, 12);
  });
  test('ties (airquality May vs Aug): W = 127.5, p = 0.000120807830768774 (R ?wilcox.test example)', () => {
    const r = mannWhitneyU(may, aug);
    expect(r.method).toBe('normal');
    expect(r.ties).toBe(true);
    expect(r.u).toBe(127.5);
    expect(r.pValue).toBeCloseTo(0.000120807830768774, 12);
  });
  test('large samples without ties: W = 2458, p = 0.0950031428393375', () => {
    const r = mannWhitneyU(u, v);
    expect(r.method).toBe('normal');
    expect(r.u).toBe(2458);
    expect(r.pValue).toBeCloseTo(0.0950031428393375, 10);
  });
  test('pwilcox/qwilcox: pwilcox(10,10,5) = 0.0376290376290376, qwilcox(0.01,10,5) = 7, pwilcox(300,30,25) = 0.104876550350184, qwilcox(0.01,30,25) = 238', () => {
    expect(wilcoxCdf(10, 10, 5)).toBeCloseTo(0.0376290376290376, 14);
    expect(wilcoxQuantile(0.01, 10, 5)).toBe(7);
    expect(wilcoxCdf(300, 30, 25)).toBeCloseTo(0.104876550350184, 12);
    expect(wilcoxQuantile(0.01, 30, 25)).toBe(238);
  });
  test('exact distribution agrees with brute-force enumeration (C(8,3) arrangements)', () => {
    // every way to place 3 x-ranks among 8: U = rank sum − 6
    const counts = new Map<number, number>();
    for (let a = 1; a <= 8; a++) for (let b = a + 1; b <= 8; b++) for (let c = b + 1; c <= 8; c++) {
      const w = a + b + c - 6;
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
    let cum = 0;
    for (let w = 0; w <= 15; w++) {
      cum += counts.get(w) ?? 0;
      expect(wilcoxCdf(w, 3, 5)).toBeCloseTo(cum / 56, 14);
    }
  });
});

describe('Hodges-Lehmann shift and its confidence interval', () => {
  test('exact: wilcox.test(x, y, conf.int = TRUE, conf.level = 0.98) → [-0.17, 0.9], estimate 0.305', () => {
    const r = hodgesLehmann(hwX, hwY, 0.98);
    expect(r.method).toBe('exact');
    expect(r.estimate).toBeCloseTo(0.305, 12);
    expect(r.lower).toBeCloseTo(-0.17, 12);
    expect(r.upper).toBeCloseTo(0.9, 12);
  });
  test('exact 95 %: [-0.15, 0.76]', () => {
    const r = hodgesLehmann(hwX, hwY, 0.95);
    expect(r.lower).toBeCloseTo(-0.15, 12);
    expect(r.upper).toBeCloseTo(0.76, 12);
  });
  test('normal with correction (exact = FALSE, 98 %): [-0.31999721322183, 0.989946182062034] (R uniroot tol 1e-4)', () => {
    const r = hodgesLehmann(hwX, hwY, 0.98, { exact: false });
    expect(r.method).toBe('normal');
    expect(Math.abs(r.lower - -0.31999721322183)).toBeLessThan(1e-4);
    expect(Math.abs(r.upper - 0.989946182062034)).toBeLessThan(1e-4);
  });
  test('ties (airquality): 98 % CI [-55.0000519, -11.9999614], 95 % CI [-52.9999854, -14.9999790], estimate -31.99996', () => {
    const r98 = hodgesLehmann(may, aug, 0.98);
    expect(r98.method).toBe('normal');
    expect(Math.abs(r98.lower - -55.0000519023127)).toBeLessThan(1e-3);
    expect(Math.abs(r98.upper - -11.9999614125573)).toBeLessThan(1e-3);
    expect(Math.abs(r98.estimate - -31.9999587219324)).toBeLessThan(1e-3);
    const r95 = hodgesLehmann(may, aug, 0.95);
    expect(Math.abs(r95.lower - -52.9999854162704)).toBeLessThan(1e-3);
    expect(Math.abs(r95.upper - -14.9999789830252)).toBeLessThan(1e-3);
  });
  test('large samples: 98 % CI [-0.799949066872232, 4.63805033256561], estimate 1.92415404544526', () => {
    const r = hodgesLehmann(u, v, 0.98);
    expect(Math.abs(r.lower - -0.799949066872232)).toBeLessThan(1e-3);
    expect(Math.abs(r.upper - 4.63805033256561)).toBeLessThan(1e-3);
    // R's asymptotic estimate is a uniroot() point where U(d) = nx·ny/2, anywhere between the two
    // middle differences; ours is the median of the differences (their midpoint): both in that gap.
    const [mid1, mid2] = [kthPairwiseDifference(u, v, 2100), kthPairwiseDifference(u, v, 2101)];
    expect(1.92415404544526).toBeGreaterThanOrEqual(mid1 - 1e-4);
    expect(1.92415404544526).toBeLessThanOrEqual(mid2 + 1e-4);
    expect(r.estimate).toBeCloseTo((mid1 + mid2) / 2, 12);
  });
  test('k-th pairwise difference equals sorting all differences', () => {
    const diffs = hwX.flatMap((a) => hwY.map((b) => a - b)).sort((a, b) => a - b);
    for (let k = 1; k <= diffs.length; k++) expect(kthPairwiseDifference(hwX, hwY, k)).toBe(diffs[k - 1]);
  });
});

describe('effect sizes', () => {
  test('mean ratio, zero-safe', () => {
    expect(meanRatio([2, 4], [1, 2])).toBe(2);
    expect(meanRatio([0, 0], [0, 0])).toBe(1);
    expect(meanRatio([1, 0], [0, 0])).toBeNull();
  });
  test('CLES = U / (nx·ny): 35 / 50 for Hollander & Wolfe; 1 when all counts exceed a zero control', () => {
    expect(cles(hwX, hwY)).toBeCloseTo(0.7, 12);
    expect(cles([1, 2, 3], [0, 0, 0])).toBe(1);
    expect(cles([0, 0], [0, 0])).toBe(0.5);
  });
});

describe('distributions', () => {
  test('normal: qnorm(0.99) = 2.32634787404084, qnorm(0.975) = 1.95996398454005, qnorm(1e-10) = -6.36134090240406', () => {
    expect(normalQuantile(0.99)).toBeCloseTo(2.32634787404084, 12);
    expect(normalQuantile(0.975)).toBeCloseTo(1.95996398454005, 12);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.36134090240406, 10);
  });
  test('pnorm(1.96) = 0.97500210485178, pnorm(-3) = 0.00134989803163009, pnorm(-8) = 6.22096057427178e-16', () => {
    expect(normalCdf(1.96)).toBeCloseTo(0.97500210485178, 13);
    expect(normalCdf(-3)).toBeCloseTo(0.00134989803163009, 15);
    expect(normalCdf(-8) / 6.22096057427178e-16).toBeCloseTo(1, 10);
  });
  test('t: qt(0.975,48) = 2.01063475762423, qt(0.99,10) = 2.7637694581127, qt(0.975,3) = 3.18244630528371; pt(2.5,7) = 0.979503890707124, pt(-1.2,30) = 0.119765175444831', () => {
    expect(studentTQuantile(0.975, 48)).toBeCloseTo(2.01063475762423, 10);
    expect(studentTQuantile(0.99, 10)).toBeCloseTo(2.7637694581127, 10);
    expect(studentTQuantile(0.975, 3)).toBeCloseTo(3.18244630528371, 10);
    expect(studentTCdf(2.5, 7)).toBeCloseTo(0.979503890707124, 12);
    expect(studentTCdf(-1.2, 30)).toBeCloseTo(0.119765175444831, 12);
  });
  test('logGamma(0.5) = ln √π, logGamma(101) = ln 100!', () => {
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    let f = 0;
    for (let i = 2; i <= 100; i++) f += Math.log(i);
    expect(logGamma(101)).toBeCloseTo(f, 9);
  });
});

describe('least-squares slope', () => {
  // R's built-in `cars` data (speed, dist); lm(dist ~ speed, cars) and confint()
  const speed = [4, 4, 7, 7, 8, 9, 10, 10, 10, 11, 11, 12, 12, 12, 12, 13, 13, 13, 13, 14, 14, 14, 14, 15, 15, 15, 16, 16, 17, 17, 17, 18, 18, 18, 18, 19, 19, 19, 20, 20, 20, 20, 20, 22, 23, 24, 24, 24, 24, 25];
  const dist = [2, 10, 4, 22, 16, 10, 18, 26, 34, 17, 28, 14, 20, 24, 28, 26, 34, 34, 46, 26, 36, 60, 80, 20, 26, 54, 32, 40, 32, 40, 50, 42, 56, 76, 84, 36, 46, 68, 32, 48, 52, 56, 64, 66, 54, 70, 92, 93, 120, 85];
  test('slope 3.93240875912409 (SE 0.415512776657122), 95 % CI [3.09696432814032, 4.76785319010785], 99 % CI [2.81791871632509, 5.04689880192308], R² 0.651079380758251', () => {
    const fit = linearFit(speed, dist, 0.95)!;
    expect(fit.slope).toBeCloseTo(3.93240875912409, 12);
    expect(fit.intercept).toBeCloseTo(-17.5790948905109, 10);
    expect(fit.slopeStdError).toBeCloseTo(0.415512776657122, 12);
    expect(fit.lower).toBeCloseTo(3.09696432814032, 9);
    expect(fit.upper).toBeCloseTo(4.76785319010785, 9);
    expect(fit.rSquared).toBeCloseTo(0.651079380758251, 12);
    const fit99 = linearFit(speed, dist, 0.99)!;
    expect(fit99.lower).toBeCloseTo(2.81791871632509, 9);
    expect(fit99.upper).toBeCloseTo(5.04689880192308, 9);
  });
  test('too few points or constant x: null', () => {
    expect(linearFit([1, 2], [1, 2])).toBeNull();
    expect(linearFit([1, 1, 1], [1, 2, 3])).toBeNull();
  });
});

describe('descriptive and robust', () => {
  test('quantile type 7: quantile(c(1,2,3,4,10), c(.1,.5,.9,.99)) = 1.4 3 7.6 9.76', () => {
    expect(percentiles([1, 2, 3, 4, 10], [10, 50, 90, 99]).map((x) => +x.toFixed(10))).toEqual([1.4, 3, 7.6, 9.76]);
    expect(median([3, 1, 2])).toBe(2);
  });
  test('nearest-rank quantile never invents a value', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(xs, 0.99, 'nearest-rank')).toBe(99);
    expect(quantile(xs, 0.5, 'nearest-rank')).toBe(50);
    expect(quantile([5], 0.99, 'nearest-rank')).toBe(5);
  });
  test('mad(c(1,2,3,4,100)) = 1.4826; mad(c(2.1,3.4,1.9,5.6,2.2,8.8,2.5)) = 0.88956', () => {
    expect(mad([1, 2, 3, 4, 100])).toBeCloseTo(1.4826, 12);
    expect(mad([2.1, 3.4, 1.9, 5.6, 2.2, 8.8, 2.5])).toBeCloseTo(0.88956, 12);
  });
  test('robust z flags the spike, not the trend', () => {
    const series = [10, 11, 10, 12, 11, 10, 11, 12, 10, 40];
    expect(anomalyIndexes(series)).toEqual([9]);
    const trend = Array.from({ length: 50 }, (_, i) => 100 + i);
    expect(anomalyIndexes(trend)).toEqual([]);
    expect(robustZ([5, 5, 5, 5]).scores).toEqual([0, 0, 0, 0]);
    // MAD = 0 fallback (mean absolute deviation) still finds a lone jump, unless below the minimum deviation
    expect(anomalyIndexes([5, 5, 5, 5, 5, 5, 5, 9])).toEqual([7]);
    expect(anomalyIndexes([5, 5, 5, 5, 5, 5, 5, 5.1], 3.5, 1)).toEqual([]);
  });
  test('ranks with ties (as R rank): rank(c(10,20,10,30)) = 1.5 3 1.5 4', () => {
    expect(rankWithTies([10, 20, 10, 30])).toEqual({ ranks: [1.5, 3, 1.5, 4], ties: [2] });
  });
  test('IQR outliers (factor 3)', () => {
    const { kept, removed } = removeIqrOutliers([1, 2, 3, 4, 5, 6, 7, 8, 100]);
    expect(removed).toBe(1);
    expect(kept).not.toContain(100);
  });
});

describe('exceedance test', () => {
  // Brute force in R over all placements (combn) of n test values among n + m ranks:
  // (n=4,m=6,s=1,K≥1) = 0.4; (4,6,1,K≥2) = 0.133333333333333; (4,6,2,K≥3) = 0.119047619047619; (5,7,2,K≥2) = 0.363636363636364
  test.each([
    [4, 6, 1, 1, 0.4],
    [4, 6, 1, 2, 0.133333333333333],
    [4, 6, 2, 3, 0.119047619047619],
    [5, 7, 2, 2, 0.363636363636364],
  ])('n=%i m=%i s=%i P(K ≥ %i) = %f', (n, m, s, k, p) => {
    let sum = 0;
    for (let j = k; j <= n; j++) sum += exceedanceProbability(j, n, m, s);
    expect(sum).toBeCloseTo(p, 12);
  });
  test('a shifted tail is significant, the same distribution is not', () => {
    const base = Array.from({ length: 100 }, (_, i) => 1 + i / 100);
    const same = Array.from({ length: 100 }, (_, i) => 1.005 + i / 100);
    expect(exceedanceTest(same, base).pValue).toBeGreaterThan(0.1);
    const worse = base.map((x, i) => (i >= 90 ? x * 3 : x));
    expect(exceedanceTest(worse, base).pValue).toBeLessThan(0.001);
  });
});

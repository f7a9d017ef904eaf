import { twoProportionZTest } from '../../../src/judge/stats/two-proportion';

// Reference: R, prop.test(c(x1, x2), c(n1, n2), correct = FALSE): X-squared = z², same p-value.
describe('two-proportion z-test', () => {
  it('matches R prop.test without continuity correction', () => {
    const a = twoProportionZTest(50, 1000, 10, 1000)!;
    expect(a.z * a.z).toBeCloseTo(27.491, 3);
    expect(a.p / 1.578e-7).toBeCloseTo(1, 3);
    const b = twoProportionZTest(12, 200, 20, 210)!;
    expect(b.z * b.z).toBeCloseTo(1.7677, 4);
    expect(b.p).toBeCloseTo(0.1837, 4);
  });
  it('equal proportions: p = 1; nothing to test without variance or samples', () => {
    expect(twoProportionZTest(10, 1000, 10, 1000)!.p).toBeCloseTo(1, 10);
    expect(twoProportionZTest(0, 1000, 0, 1000)).toBeNull();
    expect(twoProportionZTest(1000, 1000, 5, 5)).toBeNull();
    expect(twoProportionZTest(1, 0, 1, 10)).toBeNull();
  });
});

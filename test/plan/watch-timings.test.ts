// The plan's watch section (defaults, the silence floor refused in one line) and its real durations
// (plan time / time scale, with the floors that keep a compressed watch light and meaningful).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { loadPlan, parsePlanText } from '../../src/plan/load';
import { problemsOf } from '../helpers/plan-problems';
import { storedPlanSchema } from '../../src/plan/schema';
import { watchTimings } from '../../src/plan/watch-timings';

const ROOT = join(__dirname, '../..');
const wave2Text = readFileSync(join(ROOT, 'plans/wave2.yaml'), 'utf8');

function withWatch(change: (w: any, data: any) => void): string {
  const data = parseDocument(wave2Text).toJS();
  change(data.watch, data);
  return stringify(data);
}

describe('the watch section', () => {
  test('both shipped plans show it, in plan time', () => {
    for (const f of ['plans/wave2.yaml', 'plans/local.yaml'])
      expect(loadPlan(join(ROOT, f)).watch).toEqual({ enabled: true, probeInterval: 2000, silence: 6000, minOutage: 0, flapMerge: 60_000 });
  });

  test('a plan without it gets the defaults; a partial one keeps what it says', () => {
    expect(parsePlanText(withWatch((_, d) => delete d.watch), 't.yaml').watch).toEqual({ enabled: true, probeInterval: 2000, silence: 6000, minOutage: 0, flapMerge: 60_000 });
    const partial = withWatch((_, d) => (d.watch = { enabled: false, probeInterval: '2s' }));
    expect(parsePlanText(partial, 't.yaml').watch).toEqual({ enabled: false, probeInterval: 2000, silence: 6000, minOutage: 0, flapMerge: 60_000 });
  });

  test('silence under 3 probe intervals is refused in one line naming the field', () => {
    const problems = problemsOf(withWatch((w) => Object.assign(w, { probeInterval: '10s', silence: '29s' })));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/watch\.silence/);
    expect(problems[0]).toMatch(/3 probe intervals/);
    expect(problemsOf(withWatch((w) => Object.assign(w, { probeInterval: '10s', silence: '30s' })))).toEqual([]);
  });

  test('unknown keys and a zero probe interval are refused', () => {
    expect(problemsOf(withWatch((w) => (w.probeIntervall = '5s'))).join('\n')).toMatch(/probeIntervall/);
    expect(problemsOf(withWatch((w) => (w.probeInterval = '0s'))).join('\n')).toMatch(/watch\.probeInterval/);
  });

  test('a stored plan (ms) from before the section still parses, with the defaults', () => {
    const p = loadPlan(join(ROOT, 'plans/wave2.yaml'));
    const { watch: _omit, ...old } = p;
    expect(storedPlanSchema.parse(old).watch).toEqual(p.watch);
    expect(() => storedPlanSchema.parse({ ...old, watch: { probeInterval: 1000, silence: 2000 } })).toThrow(/3 probe intervals/);
  });
});

describe('watchTimings', () => {
  const plan = (w: Partial<{ enabled: boolean; probeInterval: number; silence: number; minOutage: number; flapMerge: number }> = {}) => ({
    watch: { enabled: true, probeInterval: 2000, silence: 6000, minOutage: 0, flapMerge: 60_000, ...w },
  });

  test('at time scale 1 the plan times are the real ones', () => {
    expect(watchTimings(plan({ minOutage: 2000 }), 1)).toEqual({ enabled: true, probeIntervalMs: 2000, silenceMs: 6000, minOutageMs: 2000, flapMergeMs: 60_000 });
  });

  test('compressed: each is divided by the time scale while above its floor', () => {
    expect(watchTimings(plan({ minOutage: 6000 }), 10)).toEqual({ enabled: true, probeIntervalMs: 200, silenceMs: 600, minOutageMs: 600, flapMergeMs: 6000 });
  });

  test('at ×720 the floors hold: probe 200 ms, silence 3 probes, flap merge 1 probe', () => {
    // 2 s / 720 = 3 ms → 200 ms; 6 s / 720 = 8 ms → 600 ms; 60 s / 720 = 83 ms → 200 ms
    expect(watchTimings(plan(), 720)).toEqual({ enabled: true, probeIntervalMs: 200, silenceMs: 600, minOutageMs: 0, flapMergeMs: 200 });
  });

  test('silence follows a floored probe interval up; a long silence stays its own', () => {
    expect(watchTimings(plan({ probeInterval: 1000, silence: 3000 }), 20).silenceMs).toBe(600);
    expect(watchTimings(plan({ probeInterval: 1000, silence: 600_000 }), 20).silenceMs).toBe(30_000);
  });

  test('enabled is carried; a time scale that is not above zero is refused', () => {
    expect(watchTimings(plan({ enabled: false }), 1).enabled).toBe(false);
    expect(() => watchTimings(plan(), 0)).toThrow(/time scale/);
  });
});

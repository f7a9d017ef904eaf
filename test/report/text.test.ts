import { labelledSparkline, sparkline } from '../../src/report/sparkline';
import { renderWatch } from '../../src/report/watch';
import { delta } from '../../src/report/stats';
import { twoProportionZTest } from '../../src/judge/stats/two-proportion';
import { displayWidth, fmtDur, fmtPct, fmtReading, textTable } from '../../src/report/format';
import { roleSummary } from '../../src/report/rollup';
import { compareCheckpoints } from '../../src/report/compare';
import { tightMargin } from '../../src/judge/wave-analysis';
import { makeRecord, makeSamples, START, wave2Plan } from '../artifacts/fixtures';

const plan = wave2Plan();

describe('sparklines', () => {
  it('scale values to ▁…█ and mark gaps', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([1, null, 3])).toBe('▁·█');
    expect(sparkline([0, 0, 0])).toBe('▁▁▁');
    expect(sparkline([5, 5])).toBe('▄▄');
    expect(sparkline([null, undefined])).toBe('··');
  });
  it('bucket long series by their maximum, so a spike stays visible', () => {
    const v = Array.from({ length: 100 }, (_, i) => (i === 57 ? 10 : 0));
    const s = sparkline(v, { width: 10 });
    expect([...s]).toHaveLength(10);
    expect(s).toContain('█');
  });
  it('print their scale', () => {
    expect(labelledSparkline([1, 2, 3], (v) => `${v}ms`)).toBe('▁▅█  min 1ms  max 3ms  last 3ms');
    expect(labelledSparkline([null, null], String)).toBe('··  no data');
  });
});

describe('formatting', () => {
  it('never prints a missing value as a number', () => {
    expect(fmtReading({ value: null, reason: 'host dgx-2 unreachable' }, 'pct')).toBe('no data (host dgx-2 unreachable)');
    expect(fmtPct(0.00042)).toBe('0.00042%');
    expect(fmtDur(24 * 3_600_000)).toBe('24h');
    expect(fmtDur(3_930_000)).toBe('1h5m30s');
    expect(fmtDur(0)).toBe('0s');
  });
  it('aligns columns with emoji', () => {
    expect(displayWidth('✅')).toBe(2);
    expect(displayWidth('⚠️')).toBe(2);
    const [a, , b] = textTable(['x', 'y'], [['✅', '1']]);
    expect(a.indexOf('y')).toBe(displayWidth(b.slice(0, b.indexOf('1'))));
  });
});

describe('statistics', () => {
  it('calls a change a direction only beyond noise', () => {
    expect(delta(2.0, 2.3, 'lower', { absMin: 5 }).direction).toBe('stable');
    expect(delta(20, 40, 'lower', { absMin: 5 }).direction).toBe('degrading');
    expect(delta(99, 100, 'higher').direction).toBe('stable');
    expect(delta(80, 99, 'higher').direction).toBe('improving');
    expect(delta(null, 1, 'lower').direction).toBe('n/a');
  });
  it('tests two proportions', () => {
    expect(twoProportionZTest(10, 1000, 10, 1000)!.p).toBeCloseTo(1, 5);
    expect(twoProportionZTest(50, 1000, 10, 1000)!.p).toBeLessThan(0.001);
    expect(twoProportionZTest(0, 1000, 0, 1000)).toBeNull();
  });
});

describe('rollups and verdicts', () => {
  it('an error rate rests only on instances with both counts; no messages is no data', () => {
    const r = makeRecord(plan, 'T+1h', { errors: 6, unreachableHost: 'dgx-3' });
    const t = roleSummary(r, 'test');
    expect(t.errors).toEqual({ value: 6, samples: 4, reason: '2 of 6 without data' });
    expect(t.errorRatePct.value).toBeCloseTo((6 / (4 * 36_000)) * 100);
    for (const a of r.agents) a.messages = { value: 0 };
    expect(roleSummary(r, 'test').errorRatePct).toEqual({ value: null, reason: 'no messages handled in the window', samples: 0 });
  });
  it('compares checkpoints with direction and significance', () => {
    const cmp = compareCheckpoints([makeRecord(plan, 'T+1h'), makeRecord(plan, 'T+6h', { latencyMs: 30, errors: 400 })], plan);
    const line = (k: string) => cmp.lines.find((l) => l.key === k)!;
    expect(line('latency_p99_ms').direction).toBe('degrading');
    expect(line('error_rate_pct').significant).toBe(true);
    expect(line('uptime_pct').direction).toBe('stable');
  });
  it('a tight margin is near the limit, not near a ceiling', () => {
    const c = (metric: string, op: string, threshold: number, value: number) => ({ id: 'x', title: 'x', metric, op, threshold, value, window: 'wave', samples: 1, outcome: 'pass' as const, primary: true });
    expect(tightMargin(c('agents.uptime_pct', '>', 99.9, 100))).toBe(false);
    expect(tightMargin(c('nats.dual_publish_pct', '>', 99, 99.1))).toBe(true);
    expect(tightMargin(c('probe.p99_ms', '<', 200, 170))).toBe(true);
    expect(tightMargin(c('probe.p99_ms', '<', 200, 3))).toBe(false);
  });
});

describe('terminal watch', () => {
  it('draws progress, checkpoints, sparklines and open alerts in one frame', () => {
    const samples = makeSamples(plan, 2);
    const frame = renderWatch(
      {
        title: 'Sprint 5.3 Wave 2',
        waveId: 'wave2-x',
        phase: 'monitoring',
        verdict: null,
        now: new Date(Date.parse(START) + 2 * 3_600_000).toISOString(),
        monitoringStart: START,
        plannedEnd: new Date(Date.parse(START) + 24 * 3_600_000).toISOString(),
        nextCheckpoint: { name: 'T+6h', dueAt: new Date(Date.parse(START) + 6 * 3_600_000).toISOString() },
        checkpoints: [{ name: 'T+1h', verdict: 'PASS' }, { name: 'T+6h', verdict: null }],
        alerts: [
          { id: 'a', rule: 'load-high', title: 'System load > 2.0', severity: 'warning', scope: 'dgx-1', state: 'firing', firstFiredAt: START, message: 'load1 2.4' },
          { id: 'b', rule: 'agent-crash', severity: 'critical', scope: 'x', state: 'resolved', firstFiredAt: START, message: 'gone' },
        ],
        samples,
      },
      { width: 100 },
    );
    expect(frame).toMatch(/phase monitoring · verdict —/);
    expect(frame).toMatch(/progress \[█+░+\] 8%  T\+2h of 24h/);
    expect(frame).toMatch(/next T\+6h at 18:10:00 UTC \(in 4h\)/);
    expect(frame).toMatch(/T\+1h ✅ PASS {3}T\+6h …/);
    expect(frame).toMatch(/latency p99 +[▁▂▃▄▅▆▇█]+ +min/);
    expect(frame).toMatch(/alerts: 1 firing, 0 acknowledged, 1 resolved/);
    expect(frame).toContain('System load > 2.0 · dgx-1 · firing');
    expect(frame).not.toContain('gone');
  });
});

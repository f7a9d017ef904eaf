import { memoryGrowth } from '../../src/judge/trends';
import { instanceSeries } from '../../src/report/series';
import type { MonitorSample } from '../../src/artifacts/records/monitor';

const MiB = 1024 * 1024;
const START = Date.parse('2026-01-23T12:00:00Z');

describe('the memory-growth estimator (judge/trends memoryGrowth), shared by the leak test and the reports', () => {
  it('fits the current run only: readings before the last restart, inactive or without memory are left out', () => {
    const pts = [
      // first run: steep growth, then a restart resets memory
      ...[0, 1, 2, 3].map((h) => ({ hours: h, memoryBytes: (100 + 50 * h) * MiB, active: true, run: 0 })),
      { hours: 3.5, memoryBytes: null, active: false, run: 0 },
      // current run: 2 MiB per hour
      ...[4, 5, 6, 7, 8].map((h) => ({ hours: h, memoryBytes: (100 + 2 * (h - 4)) * MiB, active: true, run: 1 })),
      { hours: 8.5, memoryBytes: 999 * MiB, active: false, run: 1 },
    ];
    const g = memoryGrowth(pts);
    expect(g.points).toBe(5);
    expect(g.fit!.slope / MiB).toBeCloseTo(2, 9);
    expect(g.fit!.rSquared).toBeCloseTo(1, 9);
    expect(g.fit!.lower).toBeLessThanOrEqual(g.fit!.slope);
  });
  it('fewer than 3 readings in the run: no fit (not a zero slope)', () => {
    expect(memoryGrowth([{ hours: 0, memoryBytes: 1, active: true, run: 0 }, { hours: 1, memoryBytes: 2, active: true, run: 0 }]).fit).toBeNull();
    expect(memoryGrowth([])).toEqual({ points: 0, fit: null });
  });
  it('the reports\' per-instance memory slope is the judge\'s: a restart starts a new run', () => {
    const tick = (i: number, memoryMiB: number, restarts: number): MonitorSample => ({
      at: new Date(START + i * 3_600_000).toISOString(),
      windowMs: 3_600_000,
      agents: [{ agent: 'a', host: 'h', role: 'test', active: true, memoryBytes: memoryMiB * MiB, cpuPct: 1, errors: 0, messages: 10, restarts }],
      probes: [],
      hosts: [],
      natsReachable: true,
    });
    // 50 MiB/h for 4 hours, a restart, then 1 MiB/h: the report once fitted all 8 points (a slope of ~14 MiB/h)
    const samples = [...[0, 1, 2, 3].map((i) => tick(i, 100 + 50 * i, 0)), ...[4, 5, 6, 7].map((i) => tick(i, 100 + (i - 4), 1))];
    const [s] = instanceSeries(samples, 1);
    expect(s.memorySlopePerHour! / MiB).toBeCloseTo(1, 9);
    expect(s.memoryR2).toBeCloseTo(1, 9);
  });
});

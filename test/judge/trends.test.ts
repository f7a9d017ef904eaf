import { compareCheckpointLatency, memoryLeak, trendReport } from '../../src/judge/trends';
import { downtimeIntervals, restartEvents, unionLength, type TimedSample } from '../../src/judge/uptime';
import { coverWindows, selectWindow } from '../../src/judge/windows';
import { measure } from '../../src/judge/measure';
import { TEST_SCOPE } from '../../src/judge/measure/context';
import { ctx, GiB, healthyHistory, HOUR, MIN, MiB, plan, START, TICK } from './fixtures';

const sample = (at: number, over: Partial<TimedSample> = {}): TimedSample => ({
  at, host: 'dgx-1', agent: 'network-expert', role: 'test', state: 'active', nRestarts: 0, activeEnterTimestamp: START - MIN, activeExitTimestamp: null, memoryBytes: 512 * MiB, cpuPct: 1, ...over,
});
const host = { host: 'dgx-1', reachable: true, load1: 0.2, memoryUsedPct: 40, memoryTotalBytes: 64 * GiB, diskUsedPct: 50 };

describe('memory leak', () => {
  const grow = (perHour: number, n = 24) => Array.from({ length: n }, (_, i) => sample(START + i * TICK, { memoryBytes: 512 * MiB + (perHour * i * TICK) / HOUR + (i % 3) * MiB }));
  test('confident growth that exhausts the host before the wave ends is a leak, with slope per hour and exhaustion time', () => {
    const t = memoryLeak(grow(5 * GiB), host, START + 2 * HOUR, START + 24 * HOUR);
    expect(t.leak).toBe(true);
    expect(t.slopeBytesPerHour! / GiB).toBeCloseTo(5, 1);
    expect(t.lowerBytesPerHour!).toBeGreaterThan(0);
    // 38.4 GiB free at 5 GiB/h → about 7.7 h after now
    expect((t.projectedExhaustionAt! - (START + 2 * HOUR)) / HOUR).toBeCloseTo(38.4 / 5, 0);
  });
  test('slow confident growth that would not exhaust the host in time is not a leak', () => {
    const t = memoryLeak(grow(100 * MiB), host, START + 2 * HOUR, START + 24 * HOUR);
    expect(t.confident).toBe(true);
    expect(t.leak).toBe(false);
  });
  test('flat noise: no confident growth; too few points or unknown host size: undetermined', () => {
    expect(memoryLeak(grow(0), host, START + 2 * HOUR, START + 24 * HOUR).leak).toBe(false);
    expect(memoryLeak(grow(5 * GiB, 3), host, START + HOUR, START + 24 * HOUR).leak).toBeNull();
    expect(memoryLeak(grow(5 * GiB), null, START + 2 * HOUR, START + 24 * HOUR).leak).toBeNull();
  });
  test('a restart resets the series: only the current run is fitted', () => {
    const before = grow(5 * GiB, 12);
    const after = Array.from({ length: 12 }, (_, i) => sample(START + (12 + i) * TICK, { activeEnterTimestamp: START + 12 * TICK - MIN, nRestarts: 1, memoryBytes: 512 * MiB + (i % 2) * MiB }));
    expect(memoryLeak([...before, ...after], host, START + 2 * HOUR, START + 24 * HOUR)).toMatchObject({ leak: false, points: 12 });
  });
});

describe('restarts and downtime', () => {
  test('NRestarts up or a new ActiveEnterTimestamp is a restart; a failure is a down event; recovery is not a second crash', () => {
    const s = [
      sample(START),
      sample(START + TICK, { nRestarts: 2, activeEnterTimestamp: START + TICK - 10_000 }),
      sample(START + 2 * TICK, { nRestarts: 2, activeEnterTimestamp: START + 2 * TICK - 5000 }),
      sample(START + 3 * TICK, { state: 'failed', nRestarts: 2, activeEnterTimestamp: START + 2 * TICK - 5000, activeExitTimestamp: START + 3 * TICK - 60_000 }),
      sample(START + 4 * TICK, { state: 'unknown' }),
      sample(START + 5 * TICK, { nRestarts: 2, activeEnterTimestamp: START + 5 * TICK - 30_000 }),
    ];
    expect(restartEvents(s, START).map((e) => [e.kind, e.count])).toEqual([['restart', 2], ['restart', 1], ['down', 1]]);
    const down = downtimeIntervals(s, START);
    // exit unknown for the first two restarts: counted from the previous sample (estimated); the failure from its exit time to the new start
    expect(down.map((d) => [(d.from - START) / 1000, (d.to - START) / 1000, d.estimated])).toEqual([
      [0, 290, true],
      [300, 595, true],
      [840, 900, false],
      [900, 1470, false],
    ]);
    expect(unionLength(down, START, START + 5 * TICK)).toBe((290 + 295 + 60 + 570) * 1000);
  });
  test('an unchanged ActiveEnterTimestamp after an unknown gap proves the unit stayed up', () => {
    const s = [sample(START), sample(START + TICK, { state: 'unknown' }), sample(START + 2 * TICK)];
    expect(downtimeIntervals(s, START)).toEqual([]);
    expect(restartEvents(s, START)).toEqual([]);
  });
  test('an exact exit time makes downtime exact: a 20 s restart over 24 h keeps uptime above 99.9 %', () => {
    const h = healthyHistory(24 * HOUR);
    for (const o of h.filter((x) => x.at >= START + 10 * HOUR))
      Object.assign(o.agents.find((a) => a.host === 'dgx-2' && a.agent === 'tdd-expert')!, { nRestarts: 1, activeEnterTimestamp: START + 10 * HOUR - 60_000, activeExitTimestamp: START + 10 * HOUR - 80_000 });
    const m = measure(ctx, h, 'wave', TEST_SCOPE, ['agents.uptime_pct', 'agents.restarts']);
    expect(m['agents.uptime_pct']!.value!).toBeCloseTo(100 * (1 - 20 / 86400), 6);
    expect(m['agents.restarts']!.value).toBe(1);
  });
});

describe('windows', () => {
  test('checkpoint window runs from the previous checkpoint; the cover never counts a window twice', () => {
    const h = healthyHistory(7 * HOUR);
    const sel = selectWindow(h, 'checkpoint', START)!;
    expect([sel.from - START, sel.to - START]).toEqual([HOUR, 6 * HOUR]);
    const cover = coverWindows(h, (o) => o.errors !== null);
    expect(cover.reduce((s, o) => s + o.windowMs, 0)).toBe(7 * HOUR);
    expect(cover.filter((o) => o.kind === 'checkpoint')).toHaveLength(2);
  });
});

describe('checkpoint latency and trend report', () => {
  test('latency between checkpoints: significance per agent', () => {
    const h = healthyHistory(12 * HOUR);
    const [a, b] = h.filter((o) => o.kind === 'checkpoint').slice(1, 3);
    const same = compareCheckpointLatency(a, b, ['network-expert']);
    expect(same[0]).toMatchObject({ from: 'T+6h', to: 'T+12h', significant: false });
    b.probes.forEach((p) => (p.latenciesMs = p.latenciesMs!.map((x) => x + 20)));
    const worse = compareCheckpointLatency(a, b, ['network-expert']);
    expect(worse[0].significant).toBe(true);
    expect(worse[0].shiftMs!).toBeCloseTo(20, 0);
  });
  test('trend report: restarts and errors per checkpoint window, error slope direction, memory trends', () => {
    const h = healthyHistory(12 * HOUR);
    h.filter((o) => o.kind === 'tick' && o.at > START + 6 * HOUR).forEach((o, i) => o.errors!.forEach((e) => e.role === 'test' && (e.count = Math.floor(i / 6))));
    const r = trendReport(h, { startMs: START, endMs: START + plan.wave.duration, inScope: (x) => x.role === 'test', hosts: plan.hosts.map((x) => x.name) });
    expect(r.restarts.map((x) => [x.window, x.value])).toEqual([['T+1h', 0], ['T+6h', 0], ['T+12h', 0]]);
    expect(r.errors.map((x) => x.window)).toEqual(['T+1h', 'T+6h', 'T+12h']);
    expect(r.errorSlopePerHour!.direction).toBe('degrading');
    expect(r.memory).toHaveLength(6);
    expect(r.memory.every((m) => m.leak === false)).toBe(true);
  });
});

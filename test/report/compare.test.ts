import { comparedMetrics, compareCheckpoints, comparisonRowFormat } from '../../src/report/compare';
import { comparisonOf } from '../../src/report/rollup';
import { renderComparisonJson } from '../../src/report/aggregate';
import { renderHourly } from '../../src/report/trends-text';
import { comparedQuantity, metricFacts, noiseFloor } from '../../src/plan/metrics';
import { makeRecord, wave2Plan } from '../artifacts/fixtures';
import type { CheckpointRecord } from '../../src/artifacts/records/checkpoint';

const plan = wave2Plan();
const MiB = 1024 * 1024;

function withTestMemory(r: CheckpointRecord, bytes: number): CheckpointRecord {
  for (const a of r.agents) if (a.role === 'test') a.memoryBytes = { value: bytes };
  return r;
}

describe('checkpoint comparison rows come from the metric registry', () => {
  it('each row about a registry metric has its unit, better direction and noise floor', () => {
    const rows = Object.fromEntries(comparedMetrics(plan).map((m) => [m.key, m]));
    expect(rows.latency_p99_ms).toMatchObject({ unit: 'ms', better: 'lower', absMin: plan.nats.probe.minLatencyDifferenceMs });
    expect(rows.latency_p99_ms.absMin).toBe(noiseFloor('probe.p99_ms', plan));
    expect(rows.agent_ref_pct).toMatchObject({ unit: 'pct', better: metricFacts('nats.agent_ref_pct').better, absMin: 0.5 });
    expect(rows.load1_max).toMatchObject({ unit: 'load', better: 'lower', absMin: 0.2 });
    expect(rows.memory_bytes).toMatchObject({ unit: 'bytes', better: 'lower', absMin: comparedQuantity('compare.memory_overhead_pct').noiseFloor });
    expect(rows.cpu_pct).toMatchObject({ unit: 'pct', better: 'lower', absMin: 1 });
  });
  it('without a plan, the latency floor is the schema default (5 ms)', () => {
    expect(comparedMetrics(null).find((m) => m.key === 'latency_p50_ms')!.absMin).toBe(5);
  });
  it('memory per instance: the judge\'s 10 MiB floor, not the report\'s former 16 MiB — a 12 MiB (12 %) rise counts', () => {
    const a = withTestMemory(makeRecord(plan, 'T+1h'), 100 * MiB);
    const b = withTestMemory(makeRecord(plan, 'T+6h'), 112 * MiB);
    const line = compareCheckpoints([a, b], plan).lines.find((l) => l.key === 'memory_bytes')!;
    expect(line.delta).toBe(12 * MiB);
    expect(line.direction).toBe('degrading');
    const c = withTestMemory(makeRecord(plan, 'T+6h'), 109 * MiB);
    expect(compareCheckpoints([a, c], plan).lines.find((l) => l.key === 'memory_bytes')!.direction).toBe('stable');
  });
});

describe('test vs control: the judge\'s comparison is the only one', () => {
  it('a record without the judge\'s comparison shows no rows and says so (no z-test of the report\'s own)', () => {
    const r = makeRecord(plan, 'T+6h', { errors: 400 });
    expect(r.comparison).toBeNull();
    const cmp = comparisonOf(r);
    expect(cmp.rows).toEqual([]);
    expect(cmp.note).toMatch(/no test-vs-control comparison recorded by the judge/);
    expect(renderComparisonJson(r)).toMatchObject({ source: 'none' });
  });
  it('the judge\'s comparison is passed through as recorded', () => {
    const r = makeRecord(plan, 'T+6h');
    r.comparison = { rows: [{ metric: 'memory_bytes', test: { value: 1 }, control: { value: 1 }, deltaPct: { value: 0 }, significant: false, method: 'x', pValue: 0.5 }], note: 'judge' };
    expect(comparisonOf(r)).toBe(r.comparison);
  });
  it('each row is formatted in its registry metric\'s unit', () => {
    expect(comparisonRowFormat('latency_p50_ms')).toBe('ms');
    expect(comparisonRowFormat('memory_bytes')).toBe('bytes');
    expect(comparisonRowFormat('cpu_pct')).toBe('pct');
    expect(comparisonRowFormat('error_rate_pct')).toBe('pct');
    expect(comparisonRowFormat('uptime_pct')).toBe('pct');
  });
});

describe('the hourly trend\'s hour-against-hour rows use the registry too', () => {
  const hourOf = (startHour: number, memoryMiB: number) =>
    [0, 1, 2].map((i) => ({
      at: new Date(Date.parse('2026-01-23T12:00:00Z') + startHour * 3_600_000 + i * 1_200_000).toISOString(),
      windowMs: 1_200_000,
      agents: [{ agent: 'a', host: 'h', role: 'test' as const, active: true, memoryBytes: memoryMiB * MiB, cpuPct: 1, errors: 0, messages: 100, restarts: 0 }],
      probes: [],
      hosts: [],
      natsReachable: true,
    }));
  it('memory per instance: a 12 MiB (12 %) rise over the hour counts (the judge\'s 10 MiB floor, not 16 MiB)', () => {
    const text = renderHourly({ wave: 'w', title: 't' }, 2, 'a', 'b', hourOf(1, 112), hourOf(0, 100));
    expect(text).toMatch(/memory per instance \(mean\)\s+100\.0 MiB\s+112\.0 MiB\s+degrading/);
    expect(renderHourly({ wave: 'w', title: 't' }, 2, 'a', 'b', hourOf(1, 109), hourOf(0, 100))).toMatch(/memory per instance \(mean\).*stable/);
  });
});

// The judge's lessons and wave analysis on crafted data (report/lessons.ts only words them).
import { waveLessons, type LessonsInput } from '../../src/judge/lessons';
import { NOT_JUDGED, waveCriteria } from '../../src/judge/wave-analysis';
import { nextWaveLabel } from '../../src/plan/next-wave';
import type { JudgedCriterion } from '../../src/judge/verdict';
import { plan } from './fixtures';

const c = (id: string, outcome: JudgedCriterion['outcome'], value: number | null, primary = true, op = '<', threshold = 100): JudgedCriterion => ({
  id, title: id, metric: 'probe.p50_ms', op, threshold, window: 'checkpoint', outcome, value, samples: value === null ? 0 : 10, primary,
});
const quiet: LessonsInput = { primary: [], secondary: [], degrading: [], memory: [], waveHours: 24, alerts: [], control: null, gaps: [], missingCheckpoints: [], skippedTicks: 0 };

describe('waveLessons', () => {
  test('held, tight margin, not met, not judgeable, waived, in order', () => {
    const kinds = waveLessons({ ...quiet, primary: [c('a', 'pass', 10), c('b', 'pass', 90), c('d', 'fail', 150), c('e', 'error', null), c('f', 'waived', 120)], secondary: [c('s', 'pass', 1, false)] }).map((l) => l.kind);
    expect(kinds).toEqual(['held', 'held', 'tight-margin', 'not-met', 'not-judgeable', 'waived', 'held-secondary', 'no-alerts']);
  });

  test('a quiet wave with nothing judged: no change needed, nothing held but the absence of alerts', () => {
    expect(waveLessons(quiet).map((l) => l.kind)).toEqual(['no-alerts', 'no-change']);
    expect(waveLessons({ ...quiet, alerts: [{ rule: 'r', title: 't', scope: 'x' }, { rule: 'r', title: 't', scope: 'y' }] })).toEqual([
      { kind: 'alert-repeated', rule: 'r', title: 't', count: 2, scopes: ['x', 'y'] },
      { kind: 'nothing-held' },
    ]);
  });

  test('steady memory growth of an agent under test; worse than control; gaps only with a checkpoint', () => {
    const grow = { key: 'a@h', agent: 'a', memorySlopePerHour: 10 * 1024 ** 2, memoryR2: 0.95, points: [{ memoryBytes: 100 * 1024 ** 2 }] };
    const ls = waveLessons({
      ...quiet,
      memory: [{ ...grow, role: 'test' }, { ...grow, key: 'c@h', role: 'control' }],
      control: [{ metric: 'latency_p99_ms', significant: true, deltaPct: 40 }, { metric: 'uptime_pct', significant: true, deltaPct: 5 }],
      gaps: ['T+6h: host down'],
    });
    expect(ls.filter((l) => l.kind !== 'no-alerts')).toEqual([
      { kind: 'memory-growth', instance: 'a@h', agent: 'a', slopePerHour: 10 * 1024 ** 2, r2: 0.95, growthPct: 240 },
      { kind: 'worse-than-control', metric: 'latency_p99_ms', deltaPct: 40 },
      { kind: 'data-gaps', gaps: ['T+6h: host down'] },
    ]);
    expect(waveLessons({ ...quiet, gaps: ['T+6h: host down'] }).some((l) => l.kind === 'data-gaps')).toBe(false);
  });
});

describe('wave analysis', () => {
  test('the next wave is named once, from the plan', () => {
    expect(nextWaveLabel(plan)).toBe('Wave 3');
    expect(nextWaveLabel({ wave: { ...plan.wave, title: 'Rollout', name: 'rollout' } })).toBe('the next wave');
  });

  test('criteria: the wave results when there are some, else the latest checkpoint result, else not judged yet', () => {
    const primary = plan.criteria.filter((x) => x.primary);
    const first = primary[0];
    const interim = waveCriteria({ plan, wave: { criteria: [] }, checkpoints: [{ checkpoint: 'T+6h', criteria: [{ ...c(first.id, 'pass', 1), primary: true }] }] });
    expect(interim.interim).toBe(true);
    expect(interim.criteria.map((x) => x.id)).toEqual(primary.map((x) => x.id));
    expect(interim.criteria[0]).toMatchObject({ outcome: 'pass', note: 'interim: judged at T+6h' });
    expect(interim.criteria[1]).toMatchObject({ outcome: 'inconclusive', note: NOT_JUDGED });
    const final = waveCriteria({ plan, wave: { criteria: [c('x', 'fail', 1), c('y', 'pass', 1, false)] }, checkpoints: [] });
    expect(final).toEqual({ criteria: [c('x', 'fail', 1)], interim: false });
  });
});

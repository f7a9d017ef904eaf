// The checkpoint headline comes from the judge alone: a criterion's value where one judged the metric,
// else the judge's measurement over the checkpoint window, else the judge's reason for having none.
// (Before, a report-side rollup of the record's instances filled the gaps with its own numbers.)
import { HEADLINE_METRICS, judgeHeadline } from '../../src/judge/headline';
import type { RuleResult } from '../../src/judge/rules';
import { toHeadline } from '../../src/observe/headline';

const crit = (metric: string, value: number | null, window = 'checkpoint', note?: string): RuleResult => ({
  id: metric, title: metric, metric, op: '<', threshold: 1, window, outcome: value === null ? 'inconclusive' : 'pass', value, samples: value === null ? 0 : 10, ...(note ? { note } : {}),
});

describe('judgeHeadline', () => {
  test('a criterion value first, then the checkpoint measurement, then the reason', () => {
    const h = judgeHeadline(
      [crit('errors.rate_pct', 0.02, 'wave'), crit('nats.dual_publish_pct', null, 'wave', 'not sampled at this checkpoint')],
      { checkpoint: { 'errors.rate_pct': { value: 5, samples: 3 }, 'agents.uptime_pct': { value: 99.5, samples: 6 }, 'probe.p50_ms': { value: null, samples: 0, error: 'host dgx-2 unreachable' } } },
    );
    expect(h.errorRatePct).toEqual({ value: 0.02, samples: 10, window: 'wave' });
    expect(h.uptimePct).toEqual({ value: 99.5, samples: 6, window: 'checkpoint' });
    expect(h.latencyP50Ms).toEqual({ value: null, samples: 0, window: 'checkpoint', note: 'host dgx-2 unreachable' });
    expect(h.dualPublishPct).toMatchObject({ value: null, note: 'not sampled at this checkpoint' });
    expect(h.agentRefPct).toMatchObject({ value: null, note: 'not measured at this checkpoint' });
    expect(Object.keys(h).sort()).toEqual(Object.keys(HEADLINE_METRICS).sort());
  });

  test('as the record reads it: a wave-window value says so; a missing value gives the reason', () => {
    const r = toHeadline(judgeHeadline([crit('errors.rate_pct', 0.02, 'wave')], {}));
    expect(r.errorRatePct).toEqual({ value: 0.02, samples: 10, reason: 'over the wave so far' });
    expect(r.uptimePct).toEqual({ value: null, samples: 0, reason: 'not measured at this checkpoint' });
  });
});

// The judge's analysis at a checkpoint (what becomes the reports' findings), on crafted histories:
// a healthy wave has none; a restart inside the window, a leak and a latency shift are found.
import { analyseCheckpoint } from '../../src/judge/checkpoint-analysis';
import { isCheckpoint } from '../../src/judge/observations';
import { toFindings } from '../../src/observe/findings';
import { CASES } from './breaches';
import { HOUR, START, ctx, healthyHistory } from './fixtures';

const upTo = (offset: number, mutate?: (h: ReturnType<typeof healthyHistory>) => void) => {
  const h = healthyHistory(offset);
  mutate?.(h);
  return h;
};

describe('analyseCheckpoint', () => {
  test('no checkpoint in the history: no analysis', () => {
    expect(analyseCheckpoint(ctx, upTo(HOUR).filter((o) => !isCheckpoint(o)))).toBeNull();
  });

  test('a healthy wave: nothing to report', () => {
    const a = analyseCheckpoint(ctx, upTo(6 * HOUR))!;
    expect(a.restarts).toEqual([]);
    expect(a.anomalies).toEqual([]);
    expect(toFindings(a)).toEqual([]);
  });

  test('a restart inside the checkpoint window is a critical finding on its instance', () => {
    const a = analyseCheckpoint(ctx, upTo(6 * HOUR, CASES['agents-stable'].fail))!;
    expect(a.restarts.map((e) => `${e.agent}@${e.host}`)).toEqual(['network-expert@dgx-2']);
    expect(a.restarts[0].seenAt).toBeGreaterThan(START + HOUR);
    expect(toFindings(a)).toEqual([expect.objectContaining({ kind: 'restart', severity: 'critical', scope: 'network-expert@dgx-2' })]);
  });

  test('a restart before the previous checkpoint is not repeated at the next', () => {
    const h = upTo(12 * HOUR, CASES['agents-stable'].fail);
    expect(analyseCheckpoint(ctx, h)!.restarts).toEqual([]);
  });

  test('a leak over the wave so far is a critical finding', () => {
    const a = analyseCheckpoint(ctx, upTo(12 * HOUR, CASES['no-leaks'].fail))!;
    expect(toFindings(a).filter((f) => f.kind === 'leak').length).toBeGreaterThan(0);
  });

  test('latency slower than at the previous checkpoint with a probe is a degradation finding', () => {
    const slower = (h: ReturnType<typeof healthyHistory>) => {
      const cp = h.find((o) => isCheckpoint(o) && o.name === 'T+12h')!;
      for (const p of cp.probes) p.latenciesMs = (p.latenciesMs ?? []).map((x) => x * 1.5 + 10);
    };
    const a = analyseCheckpoint(ctx, upTo(12 * HOUR, slower))!;
    expect(a.latency.map((l) => [l.from, l.to, l.significant])).toEqual(a.latency.map(() => ['T+6h', 'T+12h', true]));
    expect(toFindings(a).filter((f) => f.kind === 'degradation').map((f) => f.scope).sort()).toEqual(ctx.plan.agents.underTest.map((x) => x.name).sort());
  });
});

// A host whose clock is off: its ActiveEnterTimestamp is on its own clock, monitoring start and sample
// times on the worker's. With the offset measured in the same command, a unit started just before
// monitoring is not a restart on a host ahead, and a real restart is not hidden on a host behind.
import { measure } from '../../src/judge/measure';
import { TEST_SCOPE } from '../../src/judge/measure/context';
import type { AgentSample, Observation } from '../../src/judge/observations';
import { ctx, healthyHistory, HOUR, MIN, START, testAgents } from './fixtures';

const HOST = 'dgx-2';
const AGENT = testAgents[0];

/**
 * A healthy 3 h wave where HOST's clock is `offsetMs` ahead (negative: behind) and the agent was
 * started at `startedAt` (true time); `measured` says whether the samples carry the offset. The
 * baseline reads no host, as in a real wave: the first tick is the instance's first known sample.
 */
function wave(offsetMs: number, startedAt: number, measured: boolean, edit?: (s: AgentSample, at: number) => void): Observation[] {
  const h = healthyHistory(3 * HOUR);
  h[0].agents = [];
  for (const o of h)
    for (const s of o.agents) {
      if (s.host !== HOST || s.agent !== AGENT) continue;
      s.activeEnterTimestamp = startedAt;
      edit?.(s, o.at);
      // what the host prints: its own clock
      s.activeEnterTimestamp = s.activeEnterTimestamp === null ? null : s.activeEnterTimestamp + offsetMs;
      if (s.activeExitTimestamp) s.activeExitTimestamp += offsetMs;
      if (measured) s.hostClock = { offsetMs: offsetMs + ((o.at / 1000) % 7) - 3, errorMs: 40 }; // a few ms of measurement jitter
    }
  return h;
}

const restartsOf = (h: Observation[]) => measure(ctx, h, 'wave', TEST_SCOPE, ['agents.restarts', 'agents.uptime_pct']);

describe('restarts on a host whose clock is off', () => {
  test('a host 5 minutes ahead: a unit started 30 s before monitoring is no restart', () => {
    const m = restartsOf(wave(5 * MIN, START - 30_000, true));
    expect(m['agents.restarts']).toMatchObject({ value: 0 });
    expect(m['agents.uptime_pct']!.value).toBe(100);
  });

  test('the same host without a clock reading (an older observation) is read with the 60 s tolerance', () => {
    // what this test guards against: the host's clock compared with the worker's as is
    expect(restartsOf(wave(5 * MIN, START - 30_000, false))['agents.restarts']!.value).toBe(1);
    // within the tolerance nothing changes for observations without the reading
    expect(restartsOf(wave(30_000, START - 30_000, false))['agents.restarts']!.value).toBe(0);
  });

  test('a real restart on the host 5 minutes ahead is still counted, with its downtime on the worker clock', () => {
    const restartAt = START + 2 * HOUR + 2 * MIN;
    const h = wave(5 * MIN, START - 30_000, true, (s, at) => {
      if (at < restartAt) return;
      s.nRestarts = 1;
      s.activeEnterTimestamp = restartAt;
      s.activeExitTimestamp = restartAt - 20_000;
    });
    const m = restartsOf(h);
    expect(m['agents.restarts']).toMatchObject({ value: 1 });
    expect(m['agents.restarts']!.note).toMatch(/NRestarts 0 → 1/);
    // 20 s with an instance down out of 3 h (its exit and start on the worker clock, not 5 min later)
    expect(m['agents.uptime_pct']!.value!).toBeCloseTo(100 * (1 - 20 / (3 * 3600)), 4);
  });

  test('a host 5 minutes behind: a restart 2 minutes after monitoring start, before the first tick, is counted', () => {
    const m = restartsOf(wave(-5 * MIN, START + 2 * MIN, true, (s) => (s.activeExitTimestamp = START + 2 * MIN - 10_000)));
    expect(m['agents.restarts']).toMatchObject({ value: 1 });
    expect(m['agents.restarts']!.note).toMatch(/active since 2026-01-23T12:02:00\.\d{3}Z \(host clock 300\.0 s behind, corrected\), after monitoring start/);
    expect(m['agents.uptime_pct']!.value!).toBeCloseTo(100 * (1 - 10 / (3 * 3600)), 4);
    // without the reading the host's clock hides it
    expect(restartsOf(wave(-5 * MIN, START + 2 * MIN, false))['agents.restarts']!.value).toBe(0);
  });
});

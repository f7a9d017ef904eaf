// The demo's live progress on crafted status objects: each change printed once (checkpoint verdicts
// with what did not pass, alerts firing and resolving, hold, rollback steps, the end), the bar to the
// next checkpoint in plan time, and the output folders of a run. A checkpoint verdict carries the
// reports' and emails' mark (report/format VERDICT_MARK; the demo had its own ✔ ! ✖ before).
import { join } from 'node:path';
import { loadPlan } from '../../src/plan/load';
import { DemoProgress } from '../../src/cli/demo/progress';
import { demoOutputs } from '../../src/cli/demo/outcome';
import type { WaveStatus } from '../../src/model/status';
import { firstStatus, iso } from '../../src/workflows/wave-input';

const PLAN = loadPlan(join(__dirname, '../../plans/local.yaml')); // checkpoints at 1, 6, 12 and 24 h
const START = Date.UTC(2025, 0, 1);
const SCALE = 720; // 1 h of plan time = 5 s

/** A wave of plans/local.yaml as the workflow starts it (firstStatus), T+1h next, then `change`. */
function status(change: (s: WaveStatus) => void = () => undefined): WaveStatus {
  const s: WaveStatus = { ...firstStatus({ plan: PLAN, waveId: 'w', startAtMs: START, timeScale: SCALE, policy: 'auto' }), nextCheckpoint: { name: 'T+1h', dueAt: iso(START + 5000) } };
  change(s);
  return s;
}

const rule = (id: string, outcome: string, value: number | null, note?: string) => ({ id, title: id, metric: 'm', op: '<', threshold: 1, window: 'checkpoint', outcome, value, samples: 1, ...(note ? { note } : {}) }) as never;

test('the bar runs from the last checkpoint to the next one, in plan time', () => {
  const p = new DemoProgress(SCALE);
  expect(p.bar(status(), START + 2500)).toBe('T+30m [████████████░░░░░░░░░░░░] T+1h in 3 s · ticks 0 · 0 alerts firing · monitoring');
  expect(p.bar(status(), START + 6000)).toBe('T+1h12m [████████████████████████] T+1h collecting… · ticks 0 · 0 alerts firing · monitoring');
  const after = status((s) => {
    s.checkpoints[0].ranAt = iso(START + 6000);
    s.checkpoints[0].verdict = 'PASS';
    s.nextCheckpoint = { name: 'T+6h', dueAt: iso(START + 30_000) };
    s.interim.ticks = 14;
    s.interim.skippedTicks = 3;
    s.alerts = [{ id: 'a', rule: 'r', severity: 'warning', scope: 'test', state: 'firing', firstFiredAt: iso(START), lastFiredAt: iso(START), metric: 'agents.inactive', op: '>', threshold: 0, value: 1, message: 'm' }];
  });
  expect(p.bar(after, START + 17_500)).toBe('T+3h30m [████████████░░░░░░░░░░░░] T+6h in 13 s · ticks 14 (3 skipped) · 1 alert firing · monitoring');
});

test('each change is printed once, in a readable order', () => {
  const p = new DemoProgress(SCALE);
  expect(p.changes(status(), START)).toEqual([]);
  const cp = status((s) => {
    s.checkpoints[0] = { ...s.checkpoints[0], ranAt: iso(START + 6000), verdict: 'WARNING', criteria: [rule('zero-errors', 'pass', 0), rule('cpu-overhead', 'inconclusive', null, 'too few samples')] };
  });
  expect(p.changes(cp, START + 7000)).toEqual(['⚠️ checkpoint T+1h: WARNING (1 pass, 1 inconclusive)', '    inconclusive cpu-overhead: no data — too few samples']);
  expect(p.changes(cp, START + 7500)).toEqual([]);

  const firing = status((s) => {
    s.checkpoints = cp.checkpoints;
    s.alerts = [{ id: 'a1', rule: 'agent-crash', severity: 'critical', scope: 'test', state: 'firing', firstFiredAt: iso(START + 15_000), lastFiredAt: iso(START + 15_000), metric: 'agents.crashes', op: '>', threshold: 0, value: 1, message: 'Agent crashes: 1' }];
    s.phase = 'rolling-back';
    s.rollback = {
      requested: true,
      trigger: { kind: 'criterion', by: 'wavewatch', reason: 'Agent crashes', criterion: 'rollback-agent-crash' },
      executed: true,
      startedAt: iso(START + 16_000),
      finishedAt: null,
      ok: null,
      steps: [
        { name: 'stop', state: 'done', targets: [{ target: 'dgx-1/tdd-expert', outcome: 'done', exitCode: 0 }] },
        { name: 'disable', state: 'pending', targets: [] },
      ],
      verification: null,
    };
  });
  expect(p.changes(firing, START + 16_500)).toEqual([
    '🚨 T+3h  alert critical: Agent crashes: 1 [test]',
    '↩ rollback requested (criterion rollback-agent-crash: Agent crashes)',
    '↩ T+3h12m  rollback procedure running',
    '    step stop: done (dgx-1/tdd-expert done)',
    'T+3h18m  phase rolling-back',
  ]);
  const done = status((s) => {
    s.checkpoints = cp.checkpoints;
    s.alerts = [{ ...firing.alerts[0], state: 'resolved', resolvedAt: iso(START + 20_000) }];
    s.rollback = { ...firing.rollback, finishedAt: iso(START + 19_000), ok: true, steps: [firing.rollback.steps[0], { name: 'disable', state: 'done', targets: [] }], verification: '0/6 active' };
    s.phase = 'completed';
    s.verdict = 'NO-GO';
  });
  expect(p.changes(done, START + 21_000)).toEqual([
    '  T+4h  resolved: Agent crashes: 1 [test]',
    '    step disable: done',
    '↩ rollback done — 0/6 active',
    'T+4h12m  phase completed, verdict NO-GO',
  ]);
  expect(p.changes(done, START + 22_000)).toEqual([]);
});

test('output that is not a terminal gets a progress line every other plan hour', () => {
  const p = new DemoProgress(SCALE);
  const lines = [0, 2000, 9000, 10_000, 14_000, 20_000].map((ms) => p.periodic(status(), START + ms));
  expect(lines.map((l) => l?.split(' ')[0] ?? null)).toEqual(['T+0s', null, null, 'T+2h', null, 'T+4h']);
});

test("a run's outputs: the plan's paths under the run folder", () => {
  expect(demoOutputs(PLAN, '/s/out/w1')).toEqual({
    dir: '/s/out/w1/monitoring/checkpoints/wave2-local',
    alertLog: '/s/out/w1/monitoring/alerts/wave2-local.log',
    decisionDoc: '/s/out/w1/doc/deployment/SPRINT_5_3_WAVE_2_LOCAL_DECISION.md',
    reportDoc: '/s/out/w1/doc/deployment/SPRINT_5_3_WAVE_2_LOCAL_REPORT.md',
  });
  expect(demoOutputs({ ...PLAN, output: { ...PLAN.output, dir: '/var/wave' } }, '/s/out/w1').dir).toBe('/s/out/w1/var/wave');
});

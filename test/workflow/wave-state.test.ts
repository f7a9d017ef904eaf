// WaveState (src/workflows/wave-state.ts, with the parts it composes: w.rollback, wave-rollback.ts;
// w.alerts, wave-alerts.ts) and nextStep (next-step.ts) alone, without Temporal: every change of a
// wave's state on crafted results and requests, with the times passed in.
import type { CheckpointResult, JudgeWaveResult, TickResult } from '../../src/activities/types';
import { firedTrigger as trigger } from '../helpers/triggers';
import { ALERT_LOG_RULE } from '../../src/judge/alert-log-rule';
import type { Plan } from '../../src/plan/schema';
import { nextStep } from '../../src/workflows/next-step';
import { WaveState, type WaveInput } from '../../src/workflows/wave-state';
import { localPlan, tempDir } from '../helpers/wave-env';

const T0 = Date.parse('2026-12-03T10:00:00Z');
const MIN = 60_000;
const HOUR = 3_600_000;
const basePlan = localPlan(tempDir('wave-state'));

function wave(o: Partial<WaveInput> = {}, change: (p: Plan) => void = () => undefined): WaveState {
  const plan: Plan = JSON.parse(JSON.stringify(basePlan));
  change(plan);
  return new WaveState({ plan, waveId: 'w1', startAtMs: T0, timeScale: 1, policy: 'auto', ...o });
}

function tick(over: Partial<TickResult> = {}): TickResult {
  return { at: T0, durationMs: 1, agentsTotal: 6, agentsActive: 6, hostsUnreachable: [], natsReachable: true, problems: [], problemsOmitted: 0, evaluations: [], rollback: [], note: null, ...over };
}

function checkpoint(index: number, over: Partial<CheckpointResult> = {}): CheckpointResult {
  const name = basePlan.checkpoints[index].name;
  return { name, folder: name, artifactsDir: `/out/checkpoints/${name}`, ranAtMs: T0 + basePlan.checkpoints[index].at, verdict: 'PASS', verdictReason: 'all pass', criteria: [], rollback: [], problems: [], ...over };
}

const firing = { rule: 'load-warning', scope: 'fleet', status: 'firing' as const, severity: 'warning' as const, title: 'load', metric: 'system.load1', op: '>', threshold: 2, value: 3 };
const lastAction = (w: WaveState) => w.status.operatorActions[w.status.operatorActions.length - 1];

describe('a new wave', () => {
  test('monitors, with checkpoints due from the start, the first tick one interval in, nothing run', () => {
    const w = wave({ timeScale: 60 });
    expect(w.status.phase).toBe('monitoring');
    expect(w.status.checkpoints.map((c) => c.dueAt)).toEqual(basePlan.checkpoints.map((c) => new Date(T0 + c.at / 60).toISOString()));
    expect(w.status.nextCheckpoint).toEqual({ name: 'T+1h', dueAt: new Date(T0 + MIN).toISOString() });
    expect(w.nextTickAtMs).toBe(T0 + (5 * MIN) / 60);
    expect(w.status.runs).toBe(1);
    expect(w.finished).toBe(false);
  });

  test('numbers its collections in the order asked for', () => {
    const w = wave();
    expect([w.nextSeq(), w.nextSeq(), w.seq]).toEqual([1, 2, 2]);
  });

  test('carry() and a continued run: the same state, one run more, the mail still on its way', () => {
    const w = wave();
    w.signalled(T0, 'pause', { reason: 'r' });
    w.extend(T0, { duration: '2h', reason: 'r' });
    w.nextSeq();
    const mail = [{ key: 'final', what: 'final email', kind: 'final' as const, args: {} }];
    const next = new WaveState({ ...w.input, carried: JSON.parse(JSON.stringify(w.carry(mail))) });
    expect(next.status).toEqual({ ...w.status, runs: 2 });
    expect([next.extendMs, next.seq, next.nextTickAtMs, next.carriedMail]).toEqual([w.extendMs, 1, w.nextTickAtMs, mail]);
  });
});

describe('signals', () => {
  test('abort: recorded with who and why; wakes the loop; the next step ends the wave', () => {
    const w = wave();
    w.beginTurn();
    w.signalled(T0, 'abort', { reason: 'pulled', by: 'alice' });
    expect(w.wake).toBe(true);
    expect(lastAction(w)).toEqual(expect.objectContaining({ kind: 'abort', by: 'alice', reason: 'pulled', accepted: true }));
    expect(nextStep(w, T0)).toEqual({ kind: 'abort' });
  });

  test('a malformed signal is recorded as not accepted and changes nothing', () => {
    const w = wave();
    w.beginTurn();
    w.signalled(T0, 'abort', { because: 'typo' } as never);
    expect(w.abort).toBeNull();
    expect(w.wake).toBe(false);
    expect(lastAction(w)).toEqual(expect.objectContaining({ kind: 'abort', accepted: false, note: expect.stringMatching(/unknown field\(s\): because/) }));
  });

  test('a signal after the end is refused: the wave has ended', () => {
    const w = wave();
    w.finish('GO');
    w.signalled(T0, 'pause', { reason: 'late' });
    expect(w.status.paused).toBe(false);
    expect(lastAction(w).note).toMatch(/the wave has ended \(completed, verdict GO\)/);
  });

  test('pause suppresses an automatic rollback (noted once); resume lets the next one act', () => {
    const w = wave();
    w.signalled(T0, 'pause', { reason: 'maintenance' });
    expect(w.status.paused).toBe(true);
    w.tickDone(T0, tick({ rollback: [trigger('rollback')] }));
    w.tickDone(T0, tick({ rollback: [trigger('rollback')] }));
    expect(w.status.rollback.requested).toBe(false);
    expect(w.status.operatorActions.filter((a) => a.kind === 'automation')).toHaveLength(1);
    expect(w.rollback.fired.map((r) => r.id)).toEqual(['rollback-agent-down']);
    w.signalled(T0, 'resume', { reason: 'done' });
    w.tickDone(T0, tick({ rollback: [trigger('rollback')] }));
    expect(w.status.rollback.trigger).toEqual(expect.objectContaining({ kind: 'criterion', criterion: 'rollback-agent-down' }));
  });

  test('resume dismisses a hold a human may end, not the final one', () => {
    const w = wave();
    w.tickDone(T0, tick({ rollback: [trigger('hold')] }));
    expect(w.status.phase).toBe('holding');
    w.signalled(T0, 'resume', { reason: 'restarted by hand' });
    expect([w.status.phase, w.status.hold]).toEqual(['monitoring', null]);
    expect(lastAction(w).note).toBe('hold dismissed: monitoring continues');

    const f = wave();
    for (let i = 0; i < 4; i++) f.checkpointDone(T0, i, checkpoint(i));
    f.waveJudged(T0, { decision: 'held-for-human', reasons: [], held: ['publish-time'], criteria: [] });
    f.signalled(T0, 'resume', { reason: 'r' });
    expect(f.status.phase).toBe('holding');
  });

  test('requestRollback: the first request wins, a repeat changes nothing and says so', () => {
    const w = wave();
    w.signalled(T0, 'requestRollback', { reason: 'p99', by: 'bob' });
    w.signalled(T0, 'requestRollback', { reason: 'again', by: 'dave' });
    expect(w.status.rollback.trigger).toEqual({ kind: 'operator', by: 'bob', reason: 'p99' });
    expect(w.status.rollback.steps.map((s) => s.state)).toEqual(basePlan.rollback.steps.map(() => 'pending'));
    expect(lastAction(w).note).toBe('rollback already requested: nothing changes');
    expect(nextStep(w, T0)).toEqual({ kind: 'rollback' });
  });
});

describe('updates', () => {
  test('refusal: the form first (shared with the CLI), then what the wave allows', () => {
    const w = wave();
    expect(w.refusal('rollback', 'now please')).toMatch(/takes one JSON object/);
    expect(w.refusal('waiveCriterion', { criterion: 'nope', reason: 'r' })).toMatch(/unknown criterion "nope" \(expected one of the plan's criteria or rollback criteria\)/);
    expect(w.refusal('waiveCriterion', { criterion: 'zero-errors', reason: 'r' })).toBeNull();
    expect(w.refusal('waiveCriterion', { criterion: 'rollback-agent-down', reason: 'r' })).toBeNull(); // the judge honours it
    expect(w.refusal('acknowledgeAlert', { alertId: 'nope' })).toBe('unknown alert "nope"');
    expect(w.refusal('collectNow', { reason: 'r' })).toBeNull();
    w.finish('ABORTED');
    expect(w.refusal('collectNow', { reason: 'r' })).toBe('the wave has ended (aborted, verdict ABORTED)');
  });

  test('extend moves the final checkpoint and the end, at most 7 days in all, not after the final checkpoint ran', () => {
    const w = wave({ timeScale: 100 });
    const end = Date.parse(w.status.endsAt);
    expect(w.extend(T0, { duration: '2h', reason: 'weekend', by: 'erin' })).toEqual({ finalCheckpointDueAt: new Date(end + (2 * HOUR) / 100).toISOString() });
    expect(w.status.checkpoints[3].dueAt).toBe(w.status.endsAt);
    expect(lastAction(w)).toEqual(expect.objectContaining({ kind: 'extendWave', by: 'erin' }));
    expect(w.refusal('extendWave', { duration: '6d', reason: 'r' })).toBeNull();
    w.extend(T0, { duration: '6d', reason: 'r' });
    expect(w.refusal('extendWave', { duration: '1d', reason: 'r' })).toMatch(/extended by at most 7 days in all; this request would make it 170 h/);
    for (let i = 0; i < 4; i++) w.checkpointDone(T0, i, checkpoint(i));
    expect(w.refusal('extendWave', { duration: '1h', reason: 'r' })).toBe('the final checkpoint has already run');
  });

  test('collectNow: manual-N folders, counted across runs', () => {
    const w = wave();
    expect([w.manualCollection(T0, { reason: 'a' }), w.manualCollection(T0, { reason: 'b' })]).toEqual(['manual-1', 'manual-2']);
    expect(lastAction(w)).toEqual(expect.objectContaining({ kind: 'collectNow', note: 'collection manual-2' }));
  });

  test('waiveCriterion replaces an earlier waiver and applies to the results so far (a pass stays a pass, a waived result keeps its waiver)', () => {
    const w = wave();
    const failed = { id: 'zero-errors', title: 'Zero errors', metric: 'errors.count', op: '==', threshold: 0, window: 'checkpoint', outcome: 'fail' as const, value: 3, samples: 1 };
    w.checkpointDone(T0, 0, checkpoint(0, { criteria: [failed, { ...failed, id: 'load-nominal', outcome: 'pass' }] }));
    w.waiveCriterion(T0, { criterion: 'zero-errors', reason: 'first', by: 'x' });
    expect(w.waiveCriterion(T0, { criterion: 'zero-errors', reason: 'known flake', by: 'erin' })).toEqual({ criterion: 'zero-errors', outcomeBefore: 'waived' });
    expect(w.status.waivers).toEqual([expect.objectContaining({ criterion: 'zero-errors', reason: 'known flake', by: 'erin' })]);
    // the judge's rule (applyWaivers): a result already waived keeps the waiver it was waived by
    expect(w.status.checkpoints[0].criteria[0]).toEqual(expect.objectContaining({ outcome: 'waived', waiver: { reason: 'first', by: 'x' } }));
    expect(w.status.checkpoints[0].criteria[1].outcome).toBe('pass');
  });

  test('acknowledgeAlert: the alert acknowledged by whom, logged, recorded; a resolved alert is refused', () => {
    const w = wave();
    w.tickDone(T0, tick({ evaluations: [firing] }));
    const id = w.status.alerts[0].id;
    const step = w.alerts.acknowledged(T0 + 1, { alertId: id, by: 'frank', note: 'known' });
    expect(w.status.alerts[0]).toEqual(expect.objectContaining({ state: 'acknowledged', acknowledgedBy: 'frank' }));
    expect(step.entries).toContainEqual(expect.objectContaining({ alertId: id, event: 'acknowledged', by: 'frank' }));
    expect(lastAction(w)).toEqual(expect.objectContaining({ kind: 'acknowledgeAlert', by: 'frank', reason: 'known', note: id }));
    w.tickDone(T0 + 2, tick({ evaluations: [{ ...firing, status: 'clear' }] }));
    expect(w.refusal('acknowledgeAlert', { alertId: id })).toBe(`alert "${id}" is already resolved`);
  });

  test('the rollback update: started by the first request; its outcome once the rollback ran', () => {
    const w = wave();
    expect(w.rollback.operatorRequest(T0, { reason: 'call', by: 'carol' })).toBe(true);
    expect(w.rollback.operatorRequest(T0, { reason: 'again', by: 'dave' })).toBe(false);
    expect(w.rollback.settled).toBe(false);
    const steps = w.rollback.started(T0);
    for (const i of steps) w.rollback.stepRan(T0, i, { name: `s${i}`, ok: true, targets: [] });
    w.rollback.stepsOver();
    w.rollback.finished(T0, { agentsActive: 0, agentsTotal: 6, note: null });
    expect(w.rollback.settled).toBe(true);
    expect(w.rollback.outcome(true)).toEqual(expect.objectContaining({ executed: true, startedByThisRequest: true, ok: true, message: 'rolled back' }));
  });

  test('the rollback update on a wave aborted before the rollback ran: settled, not executed', () => {
    const w = wave();
    w.rollback.operatorRequest(T0, { reason: 'call' });
    w.finish('ABORTED');
    expect(w.rollback.settled).toBe(true);
    expect(w.rollback.outcome(true)).toEqual(expect.objectContaining({ executed: false, ok: false, message: 'rollback did not run (wave aborted)' }));
  });

  test('operator actions are bounded: the newest 100 kept, the rest counted', () => {
    const w = wave();
    for (let i = 0; i < 130; i++) w.signalled(T0, 'pause', { reason: `r${i}` });
    expect(w.status.operatorActions).toHaveLength(100);
    expect(w.status.operatorActionsDropped).toBe(30);
    expect(w.status.operatorActions[99].reason).toBe('r129');
  });
});

describe('ticks and alerts', () => {
  test('tickDone: the interim view, alerts through the state machine, the pages to send', () => {
    const w = wave();
    const step = w.tickDone(T0 + 5 * MIN, tick({ at: T0 + 5 * MIN, agentsActive: 5, note: 'dgx-1 slow', evaluations: [firing] }));
    expect(w.status.interim).toEqual(expect.objectContaining({ ticks: 1, agentsActive: '5/6', lastTickNote: 'dgx-1 slow', lastTickAt: new Date(T0 + 5 * MIN).toISOString() }));
    expect(w.status.interim.firing).toEqual([expect.objectContaining({ id: 'load-warning', note: 'fleet' })]);
    expect(w.status.alerts).toEqual([expect.objectContaining({ rule: 'load-warning', state: 'firing' })]);
    expect(step.entries.length).toBeGreaterThan(0);
    expect(w.lastTickAtMs).toBe(T0 + 5 * MIN);
  });

  test('a failed tick and a failed baseline are noted', () => {
    const w = wave();
    w.baselineFailed('ssh refused');
    expect(w.status.interim.lastTickNote).toBe('T+0 baseline not collected: ssh refused');
    w.tickFailed('timeout');
    expect(w.status.interim.lastTickNote).toBe('tick failed: timeout');
  });

  test('scheduleNextTick: ticks whose time passed are skipped and counted, never queued', () => {
    const w = wave();
    const first = w.nextTickAtMs;
    w.scheduleNextTick(first + 1);
    expect([w.nextTickAtMs, w.status.interim.skippedTicks]).toEqual([first + 5 * MIN, 0]);
    w.scheduleNextTick(first + 16 * MIN);
    expect([w.nextTickAtMs, w.status.interim.skippedTicks]).toEqual([first + 20 * MIN, 2]);
  });

  test('tickAsked (the watch saw something begin): the next tick is due now and the loop wakes; asks while a tick runs or is due are coalesced, counted, never queued', () => {
    const w = wave();
    w.beginTurn();
    const at = T0 + MIN;
    w.tickAsked(at);
    expect([w.nextTickAtMs, w.wake, w.status.interim.watch]).toEqual([at, true, { ticksAsked: 1, ticksAskedCoalesced: 0, note: null }]);
    expect(nextStep(w, at)).toEqual({ kind: 'tick' });
    w.tickAsked(at + 1); // already due: coalesced
    w.tickRunning = true;
    w.tickAsked(at + 2); // one runs: coalesced
    w.tickRunning = false;
    expect([w.nextTickAtMs, w.status.interim.watch.ticksAsked, w.status.interim.watch.ticksAskedCoalesced]).toEqual([at, 1, 2]);
    // the cadence goes on from the tick asked for
    w.scheduleNextTick(at + 1000);
    expect([w.nextTickAtMs, w.status.interim.skippedTicks]).toEqual([at + 5 * MIN, 0]);
    w.watchStopped('the plan turns the watch off');
    expect(w.status.interim.watch.note).toBe('the plan turns the watch off');
  });

  test('a tick that fires a rollback criterion requests the rollback; observe and page only record it', () => {
    const w = wave();
    w.tickDone(T0, tick({ rollback: [trigger('observe'), trigger('page', 'rollback-error-rate')] }));
    expect(w.status.rollback.requested).toBe(false);
    expect(w.rollback.fired.map((r) => r.id)).toEqual(['rollback-agent-down', 'rollback-error-rate']);
    w.tickDone(T0, tick({ rollback: [trigger('rollback')] }));
    expect(w.status.rollback.trigger).toEqual({ kind: 'criterion', by: 'wavewatch', reason: 'dgx-1/network-expert inactive', criterion: 'rollback-agent-down' });
  });

  test('an alert log that fails: said at once with a critical alert, entries kept for the next write, cleared when written', () => {
    const w = wave();
    const step = w.tickDone(T0, tick({ evaluations: [firing] }));
    const own = w.alerts.logFailed(T0, w.alerts.logBacklog(step.entries), 'alert log /x cannot be written: ENOSPC');
    expect(own?.notifications.length).toBeGreaterThan(0);
    expect(w.status.alerts).toContainEqual(expect.objectContaining({ rule: ALERT_LOG_RULE, severity: 'critical', state: 'firing' }));
    expect(w.status.problems).toEqual([expect.stringMatching(/alert log \/x cannot be written: ENOSPC$/)]);
    const waiting = w.alerts.pendingLog.length;
    expect(waiting).toBeGreaterThan(step.entries.length);
    // a second failure: entries kept, nothing said again
    expect(w.alerts.logFailed(T0, [step.entries[0]], 'still failing')).toBeNull();
    expect([w.alerts.pendingLog.length, w.status.problems.length]).toEqual([waiting + 1, 1]);
    expect(w.alerts.logBacklog([]).length).toBe(waiting + 1);
    w.alerts.logWritten();
    expect([w.alerts.pendingLog, w.alerts.logProblem]).toEqual([[], null]);
    // the next tick clears the alert of the rule
    w.tickDone(T0 + 1, tick());
    expect(w.status.alerts.find((a) => a.rule === ALERT_LOG_RULE)?.state).toBe('resolved');
  });

  test('problem(): the last 20 problems are kept, each with its time', () => {
    const w = wave();
    for (let i = 0; i < 25; i++) w.problem(T0, `p${i}`);
    expect(w.status.problems).toHaveLength(20);
    expect(w.status.problems[19]).toBe(`${new Date(T0).toISOString()} p24`);
  });
});

describe('holds', () => {
  const held = (o: Partial<WaveInput> = {}) => {
    const w = wave(o);
    w.tickDone(T0, tick({ rollback: [trigger('hold')] }));
    return w;
  };

  test('a hold criterion holds for a human until the hold timeout, escalated once', () => {
    const w = held();
    expect(w.status.hold).toEqual({ since: new Date(T0).toISOString(), deadline: new Date(T0 + 30 * MIN).toISOString(), reason: 'dgx-1/network-expert inactive', onTimeout: 'rollback', criterion: 'rollback-agent-down' });
    expect(w.rollback.holdToEscalate()).toBe(w.status.hold);
    expect(w.rollback.holdToEscalate()).toBeNull();
    expect(nextStep(w, T0 + 30 * MIN)).toEqual({ kind: 'hold-timeout' });
  });

  test('timed out with onTimeout rollback: the rollback is requested', () => {
    const w = held();
    expect(w.rollback.holdTimedOut(T0 + 30 * MIN)).toBeNull();
    expect([w.status.phase, w.status.hold]).toEqual(['monitoring', null]);
    expect(w.status.rollback.trigger).toEqual(expect.objectContaining({ kind: 'criterion', reason: 'hold timed out: dgx-1/network-expert inactive', criterion: 'rollback-agent-down' }));
    expect(lastAction(w)).toEqual(expect.objectContaining({ kind: 'hold-timeout', by: 'wavewatch' }));
  });

  test('timed out while paused or under --policy hold: no rollback; the hold stays with a new deadline, to escalate again', () => {
    for (const [o, why] of [[{}, 'automation is paused'], [{ policy: 'hold' as const }, 'the policy is hold']] as const) {
      const w = held(o);
      if (why === 'automation is paused') w.signalled(T0, 'pause', { reason: 'looking' });
      const kept = w.rollback.holdTimedOut(T0 + 30 * MIN);
      expect(kept).toEqual(expect.objectContaining({ since: new Date(T0).toISOString(), deadline: new Date(T0 + 60 * MIN).toISOString() }));
      expect(w.status.hold).toBe(kept);
      expect(w.status.rollback.requested).toBe(false);
      expect(lastAction(w).note).toMatch(new RegExp(`no automatic rollback because ${why}: still holding for a human`));
    }
  });

  test('timed out with onTimeout continue: monitoring goes on', () => {
    const w = wave({}, (p) => (p.monitor.onHoldTimeout = 'continue'));
    w.tickDone(T0, tick({ rollback: [trigger('hold')] }));
    w.rollback.holdTimedOut(T0 + 30 * MIN);
    expect([w.status.phase, w.status.hold, w.status.rollback.requested, w.finished]).toEqual(['monitoring', null, false, false]);
  });
});

describe('checkpoints and the verdict', () => {
  test('checkpointDone: the result recorded, the next checkpoint due, its rollback triggers acted on', () => {
    const w = wave();
    w.checkpointDone(T0 + HOUR, 0, checkpoint(0, { verdict: 'WARNING', rollback: [trigger('rollback', 'rollback-degradation')] }));
    expect(w.status.checkpoints[0]).toEqual(expect.objectContaining({ verdict: 'WARNING', artifactsDir: '/out/checkpoints/T+1h', ranAt: new Date(T0 + HOUR).toISOString() }));
    expect(w.status.artifactsDir).toBe('/out/checkpoints');
    expect(w.status.nextCheckpoint?.name).toBe('T+6h');
    expect(w.status.rollback.trigger?.criterion).toBe('rollback-degradation');
  });

  test('checkpointFailed: a gap recorded as such, never invented: the criteria of the checkpoint in error, as the judge records missing data', () => {
    const w = wave();
    w.waiveCriterion(T0, { criterion: 'zero-errors', reason: 'known', by: 'erin' });
    w.checkpointFailed(T0 + HOUR, 0, 'ssh: connection refused');
    const note = 'collection failed after retries: ssh: connection refused';
    const c = w.status.checkpoints[0];
    expect(c).toEqual(expect.objectContaining({ verdict: 'WARNING', note, ranAt: new Date(T0 + HOUR).toISOString() }));
    expect(c.criteria.map((r) => [r.id, r.outcome])).toEqual(basePlan.criteria.filter((x) => x.checkpoints.includes('T+1h')).map((x) => [x.id, x.id === 'zero-errors' ? 'waived' : 'error']));
    expect(c.criteria.every((r) => r.value === null && r.note?.includes(note))).toBe(true);
    expect(w.nextCheckpointIndex()).toBe(1);
  });

  const judged = (decision: JudgeWaveResult['decision']): JudgeWaveResult => ({ decision, reasons: [], held: decision === 'held-for-human' ? ['publish-time'] : [], criteria: [] });

  test('waveJudged: GO and NO-GO finish the wave; held-for-human holds until a decision, NO-GO at its timeout', () => {
    for (const d of ['GO', 'NO-GO'] as const) {
      const w = wave();
      expect(w.waveJudged(T0, judged(d))).toBe(true);
      expect([w.status.verdict, w.status.phase, w.finished, w.judgement?.decision]).toEqual([d, 'completed', true, d]);
    }
    const w = wave();
    expect(w.waveJudged(T0, judged('held-for-human'))).toBe(true);
    expect(w.status.hold).toEqual(expect.objectContaining({ onTimeout: 'no-go', reason: expect.stringMatching(/^primary criteria without a conclusive result: publish-time/) }));
    w.rollback.holdTimedOut(Date.parse(w.status.hold!.deadline));
    expect([w.status.verdict, w.finished]).toEqual(['NO-GO', true]);
  });

  test('waveJudged: an abort or a rollback that came while judging goes first', () => {
    const w = wave();
    w.signalled(T0, 'requestRollback', { reason: 'r' });
    expect(w.waveJudged(T0, judged('GO'))).toBe(false);
    expect(w.finished).toBe(false);
  });

  test('finish: the verdict, the phase, no hold and no next checkpoint', () => {
    const w = wave();
    w.tickDone(T0, tick({ rollback: [trigger('hold')] }));
    w.finish('ABORTED');
    expect([w.status.verdict, w.status.phase, w.status.hold, w.status.nextCheckpoint]).toEqual(['ABORTED', 'aborted', null, null]);
  });
});

describe('the rollback procedure', () => {
  test('started once, resumes after the last completed step, stops at a failed one', () => {
    const w = wave();
    w.signalled(T0, 'requestRollback', { reason: 'r' });
    expect(w.rollback.started(T0)).toEqual([0, 1]);
    expect(w.status.phase).toBe('rolling-back');
    expect(w.rollback.stepRan(T0 + 1, 0, { name: 'stop', ok: true, targets: [{ target: 'dgx-1/a', outcome: 'done', exitCode: 0 }] })).toBe(true);
    // a continued run resumes after the done step, keeping its start
    expect(w.rollback.started(T0 + 5)).toEqual([1]);
    expect(w.status.rollback.startedAt).toBe(new Date(T0).toISOString());
    expect(w.rollback.stepRan(T0 + 6, 1, { name: 'disable', ok: false, targets: [{ target: 'dgx-2/a', outcome: 'failed', exitCode: 1 }] })).toBe(false);
    w.rollback.stepsOver();
    w.rollback.finished(T0 + 7, { failed: 'ssh down' });
    expect(w.status.rollback).toEqual(expect.objectContaining({ ok: false, verification: 'verification collection failed: ssh down', finishedAt: new Date(T0 + 7).toISOString() }));
    expect(w.rollback.outcome(false).message).toBe('rollback stopped at a failed step');
  });

  test('a step whose activity failed is recorded against every target', () => {
    const w = wave();
    w.signalled(T0, 'requestRollback', { reason: 'r' });
    w.rollback.started(T0);
    w.rollback.stepFailed(0, 'worker lost');
    w.rollback.stepsOver();
    w.rollback.finished(T0, { agentsActive: 6, agentsTotal: 6, note: 'x' });
    expect(w.status.rollback.steps[0]).toEqual(expect.objectContaining({ state: 'failed', targets: [{ target: '*', outcome: 'failed', exitCode: null, message: 'worker lost' }] }));
    expect(w.status.rollback.verification).toBe('after rollback: 6/6 agent units active; x');
  });
});

describe('nextStep: the order of the main loop', () => {
  test('sleeps until the earlier of the next tick and the next checkpoint', () => {
    const w = wave();
    expect(nextStep(w, T0)).toEqual({ kind: 'sleep', untilMs: T0 + 5 * MIN, summary: 'next monitor tick' });
    w.scheduleNextTick(T0 + HOUR - 1);
    expect(nextStep(w, T0 + HOUR - 1)).toEqual({ kind: 'sleep', untilMs: T0 + HOUR, summary: 'T+1h checkpoint' });
  });

  test('a due tick, a due checkpoint; whichever was due longest first', () => {
    const w = wave();
    expect(nextStep(w, T0 + 5 * MIN)).toEqual({ kind: 'tick' });
    // both due: the tick was due first (before the checkpoint)
    w.scheduleNextTick(T0 + HOUR - 2 * MIN); // next tick at T0+60min
    expect(nextStep(w, T0 + HOUR + MIN)).toEqual({ kind: 'checkpoint', index: 0 });
    // both due: the tick was due before the checkpoint
    const early = wave();
    early.scheduleNextTick(T0 + 54 * MIN); // next tick at T0+55min
    expect(nextStep(early, T0 + HOUR + MIN)).toEqual({ kind: 'tick' });
  });

  test('a hold deadline wakes the loop; abort before rollback before hold timeout before judging', () => {
    const w = wave();
    w.tickDone(T0, tick({ rollback: [trigger('hold')] }));
    w.scheduleNextTick(T0 + 39 * MIN); // next tick at T0+40min, after the hold's deadline
    expect(nextStep(w, T0 + 29 * MIN)).toEqual({ kind: 'sleep', untilMs: T0 + 30 * MIN, summary: 'next monitor tick' });
    for (let i = 0; i < 4; i++) w.checkpointDone(T0, i, checkpoint(i));
    expect(nextStep(w, T0 + 30 * MIN)).toEqual({ kind: 'hold-timeout' });
    w.signalled(T0, 'requestRollback', { reason: 'r' });
    expect(nextStep(w, T0 + 30 * MIN)).toEqual({ kind: 'rollback' });
    w.signalled(T0, 'abort', { reason: 'r' });
    expect(nextStep(w, T0 + 30 * MIN)).toEqual({ kind: 'abort' });
    const done = wave();
    for (let i = 0; i < 4; i++) done.checkpointDone(T0, i, checkpoint(i));
    expect(nextStep(done, T0 + 25 * HOUR)).toEqual({ kind: 'judge' });
  });
});

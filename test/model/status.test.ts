// The status query's zod definition (src/model/status.ts) against statuses built the way the
// workflow builds them (WaveState, a plain class, driven here without Temporal), and the records the
// files make of them (observe/status-alerts.ts) against the records' own schemas.
import { loadPlan } from '../../src/plan/load';
import type { Plan } from '../../src/plan/schema';
import { WaveState, type WaveInput } from '../../src/workflows/wave-state';
import { waveStatusSchema, type WaveStatus } from '../../src/model/status';
import { alertSchema, operatorActionSchema } from '../../src/artifacts/records/alerts';
import { alertRecordsOf, operatorActionsOf } from '../../src/observe/status-alerts';
import type { AlertEvaluation } from '../../src/judge/alerts';
import type { RuleResult } from '../../src/model/rule-result';
import type { RollbackTrigger } from '../../src/judge/rollback-decision';
import { firedTrigger } from '../helpers/triggers';

const plan: Plan = loadPlan(`${__dirname}/../../plans/wave2.yaml`);
const START = Date.parse('2026-01-23T12:00:00Z');
const H = 3_600_000;
const input: WaveInput = { plan, waveId: 'wave2-20260123', startAtMs: START, timeScale: 60, policy: 'hold' };

/** A firing evaluation of the plan's alert rule `id`, as the tick activity hands it to the workflow. */
function firing(id: string, value: number): AlertEvaluation {
  const r = plan.alerts.find((a) => a.id === id)!;
  return { rule: r.id, scope: 'test', status: 'firing', severity: r.severity, title: r.title, metric: r.metric, op: r.op, threshold: r.threshold, value, note: '50 errors / 2000 messages' };
}

const failed: RuleResult = { id: 'error-rate', title: 'Error rate', metric: 'errors.rate_pct', op: '<=', threshold: 1, window: 'checkpoint', outcome: 'fail', value: 2.5, samples: 2000, note: '50 errors / 2000 messages' };

/** A wave driven through most of what changes the status: ticks with alerts, acknowledgement, a refused signal, checkpoint, waiver, hold, pause, rollback, verdict. */
function drivenWave(): WaveState {
  const w = new WaveState(input);
  const both = () => [firing('error-rate-warning', 0.6), firing('error-rate-critical', 2.5)];
  const tick = (at: number, evaluations: AlertEvaluation[], rollback: RollbackTrigger[] = []) =>
    w.tickDone(at, { at, durationMs: 1200, agentsTotal: 16, agentsActive: 15, hostsUnreachable: [], natsReachable: true, problems: [], problemsOmitted: 0, evaluations, rollback, note: '1 agent inactive' });
  tick(START + 60_000, [firing('error-rate-warning', 0.4)]);
  tick(START + 120_000, both());
  const alertId = w.status.alerts.find((a) => a.rule === 'error-rate-critical')!.id;
  w.alerts.acknowledged(START + 130_000, { alertId, by: 'alice', note: 'looking' });
  w.signalled(START + 140_000, 'pause', { by: 'bob', reason: 'typo', force: true } as never); // refused: recorded, not accepted
  w.checkpointDone(START + H / 60, 0, { name: plan.checkpoints[0].name, folder: plan.checkpoints[0].name, artifactsDir: `/out/${plan.checkpoints[0].name}`, ranAtMs: START + H / 60, verdict: 'FAIL', verdictReason: 'error rate', criteria: [failed], rollback: [], problems: [] });
  w.waiveCriterion(START + H / 60 + 1000, { criterion: 'error-rate', reason: 'known flaky upstream', by: 'carol' });
  tick(START + H / 60 + 2000, both(), [firedTrigger('hold', 'error-rate')]);
  w.signalled(START + H / 60 + 2500, 'pause', { by: 'carol', reason: 'looking' });
  tick(START + H / 60 + 3000, both(), [firedTrigger('rollback', 'error-rate')]);
  w.signalled(START + H / 60 + 3500, 'requestRollback', { by: 'dave', reason: 'error rate' });
  w.problem(START + H / 60 + 4000, 'checkpoint email not sent: connection refused');
  w.finish('NO-GO');
  return w;
}

/** What a client receives: the query's answer is JSON. */
const asQueried = (s: WaveStatus): unknown => JSON.parse(JSON.stringify(s));

describe('the status query (waveStatusSchema)', () => {
  it('accepts a new wave as the workflow starts it', () => {
    const r = waveStatusSchema.safeParse(asQueried(new WaveState(input).status));
    expect(r.error?.issues).toBeUndefined();
  });

  it('accepts a driven wave: alerts with their condition as fields, actions, checkpoint, waiver, hold, rollback, verdict', () => {
    const s = drivenWave().status;
    const r = waveStatusSchema.safeParse(asQueried(s));
    expect(r.error?.issues).toBeUndefined();
    // the wave really went through those states (the schema was not checked against an empty status)
    expect(s.alerts.map((a) => [a.rule, a.state, a.metric, a.op, a.threshold, a.value])).toEqual([
      ['error-rate-warning', 'firing', 'errors.rate_pct', '>', 0.1, 0.6],
      ['error-rate-critical', 'acknowledged', 'errors.rate_pct', '>', 1, 2.5],
    ]);
    expect(s.operatorActions.map((a) => [a.kind, a.accepted])).toEqual([['acknowledgeAlert', true], ['pause', false], ['waiveCriterion', true], ['pause', true], ['automation', false], ['requestRollback', true]]);
    expect(s.checkpoints[0].criteria[0].outcome).toBe('waived');
    expect(s).toMatchObject({ phase: 'completed', verdict: 'NO-GO', rollback: { requested: true }, hold: null });
    expect(s.interim.firing).toHaveLength(3); // the rollback criterion and the two alert rules
  });

  it('accepts the status a continued run starts from (continue-as-new)', () => {
    const w = drivenWave();
    const next = new WaveState({ ...input, carried: w.carry([]) });
    expect(next.status.runs).toBe(2);
    expect(waveStatusSchema.safeParse(asQueried(next.status)).error?.issues).toBeUndefined();
  });

  it('refuses a status with a wrong field, naming the field', () => {
    const good = asQueried(drivenWave().status) as WaveStatus;
    const pathsOf = (bad: unknown) => {
      const r = waveStatusSchema.safeParse(bad);
      expect(r.success).toBe(false);
      return r.error!.issues.map((i) => [i.path.join('.'), i.code, ...('keys' in i ? i.keys : [])]);
    };
    expect(pathsOf({ ...good, phase: 'running' })).toEqual([['phase', 'invalid_value']]);
    expect(pathsOf({ ...good, alerts: [{ ...good.alerts[0], threshold: '1' }, good.alerts[1]] })).toEqual([['alerts.0.threshold', 'invalid_type']]);
    expect(pathsOf({ ...good, startAt: '23/01/2026 12:00' })).toEqual([['startAt', 'invalid_format']]);
    expect(pathsOf({ ...good, pasued: true })).toEqual([['', 'unrecognized_keys', 'pasued']]);
    const { policy: _p, ...noPolicy } = good;
    expect(pathsOf(noPolicy)).toEqual([['policy', 'invalid_value']]);
    expect(pathsOf({ ...good, operatorActions: [{ ...good.operatorActions[0], accepted: 'yes' }] })).toEqual([['operatorActions.0.accepted', 'invalid_type']]);
  });
});

describe('the files made of the status', () => {
  it("alert records keep the status alerts' metric, op, threshold and value as fields and validate as the files' alerts", () => {
    const s = drivenWave().status;
    const records = alertRecordsOf(s.alerts, plan, { operatorActions: s.operatorActions, rollback: s.rollback, policy: s.policy });
    for (const rec of records) expect(alertSchema.safeParse(rec).error?.issues).toBeUndefined();
    expect(records.map((r) => [r.metric, r.op, r.threshold, r.value])).toEqual(s.alerts.map((a) => [a.metric, a.op, a.threshold, a.value]));
  });

  it('operator actions of the status become the files\' operator actions', () => {
    const s = drivenWave().status;
    const records = operatorActionsOf(s.operatorActions);
    for (const rec of records) expect(operatorActionSchema.safeParse(rec).error?.issues).toBeUndefined();
    expect(records.map((r) => r.outcome)).toEqual(['accepted', 'rejected: unknown field(s): force (expected reason, by)', 'accepted', 'accepted', 'noted: automatic rollback for error-rate suppressed: automation paused', 'accepted']);
  });
});

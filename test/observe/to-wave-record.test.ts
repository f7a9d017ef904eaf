import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toWaveRecord, alertRecordsOf, operatorActionsOf, alertLogEntryOf } from '../../src/observe';
import type { AlertStatus, WaveStatus } from '../../src/model/status';
import { emptyAlertState, stepAlerts, acknowledgeAlert, alertViews } from '../../src/judge/alerts';
import { evaluateAlerts } from '../../src/judge/alert-evaluation';
import { MemoryArtifactStore } from '../../src/artifacts/store';
import { collectionOfCheckpoint } from '../../src/artifacts/layout';
import { writeWaveRecord } from '../../src/artifacts/wave';
import { alertLogEntrySchema } from '../../src/artifacts/records/alerts';
import { validate } from '../artifacts/jsonschema';
import { H, START, wave2Plan } from './fixtures';

const plan = wave2Plan();
const at = (ms: number) => new Date(START + ms).toISOString();

function status(over: Partial<WaveStatus> = {}): WaveStatus {
  return {
    waveId: 'wave2-1', wave: 'wave2', phase: 'completed', verdict: 'NO-GO', paused: false, policy: 'auto', timeScale: 1,
    startAt: at(0), endsAt: at(24 * H), nextCheckpoint: null,
    checkpoints: [
      { name: 'T+1h', dueAt: at(H), ranAt: at(H + 60_000), verdict: 'PASS', criteria: [], artifactsDir: '/x/monitoring/checkpoints/wave2/T+1h' },
      { name: 'T+6h', dueAt: at(6 * H), ranAt: at(6 * H + 60_000), verdict: 'FAIL', criteria: [], artifactsDir: '/x/monitoring/checkpoints/wave2/T+6h.recollect-1' },
      { name: 'T+12h', dueAt: at(12 * H), ranAt: null, verdict: null, criteria: [], artifactsDir: null },
      { name: 'T+24h', dueAt: at(24 * H), ranAt: null, verdict: null, criteria: [], artifactsDir: null },
    ],
    interim: { ticks: 80, skippedTicks: 3, lastTickAt: at(7 * H), agentsActive: '5/6', lastTickNote: null, firing: [] },
    alerts: [
      { id: 'error-rate-warning:test', rule: 'error-rate-warning', severity: 'warning', scope: 'test', state: 'resolved', firstFiredAt: at(5 * H), lastFiredAt: at(5.5 * H), resolvedAt: at(6.5 * H), metric: 'errors.rate_pct', op: '>', threshold: 0.1, value: 0.4, message: 'Error rate > 0.1% [test]: errors.rate_pct = 0.4 (> 0.1)' },
      { id: 'error-rate-critical:test', rule: 'error-rate-critical', severity: 'critical', scope: 'test', state: 'acknowledged', firstFiredAt: at(5.5 * H), lastFiredAt: at(7 * H), acknowledgedBy: 'alice', metric: 'errors.rate_pct', op: '>', threshold: 1, value: 2.5, message: 'Error rate > 1% [test]: errors.rate_pct = 2.5 (> 1) — 50 errors / 2000 messages' },
    ],
    rollback: {
      requested: true,
      trigger: { kind: 'criterion', by: 'wavewatch', reason: 'Error rate > 1%: errors.rate_pct = 2.5 (> 1)', criterion: 'rollback-error-rate' },
      executed: true, startedAt: at(7 * H), finishedAt: at(7 * H + 120_000), ok: true,
      steps: [
        { name: 'stop-agents-under-test', state: 'done', finishedAt: at(7 * H + 60_000), targets: [
          { target: 'dgx-1/network-expert', outcome: 'done', exitCode: 0 },
          { target: 'dgx-1/tdd-expert', outcome: 'skipped', exitCode: 0, message: 'already inactive' },
        ] },
        { name: 'disable-agents-under-test', state: 'pending', targets: [] },
      ],
      verification: 'all agents under test inactive',
    },
    hold: null,
    waivers: [],
    operatorActions: [
      { at: at(6 * H), kind: 'acknowledgeAlert', by: 'alice', reason: 'looking', accepted: true, note: 'error-rate-critical:test' },
      { at: at(6.2 * H), kind: 'waiveCriterion', by: 'bob', reason: 'no', accepted: false, note: 'unknown criterion "x"' },
      { at: at(6.3 * H), kind: 'automation', by: 'wavewatch', reason: '', accepted: false, note: 'automatic rollback suppressed: automation paused' },
    ],
    problems: [],
    artifactsDir: '/x/monitoring/checkpoints/wave2',
    runs: 1,
    ...over,
  } as WaveStatus;
}

describe('toWaveRecord', () => {
  it('maps the status: times, checkpoints with collections and gaps, alerts, actions, rollback per target, timeline, skipped ticks', async () => {
    const w = toWaveRecord(plan, status(), { criteria: [], verdictReason: 'the wave was rolled back' }, collectionOfCheckpoint);
    expect(w).toMatchObject({
      wave: 'wave2', waveId: 'wave2-1', title: 'Sprint 5.3 Wave 2', monitoringStart: at(0), plannedEnd: at(24 * H), timeScale: 1,
      phase: 'completed', verdict: 'NO-GO', verdictReason: 'the wave was rolled back', skippedTicks: 3,
    });
    expect(w.finishedAt).toBe(at(7 * H + 120_000));
    expect(w.checkpoints.map((c) => [c.name, c.collection, c.verdict, c.gap ?? null])).toEqual([
      ['T+1h', 0, 'PASS', null],
      ['T+6h', 1, 'FAIL', null],
      ['T+12h', 0, null, 'not collected: wave ended before it was due'],
      ['T+24h', 0, null, 'not collected: wave ended before it was due'],
    ]);
    expect(w.rollback).toMatchObject({ executed: true, trigger: 'rollback-error-rate', startedAt: at(7 * H), finishedAt: at(7 * H + 120_000) });
    expect(w.rollback!.steps.map((s) => [s.name, s.target, s.state])).toEqual([
      ['stop-agents-under-test', 'dgx-1/network-expert', 'done'],
      ['stop-agents-under-test', 'dgx-1/tdd-expert', 'skipped'],
      // a step not run yet lists its targets named as the rollback names them (remediate: host/agent)
      ...plan.hosts.flatMap((h) => plan.agents.underTest.map((a) => ['disable-agents-under-test', `${h.name}/${a.name}`, 'pending'])),
    ]);
    expect(w.rollback!.steps[1].detail).toBe('exit 0: already inactive');
    expect(w.operatorActions.map((o) => o.outcome)).toEqual(['accepted', 'rejected: unknown criterion "x"', 'noted: automatic rollback suppressed: automation paused']);
    expect(w.operatorActions[0].detail).toBe('error-rate-critical:test');
    const crit = w.alerts.find((a) => a.rule === 'error-rate-critical')!;
    expect(crit).toMatchObject({
      title: 'Error rate > 1%', state: 'acknowledged', acknowledgedBy: 'alice', acknowledgedAt: at(6 * H), escalated: true, metric: 'errors.rate_pct', op: '>', value: 2.5, threshold: 1,
      resolvedAt: null, lastFiredAt: at(7 * H),
    });
    expect(crit.actionTaken).toMatch(/^Rollback initiated/);
    expect(w.alerts.find((a) => a.rule === 'error-rate-warning')).toMatchObject({ escalated: false, value: 0.4, threshold: 0.1, acknowledgedAt: null, actionTaken: expect.stringContaining('resolved') });
    const kinds = w.timeline.map((e) => e.kind);
    expect(kinds[0]).toBe('start');
    expect(kinds).toEqual(expect.arrayContaining(['checkpoint', 'alert', 'operator', 'rollback', 'verdict']));
    // checkpoints due after the wave ended are not timeline gaps (their refs say why they were not collected)
    expect(kinds).not.toContain('gap');
    expect(w.timeline.map((e) => e.at)).toEqual([...w.timeline.map((e) => e.at)].sort());
    const store = new MemoryArtifactStore();
    await writeWaveRecord(store, plan, w);
    const doc = JSON.parse((await store.read(`${plan.output.dir}/wave.json`))!);
    expect(validate(JSON.parse(readFileSync(join(__dirname, '../../schemas/wave.schema.json'), 'utf8')), doc)).toEqual([]);
  });

  it('a running wave: no verdict, no finish time, no rollback, no gaps', () => {
    const s = status({ phase: 'monitoring', verdict: null, rollback: { requested: false, trigger: null, executed: false, startedAt: null, finishedAt: null, ok: null, steps: [{ name: 'stop-agents-under-test', state: 'pending', targets: [] }], verification: null }, alerts: [], operatorActions: [] });
    const w = toWaveRecord(plan, s, { criteria: [], verdictReason: '' }, collectionOfCheckpoint);
    expect(w).toMatchObject({ verdict: null, finishedAt: null, rollback: null });
    expect(w.checkpoints.every((c) => c.gap === undefined)).toBe(true);
    expect(w.timeline.some((e) => e.kind === 'verdict' || e.kind === 'gap')).toBe(false);
  });
});

describe('status alerts ⇄ records', () => {
  it('value, threshold and metric come from the alert\'s fields, whatever its message says', () => {
    const view = (o: Partial<AlertStatus>): AlertStatus => ({ id: 'x', rule: 'wavewatch-alert-log', severity: 'critical', scope: 'fleet', state: 'firing', firstFiredAt: at(H), lastFiredAt: at(H), metric: 'wavewatch.alert_log_pending', op: '>', threshold: 0, value: 3, message: 'Alert log cannot be written', ...o });
    // not a plan rule and a message with no "metric = value (op threshold)" in it: the fields still say it
    expect(alertRecordsOf([view({})], plan)[0]).toMatchObject({ metric: 'wavewatch.alert_log_pending', op: '>', value: 3, threshold: 0, actionTaken: 'None' });
    expect(alertRecordsOf([view({ value: null })], plan)[0].value).toBeNull();
    // an escalation is the same metric and scope, told by the field (the rule ids are not in the plan)
    const warning = view({ id: 'w', rule: 'custom-warn', severity: 'warning', metric: 'm.x', message: 'warn' });
    const critical = view({ id: 'c', rule: 'custom-crit', severity: 'critical', metric: 'm.x', firstFiredAt: at(H + 1), message: 'crit' });
    const other = view({ id: 'o', rule: 'custom-other', severity: 'critical', metric: 'm.y', firstFiredAt: at(H + 1), message: 'other' });
    expect(alertRecordsOf([warning, critical, other], plan).map((r) => r.escalated)).toEqual([false, true, false]);
  });

  it('the judge alert state → views → records: the view carries the rule\'s metric, op, threshold and value', () => {
    let st = emptyAlertState();
    const evals = evaluateAlerts(plan, { test: { 'agents.crashes': { value: 2, samples: 6 } }, control: {} }, plan.alerts.filter((r) => r.id === 'agent-crash'));
    st = stepAlerts(st, evals, START + H, plan).state;
    st = acknowledgeAlert(st, { alertId: st.alerts[0].id, by: 'carol' }, START + H + 1000).state;
    const views = alertViews(st);
    const recs = alertRecordsOf(views, plan);
    expect(recs[0]).toMatchObject({ id: 'agent-crash:test', title: 'Agent crashes', severity: 'critical', state: 'acknowledged', acknowledgedBy: 'carol', acknowledgedAt: null, metric: 'agents.crashes', op: '>', value: 2, threshold: 0, actionTaken: 'Paged; acknowledged by carol' });
    expect(views[0]).toMatchObject({ metric: 'agents.crashes', op: '>', threshold: 0, value: 2 });
    expect(alertRecordsOf(views, plan, { policy: 'observe' })[0].actionTaken).toMatch(/^None \(recorded only\)/);
  });

  it("the judge's alert log entries → the alert log's lines: wave, title from the record, the ack's note in the message", () => {
    const evals = evaluateAlerts(plan, { test: { 'agents.crashes': { value: 2, samples: 6 } }, control: {} }, plan.alerts.filter((r) => r.id === 'agent-crash'));
    const fired = stepAlerts(emptyAlertState(), evals, START + H, plan);
    const acked = acknowledgeAlert(fired.state, { alertId: 'agent-crash:test', by: 'carol', note: 'looking' }, START + H + 1000);
    const [rec] = alertRecordsOf(alertViews(acked.state), plan);
    const wave = { wave: 'wave2', waveId: 'wave2-1' };
    const lines = [...fired.entries, ...acked.entries].map((e) => alertLogEntryOf(e, wave, rec));
    const message = fired.entries[0].message;
    expect(lines).toEqual([
      { id: `agent-crash:test@${START + H}:fired`, at: at(H), ...wave, event: 'fired', alertId: 'agent-crash:test', rule: 'agent-crash', title: 'Agent crashes', severity: 'critical', scope: 'test', state: 'firing', message, metric: 'agents.crashes', op: '>', value: 2, threshold: 0 },
      { id: `agent-crash:test@${START + H + 1000}:acknowledged`, at: at(H + 1000), ...wave, event: 'acknowledged', alertId: 'agent-crash:test', rule: 'agent-crash', title: 'Agent crashes', severity: 'critical', scope: 'test', state: 'acknowledged', message: `${message} (looking)`, metric: 'agents.crashes', op: '>', value: 2, threshold: 0, by: 'carol' },
    ]);
    for (const l of lines) expect(alertLogEntrySchema.safeParse(l).success).toBe(true);
    expect(alertLogEntryOf(fired.entries[0], wave)).not.toHaveProperty('title');
    // an event carried from a run before events kept the condition: the line goes without it, still valid
    const { metric: _m, op: _o, ...older } = fired.entries[0];
    const line = alertLogEntryOf(older, wave);
    expect(line).not.toHaveProperty('metric');
    expect(line).not.toHaveProperty('op');
    expect(alertLogEntrySchema.safeParse(line).success).toBe(true);
  });

  it('operator actions: accepted with a note keeps it as detail', () => {
    expect(operatorActionsOf([{ at: at(0), kind: 'extendWave', by: 'dave', reason: 'weekend', accepted: true, note: 'final checkpoint now due x' }])).toEqual([
      { at: at(0), kind: 'extendWave', by: 'dave', reason: 'weekend', detail: 'final checkpoint now due x', outcome: 'accepted' },
    ]);
  });
});

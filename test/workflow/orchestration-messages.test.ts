// Every operator message on the workflow alone: a real dev server, the bundled workflow, fake
// activities (test/helpers/workflow-harness.ts). What the whole-wave tests proved with a fleet,
// proved here in seconds; the CLI, real mail and real files stay with the whole-wave tests.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { firedTrigger as trigger } from '../helpers/triggers';
import type { RollbackOutcome } from '../../src/workflows/messages';
import type { WaveStatus } from '../../src/model/status';
import type { CheckpointInput, TickResult } from '../../src/activities/types';
import { fakeActivities, healthyTick, startHarness, type Harness } from '../helpers/workflow-harness';
import { waitForStatus } from '../helpers/wave-env';

jest.setTimeout(120_000);

let h: Harness;
beforeAll(async () => {
  h = await startHarness('messages');
});
afterAll(async () => h?.close());

/** Ticks that are healthy until the `from`th, then carry `change` (only that one tick when `once`). */
function ticksFrom(from: number, change: (t: TickResult) => void, once = false) {
  let n = 0;
  return async () => {
    const t = healthyTick();
    n++;
    if (once ? n === from : n >= from) change(t);
    return t;
  };
}

async function refusal(id: string, name: string, arg: unknown): Promise<string> {
  const err = await h.c.workflow.getHandle(id).executeUpdate(name, { args: [arg as object] }).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return String((err as WorkflowUpdateFailedError).cause?.message);
}

test('abort stops the wave at once: ABORTED, no rollback, the action recorded with who and why', async () => {
  const { activities, calls } = fakeActivities();
  await h.withWave({ id: 'abort', activities }, async ({ id, result }) => {
    await waitForStatus(h.c, id, (s) => s.interim.ticks > 0);
    await h.c.workflow.getHandle(id).signal('abort', { reason: 'deploy pulled', by: 'alice' });
    const s = await result();
    expect([s.verdict, s.phase, s.rollback.executed]).toEqual(['ABORTED', 'aborted', false]);
    expect(s.operatorActions).toContainEqual(expect.objectContaining({ kind: 'abort', by: 'alice', reason: 'deploy pulled', accepted: true }));
    expect(calls.runRollbackStep ?? 0).toBe(0);
    expect([calls.finishWave, calls.notifyFinal]).toEqual([1, 1]);
  });
});

test('pause suspends automatic rollback; two rollback updates and a requestRollback signal: the rollback runs once and both updates answer', async () => {
  let paused = false; // the criterion fires once the pause is in
  const { activities, calls } = fakeActivities({ monitorTick: async () => ({ ...healthyTick(), rollback: paused ? [trigger('rollback')] : [] }) });
  const plan = h.plan();
  await h.withWave({ id: 'pause-rollback', activities, plan }, async ({ id, result }) => {
    const handle = h.c.workflow.getHandle(id);
    await handle.signal('pause', { reason: 'maintenance window', by: 'carol' });
    await waitForStatus(h.c, id, (s) => s.paused);
    paused = true;
    const suppressed = await waitForStatus(h.c, id, (s) => s.operatorActions.some((a) => a.kind === 'automation'));
    expect(suppressed.paused).toBe(true);
    expect(suppressed.rollback.requested).toBe(false);
    expect(suppressed.operatorActions.find((a) => a.kind === 'automation')?.note).toBe('automatic rollback for rollback-agent-down suppressed: automation paused');
    const [first, second] = await Promise.all([
      handle.executeUpdate<RollbackOutcome, [object]>('rollback', { args: [{ reason: 'operator call', by: 'carol' }] }),
      handle.executeUpdate<RollbackOutcome, [object]>('rollback', { args: [{ reason: 'again', by: 'dave' }] }),
    ]);
    expect([first, second].filter((o) => o.startedByThisRequest)).toHaveLength(1);
    for (const o of [first, second]) expect(o).toEqual(expect.objectContaining({ executed: true, ok: true, message: 'rolled back' }));
    await handle.signal('requestRollback', { reason: 'and once more' }).catch(() => undefined); // the wave may have ended
    const s = await result();
    expect(s.verdict).toBe('NO-GO');
    expect(s.rollback.trigger).toEqual(expect.objectContaining({ kind: 'operator', by: first.startedByThisRequest ? 'carol' : 'dave' }));
    expect(s.operatorActions.filter((a) => a.note === 'rollback already requested: nothing changes').length).toBeGreaterThanOrEqual(1);
    expect(calls.runRollbackStep).toBe(plan.rollback.steps.length);
    expect(s.rollback.verification).toBe('after rollback: 6/6 agent units active');
  });
});

test('requestRollback (signal): the rollback runs and the wave ends NO-GO', async () => {
  const { activities, calls } = fakeActivities();
  await h.withWave({ id: 'request-rollback', activities }, async ({ id, result }) => {
    await waitForStatus(h.c, id, (s) => s.interim.ticks > 0);
    await h.c.workflow.getHandle(id).signal('requestRollback', { reason: 'p99 up', by: 'bob' });
    const s = await result();
    expect([s.verdict, s.rollback.ok, s.rollback.trigger]).toEqual(['NO-GO', true, { kind: 'operator', by: 'bob', reason: 'p99 up' }]);
    expect(calls.runRollbackStep).toBeGreaterThan(0);
  });
});

test('policy observe: a rollback criterion is recorded, never acted on', async () => {
  const { activities, calls } = fakeActivities({ monitorTick: ticksFrom(2, (t) => (t.rollback = [trigger('observe')])) });
  await h.withWave({ id: 'observe', activities, policy: 'observe' }, async ({ id, result }) => {
    const s = await waitForStatus(h.c, id, (x) => x.interim.ticks > 4);
    expect(s.interim.firing).toContainEqual(expect.objectContaining({ id: 'rollback-agent-down' }));
    await h.c.workflow.getHandle(id).signal('abort', { reason: 'test over' });
    const end = await result();
    expect([end.rollback.requested, end.verdict, calls.runRollbackStep ?? 0]).toEqual([false, 'ABORTED', 0]);
  });
});

test('a hold: escalated by email once; resume dismisses it and monitoring goes on', async () => {
  const { activities, calls } = fakeActivities({ monitorTick: ticksFrom(2, (t) => (t.rollback = [trigger('hold')]), true) });
  const plan = h.plan((p) => (p.monitor.holdTimeout = 24 * 3_600_000));
  await h.withWave({ id: 'hold-resume', activities, plan, policy: 'hold' }, async ({ id, result }) => {
    const held = await waitForStatus(h.c, id, (s) => s.phase === 'holding');
    expect(held.hold).toEqual(expect.objectContaining({ criterion: 'rollback-agent-down', onTimeout: 'rollback' }));
    expect(held.rollback.requested).toBe(false);
    await h.c.workflow.getHandle(id).signal('resume', { reason: 'restarted by hand', by: 'bob' });
    const resumed = await waitForStatus(h.c, id, (s) => s.operatorActions.some((a) => a.kind === 'resume'));
    expect(resumed.operatorActions.find((a) => a.kind === 'resume')?.note).toBe('hold dismissed: monitoring continues');
    expect(resumed.phase).toBe('monitoring');
    await h.c.workflow.getHandle(id).signal('abort', { reason: 'test over' });
    const s = await result();
    expect(s.rollback.executed).toBe(false);
    expect(calls.notifyHold).toBe(1);
  });
});

test('updates: bad arguments are refused by the validator and leave no trace; extendWave, collectNow and waiveCriterion work; a malformed signal is recorded as not accepted', async () => {
  const seen: CheckpointInput[] = [];
  const { activities } = fakeActivities({
    runCheckpoint: async (i) => {
      seen.push(i);
      return { name: i.checkpoint, folder: i.folder, artifactsDir: `/fake/${i.folder}`, ranAtMs: Date.now(), verdict: 'WARNING', verdictReason: 'fake', criteria: [], rollback: [], problems: [] };
    },
  });
  await h.withWave({ id: 'updates', activities, timeScale: 100 }, async ({ id, result }) => {
    const handle = h.c.workflow.getHandle(id);
    expect(await refusal(id, 'extendWave', { duration: 'soon', reason: 'x' })).toMatch(/"duration" must be a positive duration/);
    expect(await refusal(id, 'extendWave', { duration: '2h' })).toMatch(/"reason" must be a non-empty string/);
    expect(await refusal(id, 'rollback', 'now please')).toMatch(/takes one JSON object/);
    expect(await refusal(id, 'rollback', { reason: 'x', force: true })).toMatch(/unknown field\(s\): force/);
    expect(await refusal(id, 'collectNow', {})).toMatch(/"reason" must be a non-empty string/);
    expect(await refusal(id, 'waiveCriterion', { criterion: 'no-such-rule', reason: 'x' })).toMatch(/unknown criterion "no-such-rule"/);
    expect(await refusal(id, 'acknowledgeAlert', { alertId: 'nope' })).toBe('unknown alert "nope"');
    const before = await handle.query<WaveStatus>('status');
    expect([before.operatorActions, before.rollback.trigger, before.waivers]).toEqual([[], null, []]);

    const ext = await handle.executeUpdate<{ finalCheckpointDueAt: string }, [object]>('extendWave', { args: [{ duration: '2h', reason: 'weekend', by: 'erin' }] });
    expect(Date.parse(ext.finalCheckpointDueAt) - Date.parse(before.endsAt)).toBe(7_200_000 / 100);
    const manual = await handle.executeUpdate<{ name: string; verdict: string; artifactsDir: string }, [object]>('collectNow', { args: [{ reason: 'spot check', by: 'erin' }] });
    expect(manual).toEqual({ name: 'manual-1', verdict: 'WARNING', artifactsDir: '/fake/manual-1' });
    expect(seen[0]).toEqual(expect.objectContaining({ folder: 'manual-1', criteriaOf: 'T+1h', next: { name: 'T+1h', dueAt: before.checkpoints[0].dueAt } }));
    const waived = await handle.executeUpdate('waiveCriterion', { args: [{ criterion: 'publish-time', reason: 'measured elsewhere', by: 'erin' }] });
    expect(waived).toEqual({ criterion: 'publish-time', outcomeBefore: null });
    // the next collection is judged with the waiver (it travels in the collection input)
    await handle.executeUpdate('collectNow', { args: [{ reason: 'after the waiver', by: 'erin' }] });
    expect(seen[1].waivers).toEqual([{ criterion: 'publish-time', reason: 'measured elsewhere', by: 'erin', at: expect.any(String) }]);

    await handle.signal('abort', { because: 'typo' } as never);
    const s = await waitForStatus(h.c, id, (x) => x.operatorActions.some((a) => a.kind === 'abort'));
    expect(s.phase).toBe('monitoring');
    expect(s.operatorActions.find((a) => a.kind === 'abort')).toEqual(expect.objectContaining({ accepted: false, note: expect.stringMatching(/unknown field\(s\): because/) }));
    expect(s.operatorActions.map((a) => a.kind)).toEqual(['extendWave', 'collectNow', 'waiveCriterion', 'collectNow', 'abort']);
    expect(s.waivers).toEqual([expect.objectContaining({ criterion: 'publish-time', by: 'erin' })]);
    await handle.signal('abort', { reason: 'test over' });
    await result();
  });
});

test('acknowledgeAlert: the alert acknowledged with who, the event written to the alert log; then refused once resolved', async () => {
  const logged: { event: string; by?: string; alertId: string }[] = [];
  let clear = false;
  const load = { rule: 'load-warning', scope: 'fleet', severity: 'warning' as const, title: 'load', metric: 'system.load1', op: '>', threshold: 2, value: 3 };
  const { activities } = fakeActivities({
    monitorTick: async () => ({ ...healthyTick(), evaluations: [{ ...load, status: clear ? 'clear' : 'firing' }] }),
    recordAlerts: async (i) => {
      logged.push(...(i.entries as unknown as typeof logged));
      return i.entries.length;
    },
  });
  await h.withWave({ id: 'ack', activities }, async ({ id }) => {
    const handle = h.c.workflow.getHandle(id);
    const firing = await waitForStatus(h.c, id, (s) => s.alerts.some((a) => a.state === 'firing'));
    const alertId = firing.alerts[0].id;
    expect(await handle.executeUpdate('acknowledgeAlert', { args: [{ alertId, by: 'frank', note: 'being replaced' }] })).toEqual({ alertId, state: 'acknowledged' });
    const s = await handle.query<WaveStatus>('status');
    expect(s.alerts[0]).toEqual(expect.objectContaining({ state: 'acknowledged', acknowledgedBy: 'frank' }));
    expect(s.operatorActions).toContainEqual(expect.objectContaining({ kind: 'acknowledgeAlert', by: 'frank', reason: 'being replaced', accepted: true }));
    expect(logged).toContainEqual(expect.objectContaining({ alertId, event: 'acknowledged', by: 'frank' }));
    clear = true;
    await waitForStatus(h.c, id, (x) => x.alerts[0].state === 'resolved');
    expect(await refusal(id, 'acknowledgeAlert', { alertId })).toBe(`alert "${alertId}" is already resolved`);
    await handle.signal('abort', { reason: 'test over' });
  });
});

test('after the end: an update is refused', async () => {
  const { activities } = fakeActivities();
  await h.withWave({ id: 'ended', activities }, async ({ id, result }) => {
    await h.c.workflow.getHandle(id).signal('abort', { reason: 'over' });
    await result();
    const late: unknown = await h.c.workflow.getHandle(id).executeUpdate('collectNow', { args: [{ reason: 'too late' }] }).catch((e: unknown) => e);
    expect(String((late as Error)?.message ?? late)).toMatch(/not found|completed|ended/i);
  });
});

// The workflow's orchestration under operator requests and failing surroundings, with fake
// activities (test/helpers/workflow-harness.ts): each test is a sequence that once wedged a wave or
// decided wrongly (issue "Decisions you can trust under real operations").
import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { firedTrigger as trigger } from '../helpers/triggers';
import type { RollbackOutcome } from '../../src/workflows/messages';
import type { WaveStatus } from '../../src/model/status';
import { ALERT_LOG_RULE } from '../../src/judge/alert-log-rule';
import { fakeActivities, healthyTick, hourlyTicks, startHarness, type Harness } from '../helpers/workflow-harness';
import { waitForStatus } from '../helpers/wave-env';

jest.setTimeout(120_000);

let h: Harness;
beforeAll(async () => {
  h = await startHarness('orchestration');
});
afterAll(async () => h?.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a rollback update that arrives in the tick that continues as new: the rollback runs once and the update returns its outcome', async () => {
  let update: Promise<RollbackOutcome> | null = null;
  const { activities, calls } = fakeActivities({
    monitorTick: async (input) => {
      if (!update) {
        // the request arrives while this tick runs; the tick ends with the run over its event budget
        update = h.c.workflow.getHandle(input.waveId).executeUpdate<RollbackOutcome, [object]>('rollback', { args: [{ reason: 'p99 regression', by: 'bob' }] });
        await sleep(1500);
      }
      return healthyTick();
    },
  });
  const plan = h.plan();
  await h.withWave({ id: 'rollback-at-can', activities, plan, eventsPerRun: 10 }, async ({ result }) => {
    while (!update) await sleep(20);
    const outcome = await Promise.race([update as Promise<RollbackOutcome>, sleep(30_000).then(() => 'no answer within 30 s')]);
    expect(outcome).toEqual(expect.objectContaining({ executed: true, startedByThisRequest: true, ok: true }));
    const s = await result();
    expect(s.verdict).toBe('NO-GO');
    expect(s.rollback.trigger).toEqual(expect.objectContaining({ kind: 'operator', by: 'bob' }));
    expect(calls.runRollbackStep).toBe(plan.rollback.steps.length);
  });
});

test('a hold that times out while automation is paused does not roll back: it stays for a human and is escalated again', async () => {
  let n = 0;
  const { activities, calls } = fakeActivities({
    monitorTick: async () => ({ ...healthyTick(), rollback: ++n === 2 ? [trigger('hold')] : [] }),
  });
  const plan = h.plan((p) => {
    p.monitor.holdTimeout = 2 * 3_600_000; // 2.5 s at ×2880
    p.monitor.onHoldTimeout = 'rollback';
  });
  await h.withWave({ id: 'pause-hold', activities, plan }, async ({ id, result }) => {
    await waitForStatus(h.c, id, (s) => s.phase === 'holding');
    await h.c.workflow.getHandle(id).signal('pause', { reason: 'looking at it', by: 'carol' });
    const s = await waitForStatus(h.c, id, (x) => x.operatorActions.some((a) => a.kind === 'hold-timeout'), 60_000);
    expect(s.operatorActions.find((a) => a.kind === 'hold-timeout')?.note).toMatch(/no automatic rollback because automation is paused/);
    expect(s.rollback.requested).toBe(false);
    expect(s.hold).not.toBeNull();
    await h.c.workflow.getHandle(id).signal('abort', { reason: 'done looking', by: 'carol' });
    const end = await result();
    expect(end.rollback.requested).toBe(false);
    expect(calls.runRollbackStep ?? 0).toBe(0);
    expect(calls.notifyHold).toBeGreaterThanOrEqual(2);
  });
});

test('--policy hold: a hold that times out never rolls back by itself', async () => {
  let n = 0;
  const { activities, calls } = fakeActivities({
    monitorTick: async () => ({ ...healthyTick(), rollback: ++n === 2 ? [trigger('hold')] : [] }),
  });
  const plan = h.plan((p) => {
    hourlyTicks(p); // the hold at T+2h, its timeout 90 ms later at ×20,000; the wave to its end in ~4 s
    p.monitor.holdTimeout = 30 * 60_000;
    p.monitor.onHoldTimeout = 'rollback';
  });
  await h.withWave({ id: 'policy-hold', activities, plan, policy: 'hold', timeScale: 20_000 }, async ({ result }) => {
    const s = await result();
    expect(s.rollback.requested).toBe(false);
    expect(calls.runRollbackStep ?? 0).toBe(0);
    expect(s.operatorActions.filter((a) => a.kind === 'hold-timeout').map((a) => a.note)).toContainEqual(expect.stringMatching(/because the policy is hold/));
  });
});

test('an alert log that cannot be written: the wave goes on deciding and rolls back, and says so with a critical alert', async () => {
  let n = 0;
  const { activities, calls } = fakeActivities({
    recordAlerts: async () => {
      throw new Error('ENOSPC: no space left on device');
    },
    monitorTick: async () => {
      n++;
      const t = healthyTick();
      if (n >= 2) t.evaluations = [{ rule: 'load-warning', scope: 'fleet', status: 'firing', severity: 'warning', title: 'load', metric: 'system.load1', op: '>', threshold: 2, value: 3 }];
      // every write of the log fails after its retries (~3 s): one tick after the first failure is
      // enough to show the wave still deciding
      if (n === 3) t.rollback = [trigger('rollback')];
      return t;
    },
  });
  await h.withWave({ id: 'alert-log-down', activities }, async ({ result }) => {
    const s: WaveStatus = await result();
    expect(s.verdict).toBe('NO-GO');
    expect(s.rollback.executed).toBe(true);
    expect(calls.runRollbackStep).toBeGreaterThan(0);
    expect(s.alerts).toContainEqual(expect.objectContaining({ rule: ALERT_LOG_RULE, severity: 'critical', state: 'firing' }));
    expect(s.problems.join('\n')).toMatch(/alert log .* cannot be written: .*ENOSPC/);
    expect(calls.notifyIncident).toBeGreaterThan(0); // the pages still go out
  });
});

test('mail that cannot be delivered does not hold continue-as-new; what was not sent is carried and sent by the next run', async () => {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const sent: string[] = [];
  const { activities } = fakeActivities({
    notifyCheckpoint: async (i) => {
      await released;
      sent.push(i.checkpoint);
      return 'sent';
    },
  });
  // hourly ticks: a run of 40 events still ends every few ticks, so the wave continues as new twice
  // within its first ~10 plan hours (~2 s at ×20,000) while T+1h's mail waits
  await h.withWave({ id: 'mail-down', activities, plan: h.plan(hourlyTicks), eventsPerRun: 40, timeScale: 20_000 }, async ({ id, result }) => {
    // T+1h's email is waiting for the mail server while the wave continues as new
    await waitForStatus(h.c, id, (s) => s.runs >= 3 && s.checkpoints[0].ranAt !== null, 30_000);
    release();
    const s = await result();
    expect(s.verdict).toBe('GO');
    expect(new Set(sent)).toEqual(new Set(['T+1h', 'T+6h', 'T+12h', 'T+24h']));
  });
});

test('an extension beyond 7 days in all is refused by the validator, and the wave goes on', async () => {
  const { activities } = fakeActivities();
  await h.withWave({ id: 'extend-bound', activities, timeScale: 100 }, async ({ id }) => {
    const handle = h.c.workflow.getHandle(id);
    await expect(handle.executeUpdate('extendWave', { args: [{ duration: '100000000d', reason: 'x' }] })).rejects.toThrow(WorkflowUpdateFailedError);
    await handle.executeUpdate('extendWave', { args: [{ duration: '6d', reason: 'x' }] });
    const refused = handle.executeUpdate('extendWave', { args: [{ duration: '2d', reason: 'x' }] });
    await expect(refused).rejects.toThrow(WorkflowUpdateFailedError);
    await refused.catch((e: WorkflowUpdateFailedError) => expect(String((e.cause as Error).message)).toMatch(/at most 7 days in all/));
    const s = await handle.query<WaveStatus>('status');
    expect(s.phase).toBe('monitoring');
    await handle.signal('abort', { reason: 'end of test' });
  });
});

test('a time scale out of bounds fails the workflow at once with one line, not a workflow task failing forever', async () => {
  const { activities, calls } = fakeActivities();
  await h.withWave({ id: 'bad-scale', activities, timeScale: 1e-9 }, async ({ result }) => {
    const err = await result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(String(((err as WorkflowFailedError).cause as Error).message)).toMatch(/time scale must be a number from 1 to 100000/);
    expect(calls.storePlan ?? 0).toBe(0);
  });
});

test('operator actions are bounded: the newest 100 are kept and the rest counted', async () => {
  const { activities } = fakeActivities();
  await h.withWave({ id: 'many-actions', activities, timeScale: 100 }, async ({ id }) => {
    const handle = h.c.workflow.getHandle(id);
    for (let i = 0; i < 130; i++) await handle.signal('pause', { reason: `r${i}`, by: 'x'.repeat(3) });
    const s = await waitForStatus(h.c, id, (x) => (x.operatorActionsDropped ?? 0) + x.operatorActions.length >= 130, 30_000);
    expect(s.operatorActions).toHaveLength(100);
    expect(s.operatorActionsDropped).toBe(30);
    expect(s.operatorActions[99].reason).toBe('r129');
    await handle.signal('abort', { reason: 'end of test' });
  });
});

test('a plan without the sections the workflow reads first fails the wave at once (InvalidPlan), nothing run', async () => {
  const { activities, calls } = fakeActivities();
  const plan = h.plan((p) => delete (p as Partial<typeof p>).ssh);
  await h.withWave({ id: 'no-ssh', activities, plan }, async ({ result }) => {
    const err = await result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause as Error & { type?: string };
    expect(cause.message).toMatch(/^invalid plan: ssh\.connectTimeout must be/);
    expect(cause.type).toBe('InvalidPlan');
    expect(Object.keys(calls)).toEqual([]);
  });
});

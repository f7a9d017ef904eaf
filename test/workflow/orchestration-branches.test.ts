// Every branch of the workflow's main loop on the workflow alone (dev server, bundled workflow, fake
// activities: test/helpers/workflow-harness.ts): checkpoints and continue-as-new to the verdict,
// a checkpoint or tick that fails, holds that time out each way, the verdict held for a human,
// extension, and a rollback that stops at a failed step.
import { ApplicationFailure } from '@temporalio/common';
import type { RollbackTrigger } from '../../src/judge/rollback-decision';
import { firedTrigger as trigger } from '../helpers/triggers';
import type { WaveStatus } from '../../src/model/status';
import { fakeActivities, healthyTick, hourlyTicks, startHarness, type Harness } from '../helpers/workflow-harness';
import { waitForStatus } from '../helpers/wave-env';

jest.setTimeout(120_000);

let h: Harness;
beforeAll(async () => {
  h = await startHarness('branches');
});
afterAll(async () => h?.close());

/** A tick that fires `t` at the nth tick only. */
function firesAt(nth: number, t: RollbackTrigger) {
  let n = 0;
  return async () => ({ ...healthyTick(), rollback: ++n === nth ? [t] : [] });
}

const names = (s: WaveStatus) => s.checkpoints.map((c) => [c.name, c.verdict]);

test('a healthy wave: every checkpoint, mailed, across continue-as-new (baseline once, mail and state carried), then GO and the final files and mail', async () => {
  const { activities, calls } = fakeActivities();
  // hourly ticks at ×50,000: 24 h in ~2 s, ticks skipped when the worker falls behind; 30 events a
  // run is passed by the checkpoints and their mail alone, so the wave continues as new however few ticks ran
  await h.withWave({ id: 'healthy', activities, plan: h.plan(hourlyTicks), timeScale: 50_000, eventsPerRun: 30 }, async ({ result }) => {
    const s = await result();
    expect(s.verdict).toBe('GO');
    expect(names(s)).toEqual([['T+1h', 'PASS'], ['T+6h', 'PASS'], ['T+12h', 'PASS'], ['T+24h', 'PASS']]);
    expect(s.runs).toBeGreaterThan(1);
    expect(s.interim.ticks).toBeGreaterThan(0);
    expect([calls.collectBaseline, calls.notifyCheckpoint, calls.judgeWave, calls.finishWave, calls.notifyFinal]).toEqual([1, 4, 1, 1, 1]);
    expect(s.artifactsDir).toBe('/fake');
  });
});

test('a checkpoint whose collection fails after retries: a gap recorded as such, and the wave goes on to its verdict', async () => {
  const { activities } = fakeActivities({
    runCheckpoint: async (i) => {
      if (i.checkpoint === 'T+6h') throw ApplicationFailure.nonRetryable('ssh: connection refused');
      return { name: i.checkpoint, folder: i.folder, artifactsDir: `/fake/${i.folder}`, ranAtMs: Date.now(), verdict: 'PASS', verdictReason: 'fake', criteria: [], rollback: [], problems: [] };
    },
  });
  await h.withWave({ id: 'checkpoint-fails', activities, plan: h.plan(hourlyTicks), timeScale: 50_000 }, async ({ result }) => {
    const s = await result();
    // the judge's record of missing data: the checkpoint's criteria in error, a WARNING
    expect(s.checkpoints[1]).toEqual(expect.objectContaining({ verdict: 'WARNING', note: 'collection failed after retries: ssh: connection refused', artifactsDir: null }));
    expect(s.checkpoints[1].criteria.length).toBeGreaterThan(0);
    expect(s.checkpoints[1].criteria.every((r) => r.outcome === 'error')).toBe(true);
    expect(s.checkpoints.filter((c) => c.ranAt)).toHaveLength(4);
    expect(s.verdict).toBe('GO'); // the fake judge's: the workflow does not decide
  });
});

test('a baseline and a tick that fail are noted; the monitor goes on', async () => {
  let n = 0;
  const { activities } = fakeActivities({
    collectBaseline: async () => {
      throw ApplicationFailure.nonRetryable('nats: no servers');
    },
    monitorTick: async () => {
      if (++n === 1) throw ApplicationFailure.nonRetryable('ssh: timeout');
      return healthyTick();
    },
  });
  await h.withWave({ id: 'tick-fails', activities }, async ({ id }) => {
    const first = await waitForStatus(h.c, id, (s) => s.interim.lastTickNote !== null);
    expect(first.interim.lastTickNote).toMatch(/^(T\+0 baseline not collected: nats: no servers|tick failed: ssh: timeout)$/);
    const later = await waitForStatus(h.c, id, (s) => s.interim.ticks >= 2);
    expect(later.interim.ticks).toBeGreaterThanOrEqual(2);
    expect(later.phase).toBe('monitoring');
    await h.c.workflow.getHandle(id).signal('abort', { reason: 'test over' });
  });
});

test('a hold that times out with onTimeout rollback: the rollback runs and the wave ends NO-GO', async () => {
  const { activities, calls } = fakeActivities({ monitorTick: firesAt(2, trigger('hold')) });
  const plan = h.plan((p) => (p.monitor.holdTimeout = 30 * 60_000)); // 0.6 s at ×2880
  await h.withWave({ id: 'hold-rollback', activities, plan }, async ({ result }) => {
    const s = await result();
    expect(s.verdict).toBe('NO-GO');
    expect(s.rollback.trigger).toEqual(expect.objectContaining({ kind: 'criterion', reason: 'hold timed out: dgx-1/network-expert inactive', criterion: 'rollback-agent-down' }));
    expect(s.operatorActions.find((a) => a.kind === 'hold-timeout')?.note).toMatch(/: rollback$/);
    expect(calls.notifyHold).toBe(1);
    expect(calls.runRollbackStep).toBe(plan.rollback.steps.length);
  });
});

test('a hold that times out with onTimeout continue: monitoring goes on to the verdict', async () => {
  const { activities, calls } = fakeActivities({ monitorTick: firesAt(2, trigger('hold')) });
  const plan = h.plan((p) => {
    hourlyTicks(p); // the hold at T+2h, its timeout 36 ms later at ×50,000
    p.monitor.holdTimeout = 30 * 60_000;
    p.monitor.onHoldTimeout = 'continue';
  });
  await h.withWave({ id: 'hold-continue', activities, plan, timeScale: 50_000 }, async ({ result }) => {
    const s = await result();
    expect([s.verdict, s.rollback.requested, s.hold]).toEqual(['GO', false, null]);
    expect(s.operatorActions.find((a) => a.kind === 'hold-timeout')?.note).toMatch(/: continue$/);
    expect(calls.runRollbackStep ?? 0).toBe(0);
  });
});

test('the verdict held for a human: a waiver of the undecided primary lets the judge decide GO', async () => {
  const { activities, calls } = fakeActivities({
    judgeWave: async (i) =>
      i.waivers.some((w) => w.criterion === 'publish-time')
        ? { decision: 'GO', reasons: ['waived'], held: [], criteria: [] }
        : { decision: 'held-for-human', reasons: [], held: ['publish-time'], criteria: [] },
  });
  const plan = h.plan((p) => {
    hourlyTicks(p);
    p.monitor.holdTimeout = 7 * 86_400_000; // 30 s at ×20,000: time to decide
  });
  await h.withWave({ id: 'held-waive', activities, plan, timeScale: 20_000 }, async ({ id, result }) => {
    const held = await waitForStatus(h.c, id, (s) => s.phase === 'holding');
    expect(held.hold).toEqual(expect.objectContaining({ onTimeout: 'no-go', reason: expect.stringMatching(/^primary criteria without a conclusive result: publish-time/) }));
    await h.c.workflow.getHandle(id).executeUpdate('waiveCriterion', { args: [{ criterion: 'publish-time', reason: 'measured elsewhere', by: 'erin' }] });
    const s = await result();
    expect(s.verdict).toBe('GO');
    expect(calls.judgeWave).toBeGreaterThanOrEqual(2);
  });
});

test('the verdict held for a human and nobody decides: NO-GO at the hold timeout', async () => {
  const { activities } = fakeActivities({ judgeWave: async () => ({ decision: 'held-for-human', reasons: [], held: ['publish-time'], criteria: [] }) });
  const plan = h.plan((p) => {
    hourlyTicks(p);
    p.monitor.holdTimeout = 2 * 3_600_000; // 0.14 s at ×50,000
  });
  await h.withWave({ id: 'held-timeout', activities, plan, timeScale: 50_000 }, async ({ result }) => {
    const s = await result();
    expect([s.verdict, s.phase, s.rollback.requested]).toEqual(['NO-GO', 'completed', false]);
    expect(s.operatorActions.find((a) => a.kind === 'hold-timeout')?.note).toMatch(/: no-go$/);
  });
});

test('extendWave moves the final checkpoint: it runs at its new time, and the wave ends then', async () => {
  const ran: Record<string, number> = {};
  const { activities } = fakeActivities({
    runCheckpoint: async (i) => {
      ran[i.checkpoint] = i.dueAtMs;
      return { name: i.checkpoint, folder: i.folder, artifactsDir: `/fake/${i.folder}`, ranAtMs: Date.now(), verdict: 'PASS', verdictReason: 'fake', criteria: [], rollback: [], problems: [] };
    },
  });
  // ×20,000 as before: the extension must land within the wave's first 4 s
  await h.withWave({ id: 'extend', activities, plan: h.plan(hourlyTicks), timeScale: 20_000 }, async ({ id, result }) => {
    const handle = h.c.workflow.getHandle(id);
    const before = await handle.query<WaveStatus>('status');
    // 2 h: the final checkpoint 360 ms later; the checkpoint's own due time (dueAtMs) tells which ran
    const { finalCheckpointDueAt } = await handle.executeUpdate<{ finalCheckpointDueAt: string }, [object]>('extendWave', { args: [{ duration: '2h', reason: 'weekend' }] });
    expect(Date.parse(finalCheckpointDueAt) - Date.parse(before.endsAt)).toBe(7_200_000 / 20_000);
    const s = await result();
    expect(ran['T+24h']).toBe(Date.parse(finalCheckpointDueAt));
    expect(Date.parse(s.checkpoints[3].ranAt!)).toBeGreaterThanOrEqual(Date.parse(finalCheckpointDueAt));
    expect(s.endsAt).toBe(finalCheckpointDueAt);
  });
});

test('a rollback criterion rolls back; a step that fails stops the rollback there, and the wave says so', async () => {
  const { activities, calls } = fakeActivities({
    monitorTick: firesAt(2, trigger('rollback')),
    runRollbackStep: async (i) => ({ name: `step-${i.stepIndex}`, ok: false, targets: [{ target: 'dgx-1/network-expert', outcome: 'failed', exitCode: 1, message: 'unit busy' }] }),
  });
  await h.withWave({ id: 'rollback-fails', activities }, async ({ result }) => {
    const s = await result();
    expect(s.verdict).toBe('NO-GO');
    expect(s.rollback).toEqual(expect.objectContaining({ executed: true, ok: false, trigger: expect.objectContaining({ kind: 'criterion', criterion: 'rollback-agent-down' }) }));
    expect(s.rollback.steps.map((x) => x.state)).toEqual(['failed', 'pending']);
    expect(s.rollback.verification).toBe('after rollback: 6/6 agent units active');
    expect(calls.runRollbackStep).toBe(1);
  });
});

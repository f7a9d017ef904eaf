// The worker SIGKILLed in the middle of work: during a checkpoint's NATS sampling (in a wave that
// also continues as new), and during a rollback step. Each time a new worker takes over; the wave
// ends as an undisturbed one would, nothing is collected twice, and no rollback step takes effect
// twice. (A kill while the wave sleeps on a timer is in durability.e2e.)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { TemporalDevServer } from '../../src/stack/temporal-server';
import type { WaveStatus } from '../../src/model/status';
import { client, localPlan, runWave, scheduledActivities, spawnWorker, startFleet, startTemporal, tempDir, waitForPendingActivity, waitForStatus } from '../helpers/wave-env';

// A watcher may still be saving (its report's temporary file is in the folder): whole reports only.
const isReport = (f: string) => f.endsWith('.json');

jest.setTimeout(420_000);

let temporal: TemporalDevServer;
let c: Client;
beforeAll(async () => {
  temporal = await startTemporal();
  c = await client(temporal.address);
});
afterAll(async () => {
  await c?.connection.close();
  await temporal?.stop();
});

test('killed during a checkpoint\'s NATS sampling, across continue-as-new: the same verdict, every checkpoint once, files whole', async () => {
  const root = tempDir('kill-sampling');
  const fleet = await startFleet(localPlan(root), root);
  const TQ = 'kill-sampling';
  let worker = await spawnWorker(temporal.address, root, TQ);
  try {
    // 30 events a run: the wave continues as new after nearly every monitor tick (a whole compressed
    // wave has 200–700 events; fewer when a kill stalls it for the 20 s heartbeat timeout).
    await runWave(c, fleet.plan, { waveId: 'kill-sampling', timeScale: 1440, taskQueue: TQ, eventsPerRun: 30 });
    await waitForStatus(c, 'kill-sampling', (s) => s.checkpoints[0].ranAt !== null);
    // T+6h's activity, a few seconds into its sampling window (3 s minimum, probes before it).
    await waitForPendingActivity(c, 'kill-sampling', 'runCheckpoint', /sampling/);
    const killedAt = Date.now();
    await worker.kill();
    await new Promise((r) => setTimeout(r, 2000));
    worker = await spawnWorker(temporal.address, root, TQ);
    const s = (await c.workflow.getHandle('kill-sampling').result()) as WaveStatus;

    const why = JSON.stringify({ checkpoints: s.checkpoints.map((x) => [x.name, x.verdict, x.note]), alerts: s.alerts.map((a) => `${a.id}:${a.state}`), rollback: s.rollback.trigger, problems: s.problems });
    expect([s.verdict, why]).toEqual(['GO', why]);
    expect(s.runs).toBeGreaterThanOrEqual(3);
    expect(s.checkpoints.every((x) => x.ranAt !== null && x.verdict !== 'FAIL' && !x.note)).toBe(true);
    // Once each: a retried activity is another attempt of the same scheduled one.
    const scheduled = await scheduledActivities(c, 'kill-sampling');
    expect(scheduled.runCheckpoint).toBe(4);
    expect(scheduled.collectBaseline).toBe(1);
    // The interrupted checkpoint sampled a whole new window and says so; its files are whole.
    const says = (dir: string, text: string) => readdirSync(dir).some((f) => readFileSync(join(dir, f), 'utf8').includes(text));
    const interrupted = s.checkpoints.filter((x) => says(x.artifactsDir!, 'attempt 2: a new window'));
    expect(interrupted.map((x) => x.name)).toHaveLength(1);
    for (const cp of s.checkpoints) {
      for (const f of readdirSync(cp.artifactsDir!).filter((x) => x.endsWith('.json'))) JSON.parse(readFileSync(join(cp.artifactsDir!, f), 'utf8'));
    }
    // The observation log (outside history) has each collection once, in order.
    const seqs = readFileSync(join(fleet.plan.output.dir, 'waves', 'kill-sampling', 'observations.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).seq as number);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    // The continuous watch died with its worker and was started again on the new one: the time
    // nobody watched is recorded as the watch's blindness (not an outage of the fleet, nothing decided on it).
    const watchDir = join(fleet.plan.output.dir, 'waves', 'kill-sampling', 'watch');
    type Report = { startedAtMs: number; lastBeatMs: number; events: { kind: string; startMs: number; endMs: number | null }[] };
    const reports = readdirSync(watchDir).filter(isReport).map((f) => JSON.parse(readFileSync(join(watchDir, f), 'utf8')) as Report);
    const blind = reports.flatMap((r) => r.events).filter((e) => e.kind === 'watch-blind' && e.endMs !== null && e.endMs - e.startMs >= 1000);
    expect([blind.length > 0, reports.map((r) => [r.startedAtMs, r.lastBeatMs, r.events.map((e) => e.kind)])]).toEqual([true, expect.anything()]);
    expect(reports.flatMap((r) => r.events).filter((e) => e.kind !== 'watch-blind')).toEqual([]);
    expect(Math.max(...reports.map((r) => r.lastBeatMs))).toBeGreaterThan(killedAt);
  } finally {
    await worker.stop().catch(() => undefined);
    await fleet.stop();
  }
});

test('killed during a rollback step: the new worker resumes it, and no unit is stopped twice', async () => {
  const root = tempDir('kill-rollback');
  // A step that takes a few seconds on each host (a drain, say), so the kill lands inside it.
  const plan = localPlan(root, (p) => {
    p.rollback.steps[0].run = 'sleep 3 && systemctl stop {unit}';
  });
  const fleet = await startFleet(plan, root);
  const stops = new Map<string, number>();
  fleet.model.on('unit-changed', (e: { host: string; agent: string; reason: string }) => {
    if (e.reason === 'stop') stops.set(`${e.host}/${e.agent}`, (stops.get(`${e.host}/${e.agent}`) ?? 0) + 1);
  });
  const TQ = 'kill-rollback';
  let worker = await spawnWorker(temporal.address, root, TQ);
  try {
    await runWave(c, fleet.plan, { waveId: 'kill-rollback', timeScale: 1440, taskQueue: TQ });
    await waitForStatus(c, 'kill-rollback', (s) => s.interim.ticks > 1);
    fleet.model.stop('dgx-2', 'network-expert');
    await waitForPendingActivity(c, 'kill-rollback', 'runRollbackStep', /.*/);
    await new Promise((r) => setTimeout(r, 1000));
    await worker.kill();
    await new Promise((r) => setTimeout(r, 2000));
    worker = await spawnWorker(temporal.address, root, TQ);
    const s = (await c.workflow.getHandle('kill-rollback').result()) as WaveStatus;

    expect(s.verdict).toBe('NO-GO');
    expect(s.rollback.ok).toBe(true);
    expect(s.rollback.steps.map((x) => x.state)).toEqual(['done', 'done']);
    // Every unit under test stopped exactly once (dgx-2/network-expert by the fault), control untouched.
    const underTest = ['dgx-1', 'dgx-2', 'dgx-3'].flatMap((h) => ['network-expert', 'tdd-expert'].map((a) => `${h}/${a}`));
    expect(Object.fromEntries(underTest.map((u) => [u, stops.get(u) ?? 0]))).toEqual(Object.fromEntries(underTest.map((u) => [u, 1])));
    expect([...stops.keys()].filter((u) => !underTest.includes(u))).toEqual([]);
    for (const u of underTest) expect(fleet.model.unit(u.split('/')[0], u.split('/')[1]).enabled).toBe(false);
    // Two steps, each scheduled once (the kill made a second attempt, not a second step).
    expect((await scheduledActivities(c, 'kill-rollback')).runRollbackStep).toBe(2);
    expect(s.rollback.verification).toMatch(/0\/6 agent units active/);
  } finally {
    await worker.stop().catch(() => undefined);
    await fleet.stop();
  }
});

// The operator interface and the rollback procedure on whole compressed waves: a real Temporal dev
// server, a worker on the bundled workflow, a simulated fleet per wave. Waves run side by side.
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMailSink, type MailSink } from '../../src/notify/sink';
import type { TemporalDevServer } from '../../src/stack/temporal-server';
import type { LocalFleet } from '../../src/stack/local-stack';
import type { WaveStatus } from '../../src/model/status';
import type { Plan } from '../../src/plan/schema';
import { client, localPlan, runWave, startFleet, startTemporal, startWorker, tempDir, waitForStatus, type RunningWorker } from '../helpers/wave-env';

jest.setTimeout(240_000);

const TQ = 'operator-tests';
// 24 h in 30 s: a monitor tick every ~100 ms, T+1h at 1.25 s.
const SCALE = 2880;

let temporal: TemporalDevServer;
let worker: RunningWorker;
let c: Client;
let sink: MailSink;
const fleets: LocalFleet[] = [];
const root = tempDir('operator');

beforeAll(async () => {
  temporal = await startTemporal();
  sink = await startMailSink({ dir: join(root, 'mail') });
  worker = await startWorker(temporal.address, root, TQ, sink.env());
  c = await client(temporal.address);
});

afterAll(async () => {
  await c?.connection.close();
  await worker?.stop();
  await sink?.close();
  for (const f of fleets) await f.stop();
  await temporal?.stop();
});

async function wave(name: string, o: { policy?: 'auto' | 'hold' | 'observe'; scale?: number; change?: (p: Plan) => void } = {}) {
  const dir = join(root, name);
  const fleet = await startFleet(localPlan(dir, o.change), dir);
  fleets.push(fleet);
  const handle = await runWave(c, fleet.plan, { waveId: name, timeScale: o.scale ?? SCALE, policy: o.policy, taskQueue: TQ });
  return { fleet, handle, dir };
}

const result = (id: string) => c.workflow.getHandle(id).result() as Promise<WaveStatus>;

test('abort stops the wave at once: ABORTED, no rollback, the action recorded with who and why', async () => {
  const { handle } = await wave('abort-1');
  await waitForStatus(c, 'abort-1', (s) => s.interim.ticks > 0);
  await handle.signal('abort', { reason: 'deploy pulled', by: 'alice' });
  const s = await result('abort-1');
  expect(s.verdict).toBe('ABORTED');
  expect(s.phase).toBe('aborted');
  expect(s.rollback.executed).toBe(false);
  expect(s.operatorActions).toContainEqual(expect.objectContaining({ kind: 'abort', by: 'alice', reason: 'deploy pulled', accepted: true }));
  expect(s.checkpoints.filter((x) => x.ranAt).length).toBeLessThan(4);
});

test('an agent under test going down triggers the rollback once; its steps run on every host and are recorded', async () => {
  const { fleet } = await wave('crash-auto');
  await waitForStatus(c, 'crash-auto', (s) => s.interim.ticks > 1);
  fleet.model.stop('dgx-2', 'network-expert');
  const s = await result('crash-auto');
  expect(s.verdict).toBe('NO-GO');
  expect(s.rollback.executed).toBe(true);
  // A unit that leaves the active state unexpectedly is down and crashed, and the probe requests it
  // held are lost: whichever of these rules is judged first leads.
  expect(s.rollback.trigger).toEqual(expect.objectContaining({ kind: 'criterion', criterion: expect.stringMatching(/^rollback-(agent-down|agent-crash|message-loss)$/) }));
  expect(s.rollback.ok).toBe(true);
  expect(s.rollback.steps.map((x) => x.state)).toEqual(['done', 'done']);
  const stop = s.rollback.steps[0].targets;
  // The unit that was already down is skipped (idempotent step); the five others are stopped.
  expect(stop.find((t) => t.target === 'dgx-2/network-expert')?.outcome).toBe('skipped');
  expect(stop.filter((t) => t.outcome === 'done')).toHaveLength(5);
  for (const h of ['dgx-1', 'dgx-2', 'dgx-3'])
    for (const a of ['network-expert', 'tdd-expert']) {
      expect(fleet.model.unit(h, a).activeState).not.toBe('active');
      expect(fleet.model.unit(h, a).enabled).toBe(false);
    }
  // Control agents are not touched by the rollback.
  expect(fleet.model.unit('dgx-1', 'nix-expert').activeState).toBe('active');
  expect(s.rollback.verification).toMatch(/0\/6 agent units active/);
});

test('a control agent going down raises an alert but never rolls the wave back', async () => {
  const { fleet } = await wave('control-down', { scale: 1440 });
  await waitForStatus(c, 'control-down', (s) => s.interim.ticks > 1);
  fleet.model.stop('dgx-1', 'qa-expert');
  const firing = await waitForStatus(c, 'control-down', (s) => s.alerts.some((a) => a.scope === 'control' && a.rule === 'agent-inactive' && a.state === 'firing'));
  const alert = firing.alerts.find((a) => a.scope === 'control' && a.rule === 'agent-inactive')!;
  // Acknowledged by a person: recorded with who and why, in the status and the alert log.
  const ack = await c.workflow.getHandle('control-down').executeUpdate('acknowledgeAlert', { args: [{ alertId: alert.id, by: 'frank', note: 'qa-expert is being replaced' }] });
  expect(ack).toEqual({ alertId: alert.id, state: 'acknowledged' });
  const s = await result('control-down');
  expect(s.rollback.trigger).toBeNull();
  expect(s.operatorActions).toContainEqual(expect.objectContaining({ kind: 'acknowledgeAlert', by: 'frank', accepted: true }));
  const logged = readFileSync(join(root, 'control-down', 'alerts.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  expect(logged).toContainEqual(expect.objectContaining({ alertId: alert.id, event: 'acknowledged', by: 'frank' }));
});

test('policy hold turns the automatic rollback into a hold; resume dismisses it and monitoring goes on', async () => {
  const { fleet, handle } = await wave('crash-hold', { policy: 'hold', scale: 720 });
  await waitForStatus(c, 'crash-hold', (s) => s.interim.ticks > 0);
  fleet.model.stop('dgx-1', 'tdd-expert');
  const held = await waitForStatus(c, 'crash-hold', (s) => s.phase === 'holding');
  expect(held.hold?.criterion).toMatch(/^rollback-agent-(down|crash)$/);
  expect(held.rollback.requested).toBe(false);
  // The hold pages the incident recipients once: the escalation to a human.
  // (Only this wave of the suite runs with policy hold.)
  const holdMails = () => sink.messages.filter((m) => !m.duplicate && /Held for a human decision/.test(m.subject));
  for (let i = 0; i < 100 && holdMails().length === 0; i++) await new Promise((r) => setTimeout(r, 200));
  expect(holdMails()).toHaveLength(1);
  fleet.model.start('dgx-1', 'tdd-expert');
  await handle.signal('resume', { reason: 'restarted by hand', by: 'bob' });
  const resumed = await waitForStatus(c, 'crash-hold', (s) => s.operatorActions.some((a) => a.kind === 'resume'));
  expect(resumed.operatorActions.find((a) => a.kind === 'resume')?.note).toMatch(/hold dismissed/);
  await handle.signal('abort', { reason: 'test over' });
  expect((await result('crash-hold')).rollback.executed).toBe(false);
});

test('policy observe never acts on a rollback criterion', async () => {
  const { fleet, handle } = await wave('crash-observe', { policy: 'observe', scale: 720 });
  await waitForStatus(c, 'crash-observe', (s) => s.interim.ticks > 0);
  fleet.model.stop('dgx-3', 'network-expert');
  const s = await waitForStatus(c, 'crash-observe', (x) => x.interim.firing.some((r) => r.id === 'rollback-agent-down'));
  expect(s.phase).toBe('monitoring');
  await new Promise((r) => setTimeout(r, 1500));
  await handle.signal('abort', { reason: 'test over' });
  const end = await result('crash-observe');
  expect(end.rollback.requested).toBe(false);
  expect(end.verdict).toBe('ABORTED');
});

test('pause suspends automatic rollback; an operator rollback (update) still runs, once, and answers', async () => {
  const { fleet, handle } = await wave('pause-rollback', { scale: 720 });
  await waitForStatus(c, 'pause-rollback', (s) => s.interim.ticks > 0);
  await handle.signal('pause', { reason: 'maintenance window', by: 'carol' });
  await waitForStatus(c, 'pause-rollback', (s) => s.paused);
  fleet.model.stop('dgx-1', 'network-expert');
  const suppressed = await waitForStatus(c, 'pause-rollback', (s) => s.operatorActions.some((a) => a.kind === 'automation'));
  expect(suppressed.rollback.requested).toBe(false);
  expect(suppressed.operatorActions.find((a) => a.kind === 'automation')?.note).toMatch(/suppressed: automation paused/);

  const [first, second] = await Promise.all([
    handle.executeUpdate('rollback', { args: [{ reason: 'operator call', by: 'carol' }] }),
    handle.executeUpdate('rollback', { args: [{ reason: 'again', by: 'dave' }] }),
  ]);
  await handle.signal('requestRollback', { reason: 'and once more' });
  expect([first, second].filter((o: any) => o.startedByThisRequest)).toHaveLength(1);
  expect(first).toEqual(expect.objectContaining({ executed: true, ok: true }));
  const s = await result('pause-rollback');
  expect(s.verdict).toBe('NO-GO');
  // The two updates race: whichever the workflow took first is the trigger, the other changed nothing.
  const winner = (first as { startedByThisRequest: boolean }).startedByThisRequest ? 'carol' : 'dave';
  expect(s.rollback.trigger).toEqual(expect.objectContaining({ kind: 'operator', by: winner }));
  const rollbacks = s.operatorActions.filter((a) => a.kind === 'rollback' || a.kind === 'requestRollback');
  expect(rollbacks.filter((a) => a.note?.includes('already requested')).length).toBeGreaterThanOrEqual(1);
  // Each step ran once in effect: the stop step stopped each running unit once.
  expect(s.rollback.steps[0].targets.filter((t) => t.outcome === 'done')).toHaveLength(5);
});

test('updates: bad arguments are refused by the validator with a reason; extendWave, collectNow and waiveCriterion work', async () => {
  const { handle, dir } = await wave('updates', { scale: 720 });
  await waitForStatus(c, 'updates', (s) => s.interim.ticks > 0);
  const refused = async (name: string, arg: unknown) => {
    const err = await handle.executeUpdate(name, { args: [arg as object] }).then(
      () => null,
      (e) => e,
    );
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    return String((err as WorkflowUpdateFailedError).cause?.message);
  };
  expect(await refused('extendWave', { duration: 'soon', reason: 'x' })).toMatch(/"duration" must be a positive duration/);
  expect(await refused('extendWave', { duration: '2h' })).toMatch(/"reason" must be a non-empty string/);
  expect(await refused('rollback', 'now please')).toMatch(/takes one JSON object/);
  expect(await refused('rollback', { reason: 'x', force: true })).toMatch(/unknown field\(s\): force/);
  expect(await refused('waiveCriterion', { criterion: 'no-such-rule', reason: 'x' })).toMatch(/unknown criterion "no-such-rule"/);
  expect(await refused('acknowledgeAlert', { alertId: 'nope' })).toMatch(/unknown alert "nope"/);
  // A refused update leaves no trace in the wave.
  const before = await handle.query<WaveStatus>('status');
  expect(before.operatorActions).toHaveLength(0);
  expect(before.rollback.trigger).toBeNull();

  const due = Date.parse(before.endsAt);
  const ext = await handle.executeUpdate<{ finalCheckpointDueAt: string }, [object]>('extendWave', { args: [{ duration: '2h', reason: 'weekend', by: 'erin' }] });
  expect(Date.parse(ext.finalCheckpointDueAt) - due).toBe(Math.round(7_200_000 / 720));

  const manual = await handle.executeUpdate<{ name: string; artifactsDir: string }, [object]>('collectNow', { args: [{ reason: 'spot check', by: 'erin' }] });
  expect(manual.name).toBe('manual-1');
  expect(existsSync(join(manual.artifactsDir, 'agent_status.json'))).toBe(true);
  expect(manual.artifactsDir).toBe(join(dir, 'checkpoints', 'manual-1'));

  const waived = await handle.executeUpdate<{ criterion: string }, [object]>('waiveCriterion', { args: [{ criterion: 'publish-time', reason: 'measured elsewhere', by: 'erin' }] });
  expect(waived.criterion).toBe('publish-time');
  // A malformed signal cannot be refused; it is recorded as not accepted and changes nothing.
  await handle.signal('abort', { because: 'typo' } as never);
  const s = await waitForStatus(c, 'updates', (x) => x.operatorActions.some((a) => a.kind === 'abort'));
  expect(s.phase).toBe('monitoring');
  expect(s.operatorActions.find((a) => a.kind === 'abort')).toEqual(expect.objectContaining({ accepted: false }));
  expect(s.operatorActions.map((a) => a.kind)).toEqual(['extendWave', 'collectNow', 'waiveCriterion', 'abort']);
  await handle.signal('abort', { reason: 'test over' });
  await result('updates');
  // After the end: messages are refused.
  const late: unknown = await handle.executeUpdate('collectNow', { args: [{ reason: 'too late' }] }).catch((e: unknown) => e);
  expect(String((late as Error)?.message ?? late)).toMatch(/not found|completed|ended/i);
});

test('the artifacts of a checkpoint are whole JSON files in the spec layout', async () => {
  const s = await waitForStatus(c, 'abort-1', () => true).catch(async () => result('abort-1'));
  const cp = s.checkpoints.find((x) => x.ranAt);
  if (!cp) return expect(s.checkpoints.every((x) => !x.ranAt)).toBe(true);
  const summary = JSON.parse(readFileSync(join(cp.artifactsDir!, 'summary.json'), 'utf8'));
  expect(summary.checkpoint).toBe(cp.name);
  const agents = JSON.parse(readFileSync(join(cp.artifactsDir!, 'agent_status.json'), 'utf8'));
  expect(agents.agents).toHaveLength(12);
});

/** `wavewatch <args>` against this suite's server: exit code and stderr. */
function cli(...args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  return new Promise((res) => {
    execFile(process.execPath, [join(__dirname, '../../bin/wavewatch.js'), ...args], { env: { ...process.env, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: 'default' } }, (err, stdout, stderr) =>
      res({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test('the CLI: a wrong wave, a finished wave or a malformed argument gets one clear line and a non-zero exit, and changes nothing', async () => {
  const { handle } = await wave('cli-input', { scale: 720 });
  await waitForStatus(c, 'cli-input', (s) => s.interim.ticks > 0);
  const [unknown, noReason, badDuration, badAlert, badCriterion] = await Promise.all([
    cli('abort', 'no-such-wave', '--reason', 'x'),
    cli('abort', 'cli-input'),
    cli('extend', 'cli-input', '--duration', 'soon', '--reason', 'x'),
    cli('ack', 'cli-input', '--alert', 'nope'),
    cli('waive', 'cli-input', '--criterion', 'no-such-rule', '--reason', 'x'),
  ]);
  const oneLine = (r: { stderr: string }) => r.stderr.trim().split('\n').length === 1;
  expect([unknown.code, unknown.stderr]).toEqual([1, expect.stringMatching(/no-such-wave/)]);
  expect(noReason.code).not.toBe(0);
  expect(noReason.stderr).toMatch(/--reason/);
  expect([badDuration.code, badDuration.stderr]).toEqual([2, expect.stringMatching(/"duration" must be a positive duration/)]);
  expect([badAlert.code, badAlert.stderr]).toEqual([2, expect.stringMatching(/unknown alert "nope"/)]);
  expect([badCriterion.code, badCriterion.stderr]).toEqual([2, expect.stringMatching(/unknown criterion "no-such-rule"/)]);
  for (const r of [unknown, badDuration, badAlert, badCriterion]) expect([oneLine(r), r.stderr]).toEqual([true, r.stderr]);
  // Nothing changed in the wave.
  const s = await handle.query<WaveStatus>('status');
  expect([s.phase, s.operatorActions, s.waivers]).toEqual(['monitoring', [], []]);

  expect((await cli('abort', 'cli-input', '--reason', 'test over', '--by', 'gina')).code).toBe(0);
  expect((await result('cli-input')).verdict).toBe('ABORTED');
  const late = await cli('pause', 'cli-input', '--reason', 'too late');
  expect([late.code, late.stderr]).toEqual([1, expect.stringMatching(/has ended/)]);
  expect(oneLine(late)).toBe(true);
});

test('an alert log the worker cannot write: the wave still rolls back, and says loudly that its log is failing', async () => {
  // a regular file where the log's folder should be: not writable, even for root
  const blocker = join(root, 'log-blocked', 'not-a-folder');
  mkdirSync(join(root, 'log-blocked'), { recursive: true });
  writeFileSync(blocker, '');
  const { fleet } = await wave('log-blocked', { change: (p) => (p.output.alertLog = join(blocker, 'alerts.log')) });
  await waitForStatus(c, 'log-blocked', (s) => s.interim.ticks > 1);
  // a control agent down: an alert to log, and the log fails
  fleet.model.stop('dgx-1', 'qa-expert');
  const failing = await waitForStatus(c, 'log-blocked', (s) => s.alerts.some((a) => a.rule === 'wavewatch-alert-log'));
  expect(failing.phase).toBe('monitoring');
  // the wave goes on deciding: an agent under test down rolls it back
  fleet.model.stop('dgx-1', 'network-expert');
  const s = await result('log-blocked');
  expect(s.verdict).toBe('NO-GO');
  expect(s.rollback.executed).toBe(true);
  expect(s.rollback.ok).toBe(true);
  expect(s.alerts).toContainEqual(expect.objectContaining({ rule: 'wavewatch-alert-log', severity: 'critical', state: 'firing' }));
  expect(s.problems.join('\n')).toMatch(/alert log .*not-a-folder\/alerts\.log cannot be written: .*(ENOTDIR|EEXIST)/);
});

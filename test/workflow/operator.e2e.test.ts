// The operator interface and the rollback procedure on whole compressed waves: a real Temporal dev
// server, a worker on the bundled workflow, a simulated fleet per wave. Waves run side by side.
import type { Client } from '@temporalio/client';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
  const { fleet, handle } = await wave('control-down', { scale: 1440 });
  await waitForStatus(c, 'control-down', (s) => s.interim.ticks > 1);
  fleet.model.stop('dgx-1', 'qa-expert');
  const firing = await waitForStatus(c, 'control-down', (s) => s.alerts.some((a) => a.scope === 'control' && a.rule === 'agent-inactive' && a.state === 'firing'));
  const alert = firing.alerts.find((a) => a.scope === 'control' && a.rule === 'agent-inactive')!;
  // Acknowledged by a person: recorded with who and why, in the status and the alert log.
  const ack = await handle.executeUpdate('acknowledgeAlert', { args: [{ alertId: alert.id, by: 'frank', note: 'qa-expert is being replaced' }] });
  expect(ack).toEqual({ alertId: alert.id, state: 'acknowledged' });
  // Every tick since the stop and a checkpoint judged with the control agent down (T+6h, 5 plan
  // hours later): each could have rolled back, none did. The rest of the wave adds nothing to prove.
  const judged = await waitForStatus(c, 'control-down', (s) => s.checkpoints[1].ranAt !== null);
  expect([judged.phase, judged.rollback.requested, judged.rollback.trigger]).toEqual(['monitoring', false, null]);
  expect(judged.interim.ticks).toBeGreaterThan(3);
  expect(judged.operatorActions).toContainEqual(expect.objectContaining({ kind: 'acknowledgeAlert', by: 'frank', accepted: true }));
  await handle.signal('abort', { reason: 'test over' });
  expect((await result('control-down')).rollback.executed).toBe(false);
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

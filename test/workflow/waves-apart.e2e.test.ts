// Two waves of one plan (one output folder, one fleet) on a real Temporal dev server: a second start
// while one runs is refused unless the operator names it (--id), then the two run at once; and a
// re-run after an abort. Nothing is read, written or counted across waves: each has its own
// observation log, the spec's layout is the latest wave's, and earlier waves' files are kept.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { TemporalDevServer } from '../../src/stack/temporal-server';
import type { LocalFleet } from '../../src/stack/local-stack';
import type { WaveStatus } from '../../src/model/status';
import { runningWavesOf, startWave, WaveCommandError } from '../../src/client/waves';
import { client, localPlan, startFleet, startTemporal, startWorker, tempDir, waitForStatus, type RunningWorker } from '../helpers/wave-env';

jest.setTimeout(300_000);

const TQ = 'waves-apart';
// 24 h in 30 s, as the operator tests.
const SCALE = 2880;
const root = tempDir('waves-apart');
let temporal: TemporalDevServer;
let worker: RunningWorker;
let fleet: LocalFleet;
let c: Client;

beforeAll(async () => {
  temporal = await startTemporal();
  fleet = await startFleet(localPlan(root), root);
  worker = await startWorker(temporal.address, root, TQ);
  c = await client(temporal.address);
});

afterAll(async () => {
  await c?.connection.close();
  await worker?.stop();
  await fleet?.stop();
  await temporal?.stop();
});

const out = () => fleet.plan.output.dir;
const start = (waveId: string, besideRunning = false) =>
  startWave(c, fleet.plan, { waveId, timeScale: SCALE, policy: 'auto', startAtMs: Date.now(), taskQueue: TQ, besideRunning });
const result = (id: string) => c.workflow.getHandle(id).result() as Promise<WaveStatus>;
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
/** The seqs of a wave's observation log, in file order. */
const seqs = (waveId: string) =>
  readFileSync(join(out(), 'waves', waveId, 'observations.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).seq as number);
const waveIdsOf = (alertLog: string) => (existsSync(alertLog) ? readFileSync(alertLog, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l).waveId) : []);
const why = (s: WaveStatus) => JSON.stringify({ checkpoints: s.checkpoints.map((x) => [x.name, x.verdict, x.note]), rollback: s.rollback.trigger, problems: s.problems });

/** Each wave numbered its own collections 1..n, each once; nothing of another wave is in its log. */
function ownLog(waveId: string) {
  const s = seqs(waveId);
  expect(new Set(s).size).toBe(s.length);
  expect([...s].sort((a, b) => a - b)).toEqual(s.map((_, i) => i + 1));
}

test('a second start while a wave of the plan runs is refused; with --id both run at once, kept apart', async () => {
  await start('apart-a');
  // Visibility lists the running wave within moments.
  for (let i = 0; i < 100 && !(await runningWavesOf(c, fleet.plan)).includes('apart-a'); i++) await new Promise((r) => setTimeout(r, 100));
  const refused = await start('apart-refused').then(
    () => null,
    (err: unknown) => err,
  );
  expect(refused).toBeInstanceOf(WaveCommandError);
  expect((refused as Error).message).toBe(
    `wave "apart-a" of this plan (output ${out()}) is still running: wait for it to end, abort it, or start this one beside it with --id <new id>`,
  );
  expect((refused as Error).message.split('\n')).toHaveLength(1);

  await start('apart-b', true);
  const [a, b] = await Promise.all([result('apart-a'), result('apart-b')]);
  for (const s of [a, b]) expect([s.verdict, why(s)]).toEqual(['GO', why(s)]);

  ownLog('apart-a');
  ownLog('apart-b');
  expect(existsSync(join(out(), 'observations.jsonl'))).toBe(false);
  // The running wave kept the spec's layout; the one started beside it wrote under waves/apart-b/.
  const mine = join(out(), 'waves', 'apart-b');
  for (const cp of fleet.plan.checkpoints) {
    expect(json(join(out(), cp.name, 'summary.json')).waveId).toBe('apart-a');
    expect(json(join(mine, cp.name, 'summary.json')).waveId).toBe('apart-b');
  }
  expect(json(join(out(), 'wave.json')).waveId).toBe('apart-a');
  expect(json(join(mine, 'wave.json')).waveId).toBe('apart-b');
  expect(waveIdsOf(fleet.plan.output.alertLog).every((id) => id === 'apart-a')).toBe(true);
  expect(waveIdsOf(join(mine, 'alerts.log')).every((id) => id === 'apart-b')).toBe(true);
  expect(readFileSync(join(mine, 'REPORT.md'), 'utf8')).toContain('apart-b');
  expect(json(join(out(), '.current-wave')).waveId).toBe('apart-a');
});

test("a re-run after an abort: the aborted wave's files move to waves/<id>/ and the re-run reads nothing of them", async () => {
  await start('rerun-1');
  await waitForStatus(c, 'rerun-1', (s) => s.checkpoints[0].ranAt !== null && s.interim.ticks > 2);
  await c.workflow.getHandle('rerun-1').signal('abort', { reason: 'bad deploy, redo', by: 'alice' });
  expect((await result('rerun-1')).verdict).toBe('ABORTED');
  expect(json(join(out(), 'wave.json')).waveId).toBe('rerun-1');
  const abortedLog = readFileSync(join(out(), 'waves', 'rerun-1', 'observations.jsonl'), 'utf8');

  const s = await (await start('rerun-2')).result() as WaveStatus;
  expect([s.verdict, why(s)]).toEqual(['GO', why(s)]);
  // The aborted wave's memory is untouched and its human files are kept in its folder.
  expect(readFileSync(join(out(), 'waves', 'rerun-1', 'observations.jsonl'), 'utf8')).toBe(abortedLog);
  const kept = join(out(), 'waves', 'rerun-1');
  expect(json(join(kept, 'wave.json'))).toEqual(expect.objectContaining({ waveId: 'rerun-1', verdict: 'ABORTED' }));
  expect(json(join(kept, 'T+1h', 'summary.json')).waveId).toBe('rerun-1');
  expect(waveIdsOf(join(kept, 'alerts.log')).every((id) => id === 'rerun-1')).toBe(true);
  // The first test's owner moved when rerun-1 started; its folder has its files and its log.
  expect(json(join(out(), 'waves', 'apart-a', 'wave.json')).waveId).toBe('apart-a');
  ownLog('apart-a');
  // The spec's layout is the re-run's, numbered from its own first collection.
  ownLog('rerun-2');
  expect(json(join(out(), '.current-wave')).waveId).toBe('rerun-2');
  expect(json(join(out(), 'wave.json')).waveId).toBe('rerun-2');
  for (const cp of fleet.plan.checkpoints) expect(json(join(out(), cp.name, 'summary.json')).waveId).toBe('rerun-2');
  expect(waveIdsOf(fleet.plan.output.alertLog).every((id) => id === 'rerun-2')).toBe(true);
});

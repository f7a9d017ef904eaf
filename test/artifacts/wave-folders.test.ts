// Two waves of one plan share its output folder: each keeps its own memory (observation log,
// stored plan) under waves/<waveId>/, and the spec's layout belongs to the latest wave started.
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalArtifactStore, MemoryArtifactStore, type ArtifactStore } from '../../src/artifacts/store';
import { ObservationLog, type LogEntry } from '../../src/artifacts/observation-log';
import { claimLayout, layoutPlan, readLayoutOwner, waveDir } from '../../src/artifacts/wave-folders';
import { createActivities } from '../../src/activities';
import { SshPools } from '../../src/activities/ssh-pools';
import type { AlertsInput } from '../../src/activities/types';
import type { Plan } from '../../src/plan/schema';
import { wave2Plan } from './fixtures';

let root: string;
let plan: Plan;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ww-waves-'));
  plan = wave2Plan();
  // The alert log and the documents outside output.dir, as in plans/wave2.yaml's layout.
  plan.output = { dir: join(root, 'out'), alertLog: join(root, 'alerts.log'), decisionDoc: join(root, 'DECISION.md'), reportDoc: join(root, 'REPORT.md') };
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A log entry whose observation carries which wave wrote it (the log does not look inside). */
const entry = (seq: number, wave: string): LogEntry => ({ seq, observation: { at: seq * 1000, wave } as never, carry: { cursor: `${wave}-${seq}` } as never, sample: null });
const waveOf = (e: LogEntry | null) => (e ? (e.observation as unknown as { wave: string }).wave : null);

describe('each wave has its own observation log', () => {
  it('interleaved appends of two waves of one plan stay apart, seq by seq', async () => {
    const store = new LocalArtifactStore(root);
    const a = new ObservationLog(store, waveDir(plan, 'wave-a'));
    const b = new ObservationLog(store, waveDir(plan, 'wave-b'));
    for (let seq = 1; seq <= 4; seq++) {
      await a.append(entry(seq, 'a'));
      await b.append(entry(seq, 'b'));
    }
    expect((await a.entries()).map(waveOf)).toEqual(['a', 'a', 'a', 'a']);
    expect((await b.entries()).map(waveOf)).toEqual(['b', 'b', 'b', 'b']);
    expect(waveOf(await a.before(3))).toBe('a');
    expect(existsSync(join(root, 'out/waves/wave-a/observations.jsonl'))).toBe(true);
    expect(existsSync(join(root, 'out/observations.jsonl'))).toBe(false);
  });

  it('a re-run whose first collections failed continues from nothing of the aborted wave', async () => {
    const store = new LocalArtifactStore(root);
    const old = new ObservationLog(store, waveDir(plan, 'wave-a'));
    for (let seq = 1; seq <= 5; seq++) await old.append(entry(seq, 'a'));
    // The re-run's seq 1 and 2 failed (nothing appended): seq 3 must start from the monitoring
    // start, not from the old wave's cursor and time, and its history holds none of the old samples.
    const rerun = new ObservationLog(store, waveDir(plan, 'wave-b'));
    expect(await rerun.before(3)).toBeNull();
    expect(await rerun.entries(3)).toEqual([]);
    await rerun.append(entry(3, 'b'));
    expect((await rerun.entries()).map(waveOf)).toEqual(['b']);
    expect((await old.entries()).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('a wave id that would climb out of its folder is refused', () => {
    expect(() => waveDir(plan, '../x')).toThrow(/cannot name a folder/);
    expect(() => waveDir(plan, 'a/b')).toThrow(/cannot name a folder/);
  });
});

async function writeHumanFiles(store: ArtifactStore, p: Plan, who: string) {
  await store.write(`${p.output.dir}/T+1h/summary.json`, `{"waveId":"${who}"}`);
  await store.write(`${p.output.dir}/hourly/T+01h.json`, `{"by":"${who}"}`);
  await store.write(`${p.output.dir}/wave.json`, `{"waveId":"${who}"}`);
  await store.appendLine(p.output.alertLog, `{"waveId":"${who}","id":"x"}`);
  await store.write(p.output.reportDoc, `report of ${who}`);
}

describe("the spec's layout belongs to the latest wave", () => {
  it("a new wave moves the previous wave's files to waves/<previous>/, where that wave then writes", async () => {
    const store = new LocalArtifactStore(root);
    expect(await claimLayout(store, plan, 'wave-a')).toBeNull(); // nothing there yet
    await writeHumanFiles(store, await layoutPlan(store, plan, 'wave-a'), 'wave-a');
    expect(readFileSync(join(root, 'out/T+1h/summary.json'), 'utf8')).toContain('wave-a');

    expect(await claimLayout(store, plan, 'wave-b')).toBe('wave-a');
    expect((await readLayoutOwner(store, plan))?.waveId).toBe('wave-b');
    const kept = join(root, 'out/waves/wave-a');
    expect(readFileSync(join(kept, 'T+1h/summary.json'), 'utf8')).toContain('wave-a');
    expect(readFileSync(join(kept, 'hourly/T+01h.json'), 'utf8')).toContain('wave-a');
    expect(readFileSync(join(kept, 'alerts.log'), 'utf8')).toContain('wave-a');
    expect(readFileSync(join(kept, 'REPORT.md'), 'utf8')).toBe('report of wave-a');
    for (const gone of ['out/T+1h', 'out/hourly', 'out/wave.json', 'alerts.log', 'REPORT.md']) expect(existsSync(join(root, gone))).toBe(false);

    // The old wave (still finishing) writes to its own folder now; the new one to the spec's layout.
    const a = await layoutPlan(store, plan, 'wave-a');
    expect(a.output).toEqual({ dir: join(root, 'out/waves/wave-a'), alertLog: join(kept, 'alerts.log'), decisionDoc: join(kept, 'DECISION.md'), reportDoc: join(kept, 'REPORT.md') });
    expect((await layoutPlan(store, plan, 'wave-b')).output).toEqual(plan.output);
  });

  it('is idempotent: a retry after a crash halfway through the move completes it, then nothing changes', async () => {
    const store = new MemoryArtifactStore(root);
    await claimLayout(store, plan, 'wave-a');
    await writeHumanFiles(store, plan, 'wave-a');
    // A crash after the first move, before the marker: hourly/ already moved, the rest not.
    await store.move(`${plan.output.dir}/hourly`, `${plan.output.dir}/waves/wave-a/hourly`);
    expect(await claimLayout(store, plan, 'wave-b')).toBe('wave-a');
    const files = () => [...store.files.keys()].map((k) => k.slice(root.length + 1)).sort();
    const after = files();
    expect(after).toEqual([
      'out/.current-wave',
      'out/waves/wave-a/REPORT.md',
      'out/waves/wave-a/T+1h/summary.json',
      'out/waves/wave-a/alerts.log',
      'out/waves/wave-a/hourly/T+01h.json',
      'out/waves/wave-a/wave.json',
    ]);
    expect(await claimLayout(store, plan, 'wave-b')).toBeNull();
    expect(files()).toEqual(after);
  });

  it('files left by a wave from before the marker go to the folder of the wave they name', async () => {
    const store = new MemoryArtifactStore(root);
    await writeHumanFiles(store, plan, 'wave-old');
    expect(await claimLayout(store, plan, 'wave-b')).toBe('wave-old');
    expect(await store.read(`${plan.output.dir}/waves/wave-old/wave.json`)).toContain('wave-old');
  });
});

describe('activities key every file by the wave id', () => {
  const activities = (store: ArtifactStore) => createActivities({ store, pools: new SshPools(), mail: null });
  const alertsInput = (planRef: AlertsInput['planRef'], waveId: string): AlertsInput => ({
    planRef,
    waveId,
    startAtMs: 0,
    timeScale: 1,
    status: { alerts: [] },
    notifications: [],
    // The same alert event of the same plan: one wave's line must not stand for the other's.
    entries: [{ id: 'load:dgx-1:1:fired', at: '2026-01-23T14:00:00.000Z', event: 'fired', alertId: 'load:dgx-1:1', rule: 'load', scope: 'dgx-1', severity: 'warning', state: 'firing', value: 3, threshold: 2, message: 'load 3', notified: false }],
  });

  it('stored plans, alert logs and the layout claim: a re-run and a wave started beside a running one', async () => {
    const store = new LocalArtifactStore(root);
    const acts = activities(store);
    const refA = await acts.storePlan({ plan, waveId: 'wave-a' });
    expect(refA.file.startsWith(join(root, 'out/waves/wave-a/plans/'))).toBe(true);
    await acts.recordAlerts(alertsInput(refA, 'wave-a'));
    expect(readFileSync(plan.output.alertLog, 'utf8')).toContain('"waveId":"wave-a"');

    // Started beside wave-a (a running wave of the plan): it claims nothing, writes its own folder.
    const refS = await acts.storePlan({ plan, waveId: 'wave-s', besideWave: 'wave-a' });
    expect((await readLayoutOwner(store, plan))?.waveId).toBe('wave-a');
    await acts.recordAlerts(alertsInput(refS, 'wave-s'));
    expect(readFileSync(join(root, 'out/waves/wave-s/alerts.log'), 'utf8')).toContain('"waveId":"wave-s"');
    expect(readFileSync(plan.output.alertLog, 'utf8')).not.toContain('wave-s');

    // A re-run after wave-a ended: wave-a's alert log moves to its folder; the re-run's own event
    // is written (not taken for wave-a's line with the same id).
    const refB = await acts.storePlan({ plan, waveId: 'wave-b' });
    await acts.recordAlerts(alertsInput(refB, 'wave-b'));
    const lines = readFileSync(plan.output.alertLog, 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).waveId)).toEqual(['wave-b']);
    expect(readFileSync(join(root, 'out/waves/wave-a/alerts.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).waveId)).toEqual(['wave-a']);

    // wave-a continuing as new (its folder has its plan) takes nothing back.
    await acts.storePlan({ plan, waveId: 'wave-a' });
    expect((await readLayoutOwner(store, plan))?.waveId).toBe('wave-b');
  });
});

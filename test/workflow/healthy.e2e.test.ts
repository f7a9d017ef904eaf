// The main job, undisturbed: the whole Wave 2 schedule of plans/local.yaml (a copy with free ports),
// compressed, on a real Temporal dev server and a simulated fleet, through every checkpoint to GO —
// every file of the spec's layout written and whole, the reports rendered, no false alert.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { checkpointFiles } from '../../src/artifacts/layout';
import type { WaveStatus } from '../../src/model/status';
import { validate } from '../artifacts/jsonschema';
import { startMailSink } from '../../src/notify/sink';
import { client, localPlan, runWave, startFleet, startTemporal, startWorker, tempDir } from '../helpers/wave-env';

// A watcher may still be saving (its report's temporary file is in the folder): whole reports only.
const isReport = (f: string) => f.endsWith('.json');

jest.setTimeout(300_000);

// The JSON Schema checked in beside the code: what readers of summary.json rely on.
const SUMMARY_SCHEMA = JSON.parse(readFileSync(join(__dirname, '../../schemas/summary.schema.json'), 'utf8'));

test('a healthy wave runs every checkpoint to GO and leaves the spec\'s files', async () => {
  const root = tempDir('healthy');
  const temporal = await startTemporal();
  const fleet = await startFleet(localPlan(root), root);
  const sink = await startMailSink({ dir: join(root, 'mail') });
  const worker = await startWorker(temporal.address, root, 'healthy', sink.env());
  let c: Client | null = null;
  try {
    c = await client(temporal.address);
    const handle = await runWave(c, fleet.plan, { waveId: 'healthy-1', timeScale: 1440, taskQueue: 'healthy' });
    const s = (await handle.result()) as WaveStatus;
    const why = JSON.stringify({ checkpoints: s.checkpoints.map((x) => [x.name, x.verdict, x.criteria.filter((r) => r.outcome !== 'pass').map((r) => `${r.id}:${r.outcome}:${r.note}`)]), rollback: s.rollback.trigger, alerts: s.alerts, problems: s.problems });

    expect([s.verdict, why]).toEqual(['GO', why]);
    expect(s.rollback.requested).toBe(false);
    // No page: nothing critical, nothing left open. (A warning-level latency alert can appear and
    // resolve when the test machine itself stalls: then the control agents show it at the same time.)
    expect(s.alerts.filter((a) => a.severity === 'critical')).toEqual([]);
    expect(s.alerts.filter((a) => a.state !== 'resolved')).toEqual([]);
    for (const a of s.alerts.filter((x) => x.scope === 'test'))
      expect(s.alerts.some((b) => b.scope === 'control' && b.rule === a.rule && b.firstFiredAt === a.firstFiredAt)).toBe(true);
    expect(s.checkpoints.map((x) => x.name)).toEqual(['T+1h', 'T+6h', 'T+12h', 'T+24h']);
    expect(s.checkpoints.every((x) => x.verdict !== 'FAIL')).toBe(true);
    expect(s.interim.ticks).toBeGreaterThan(3);
    // The continuous watch watched the whole wave and saw nothing begin: no tick asked for, no event.
    expect(s.interim.watch).toEqual({ ticksAsked: 0, ticksAskedCoalesced: 0, note: null });
    const watchDir = join(fleet.plan.output.dir, 'waves', 'healthy-1', 'watch');
    const reports = readdirSync(watchDir).filter(isReport).map((f) => JSON.parse(readFileSync(join(watchDir, f), 'utf8')) as { events: unknown[]; probesSent: number });
    expect(reports.length).toBeGreaterThanOrEqual(1);
    expect(reports.flatMap((r) => r.events)).toEqual([]);
    expect(reports.reduce((n, r) => n + r.probesSent, 0)).toBeGreaterThan(0);

    // The spec's layout, per checkpoint, with the extra files its actions ask for.
    const plan = fleet.plan;
    for (const cp of plan.checkpoints) {
      const dir = join(plan.output.dir, cp.name);
      for (const f of checkpointFiles(cp.actions)) expect([cp.name, f, existsSync(join(dir, f))]).toEqual([cp.name, f, true]);
      const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
      expect(validate(SUMMARY_SCHEMA, summary)).toEqual([]);
      expect(summary.checkpoint).toBe(cp.name);
    }
    for (const [cp, f] of [['T+6h', 'analysis.txt'], ['T+6h', 'comparison.json'], ['T+12h', 'trends.txt'], ['T+24h', 'final_analysis.md'], ['T+24h', 'aggregate_metrics.json']])
      expect(existsSync(join(plan.output.dir, cp, f))).toBe(true);
    // The hourly trend files, the decision document and the report with its charts.
    expect(readdirSync(join(plan.output.dir, 'hourly')).filter((f) => f.endsWith('.txt')).length).toBeGreaterThanOrEqual(24);
    const decision = readFileSync(plan.output.decisionDoc, 'utf8');
    expect(decision).toMatch(/GO/);
    const report = readFileSync(plan.output.reportDoc, 'utf8');
    for (const m of report.matchAll(/\]\(([^)]+\.svg)\)/g)) expect(existsSync(join(plan.output.reportDoc, '..', m[1]))).toBe(true);
    // The spec's communication plan: one email per checkpoint and the final one, no incident.
    expect(sink.counts()).toEqual({ checkpoint: 4, final: 1 });
  } finally {
    await c?.connection.close();
    await worker.stop();
    await sink.close();
    await fleet.stop();
    await temporal.stop();
  }
});

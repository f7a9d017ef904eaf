import { mkdtempSync, readFileSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalArtifactStore } from '../../src/artifacts/store';
import { alertLogEntry, alertsFromLog, appendAlertLog, readAlertLog } from '../../src/artifacts/alertlog';
import { listHours, readMonitorSamples } from '../../src/artifacts/hourly';
import { writeHourlyTrend } from '../../src/activities/write-reports';
import type { AlertRecord } from '../../src/artifacts/records/alerts';
import { makeSamples, START, wave2Plan } from './fixtures';

const plan = wave2Plan();
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ww-log-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const alert: AlertRecord = {
  id: 'error-spike:network-expert:1',
  rule: 'error-spike',
  title: 'Error count > 10 in 5-minute window',
  severity: 'warning',
  scope: 'network-expert',
  state: 'firing',
  firstFiredAt: '2026-01-23T14:00:00.000Z',
  lastFiredAt: '2026-01-23T14:00:00.000Z',
  resolvedAt: null,
  acknowledgedAt: null,
  acknowledgedBy: null,
  escalated: false,
  message: '14 errors in 5 min',
  value: 14,
  threshold: 10,
  actionTaken: 'None',
};

describe('alert log (JSON lines at plan.output.alertLog)', () => {
  it('appends each event once, even when the activity retries', async () => {
    const store = new LocalArtifactStore(dir);
    const w = { wave: 'wave2', waveId: 'wave2-run' };
    const fired = alertLogEntry(w, alert, 'fired', alert.firstFiredAt);
    expect(await appendAlertLog(store, plan, fired)).toBe(true);
    expect(await appendAlertLog(store, plan, fired)).toBe(false);
    const esc = alertLogEntry(w, { ...alert, severity: 'critical', escalated: true }, 'escalated', '2026-01-23T14:05:00.000Z');
    await appendAlertLog(store, plan, esc);
    await appendAlertLog(store, plan, alertLogEntry(w, { ...alert, severity: 'critical', state: 'acknowledged' }, 'acknowledged', '2026-01-23T14:07:00.000Z', { by: 'alice' }));
    await appendAlertLog(store, plan, alertLogEntry(w, { ...alert, severity: 'critical', state: 'resolved' }, 'resolved', '2026-01-23T14:20:00.000Z'));
    const text = readFileSync(join(dir, plan.output.alertLog), 'utf8');
    expect(text.trim().split('\n')).toHaveLength(4);
    const entries = await readAlertLog(store, plan);
    expect(entries.map((e) => e.event)).toEqual(['fired', 'escalated', 'acknowledged', 'resolved']);
    const [rebuilt] = alertsFromLog(entries);
    expect(rebuilt).toMatchObject({ id: alert.id, severity: 'critical', state: 'resolved', escalated: true, acknowledgedBy: 'alice', resolvedAt: '2026-01-23T14:20:00.000Z' });
  });

  it('skips a torn line and repeated lines when reading', async () => {
    const store = new LocalArtifactStore(dir);
    const e = alertLogEntry({ wave: 'wave2', waveId: 'w' }, alert, 'fired', alert.firstFiredAt);
    await appendAlertLog(store, plan, e);
    appendFileSync(join(dir, plan.output.alertLog), `${JSON.stringify(e)}\n{"id":"torn","at":"2026`);
    await appendAlertLog(store, plan, alertLogEntry({ wave: 'wave2', waveId: 'w' }, alert, 'reminder', '2026-01-23T15:00:00.000Z'));
    const entries = await readAlertLog(store, plan);
    expect(entries.map((x) => x.event)).toEqual(['fired', 'reminder']);
  });

  it("keeps the alert's condition as fields through the log: metric and op when the record has them, none when an older one lacks them", async () => {
    const store = new LocalArtifactStore(dir);
    const w = { wave: 'wave2', waveId: 'w' };
    await appendAlertLog(store, plan, alertLogEntry(w, { ...alert, metric: 'errors.count_5m', op: '>' }, 'fired', alert.firstFiredAt));
    await appendAlertLog(store, plan, alertLogEntry(w, { ...alert, id: 'older' }, 'fired', alert.firstFiredAt));
    const entries = await readAlertLog(store, plan);
    expect(entries[0]).toMatchObject({ metric: 'errors.count_5m', op: '>', value: 14, threshold: 10 });
    expect(entries[1]).not.toHaveProperty('metric');
    const [withCondition, older] = alertsFromLog(entries);
    expect(withCondition).toMatchObject({ metric: 'errors.count_5m', op: '>', value: 14, threshold: 10 });
    expect(older).not.toHaveProperty('metric');
    expect(older).not.toHaveProperty('op');
  });
});

describe('hourly trend files', () => {
  it('writes one text file and one data file per hour beside the checkpoints', async () => {
    const store = new LocalArtifactStore(dir);
    const samples = makeSamples(plan, 3);
    for (let h = 1; h <= 3; h++) {
      const from = new Date(Date.parse(START) + (h - 1) * 3_600_000).toISOString();
      const to = new Date(Date.parse(START) + h * 3_600_000).toISOString();
      const r = await writeHourlyTrend(store, plan, { waveId: 'w', hour: h, from, to, samples: samples.filter((s) => s.at > from && s.at <= to) });
      expect(r).toEqual({ text: `${plan.output.dir}/hourly/T+0${h}h.txt`, data: `${plan.output.dir}/hourly/T+0${h}h.json` });
    }
    expect(await listHours(store, plan)).toEqual([1, 2, 3]);
    expect(await readMonitorSamples(store, plan)).toEqual(samples);
    const text = readFileSync(join(dir, plan.output.dir, 'hourly/T+02h.txt'), 'utf8');
    expect(text).toMatch(/^Hourly trend analysis — Sprint 5.3 Wave 2 \(wave2\), hour T\+2h/);
    for (const label of ['errors per tick', 'latency p50', 'latency p99', 'instances active', 'memory per instance', 'uptime per instance'])
      expect(text).toContain(label);
    expect(text).toMatch(/[▁▂▃▄▅▆▇█]{12}/);
    expect(text).toMatch(/Against the previous hour \(12 samples\)/);
    expect(readFileSync(join(dir, plan.output.dir, 'hourly/T+01h.txt'), 'utf8')).toMatch(/none \(first hour\)/);
  });
});

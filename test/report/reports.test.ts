import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { LocalArtifactStore } from '../../src/artifacts/store';
import { appendAlertLog, alertLogEntry } from '../../src/artifacts/alertlog';
import { regenerateReports, writeCheckpoint, writeFinalReports, writeHourlyTrend } from '../../src/activities/write-reports';
import { chartDefs, renderSvg } from '../../src/report/charts';
import type { CheckpointRecord } from '../../src/artifacts/records/checkpoint';
import type { WaveRecord } from '../../src/artifacts/records/wave';
import { makeRecord, makeSamples, makeWave, START, wave2Plan } from '../artifacts/fixtures';

const plan = wave2Plan();
let dir: string;
let store: LocalArtifactStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ww-rep-'));
  store = new LocalArtifactStore(dir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function hourly(hours: number): Promise<void> {
  const samples = makeSamples(plan, hours);
  for (let h = 1; h <= hours; h++) {
    const from = new Date(Date.parse(START) + (h - 1) * 3_600_000).toISOString();
    const to = new Date(Date.parse(START) + h * 3_600_000).toISOString();
    await writeHourlyTrend(store, plan, { waveId: 'wave2-20260123', hour: h, from, to, samples: samples.filter((s) => s.at > from && s.at <= to) });
  }
}

async function checkpoints(names: string[], faults: Record<string, Parameters<typeof makeRecord>[2]> = {}): Promise<CheckpointRecord[]> {
  const out: CheckpointRecord[] = [];
  for (const n of names) {
    const r = makeRecord(plan, n, faults[n] ?? {});
    await writeCheckpoint(store, plan, r);
    out.push(r);
  }
  return out;
}

const read = (p: string) => readFileSync(join(dir, p), 'utf8');

/** Every markdown link and image in a document, resolved against the document's folder. */
function links(docPath: string): { text: string; target: string; exists: boolean }[] {
  const md = read(docPath);
  return [...md.matchAll(/!?\[([^\]]*)\]\(([^)]+)\)/g)].map((m) => {
    const target = resolve(dirname(join(dir, docPath)), decodeURIComponent(m[2]));
    return { text: m[1], target, exists: existsSync(target) };
  });
}

function allFiles(root: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(p.slice(root.length), readFileSync(p));
    }
  };
  walk(root);
  return out;
}

describe('final reports of a finished wave', () => {
  it('GO: the report has the spec\'s five sections, the criteria table and working chart links', async () => {
    await hourly(24);
    const recs = await checkpoints(['T+1h', 'T+6h', 'T+12h', 'T+24h'], { 'T+6h': { errors: 4 }, 'T+12h': { restarts: 1 } });
    const wave = makeWave(plan, recs, 'GO');
    const res = await writeFinalReports(store, plan, wave);
    expect(res).toMatchObject({ verdict: 'GO', interim: false });
    const report = read(plan.output.reportDoc);
    for (const h of ['## 1. Executive summary', '### Deployment timeline', '### Success criteria', '## 2. Metrics analysis', '### All checkpoints', '### Trends',
      '### Test vs control', '### Performance characteristics', '## 3. Issues encountered', '### Errors logged', '### Anomalies observed', '### Alerts',
      '### Mitigations applied', '## 4. Lessons learned', '### What worked well', '### What could be improved', '### Recommendations for Wave 3',
      '## 5. Next steps', '### If GO: Wave 3 preparation — applies', '### If NO-GO: issue resolution plan'])
      expect({ h, found: report.includes(h) }).toEqual({ h, found: true });
    expect(report).toContain('**Recommendation: ✅ GO for Wave 3**');
    expect(report).toMatch(/\| ✅ \| Agent uptime > 99\.9% \| agents\.uptime_pct > 99\.9 \| 100 \| pass; 6 samples; window: wave \|/);
    expect(report).toMatch(/\| ⚠️ WARNING \|/); // T+12h in the checkpoint table
    expect(report).toMatch(/acknowledgeAlert \| alice \| looking at the crash dump/);
    expect(report).toMatch(/tdd-expert@dgx-[123]: memory grew steadily, 2\.0 MiB\/h/);
    // charts: five SVGs, each linked and present
    const l = links(plan.output.reportDoc);
    const imgs = l.filter((x) => x.target.endsWith('.svg'));
    expect(imgs.map((x) => x.target.split('/').pop()).sort()).toEqual(['error-rate.svg', 'latency.svg', 'memory.svg', 'test-vs-control.svg', 'uptime.svg']);
    expect(l.filter((x) => !x.exists)).toEqual([]);
    for (const img of imgs) {
      const svg = readFileSync(img.target, 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toMatch(/<path[^>]+d="M/); // something is drawn
    }
    // final_analysis.md at T+24h: the same content, links relative to its own folder
    const fa = `${plan.output.dir}/T+24h/final_analysis.md`;
    expect(read(fa)).toContain('## 4. Lessons learned');
    expect(links(fa).filter((x) => !x.exists)).toEqual([]);
    // the decision document
    const decision = read(plan.output.decisionDoc);
    expect(decision).toContain('**Decision: ✅ GO for Wave 3**');
    expect(decision).toContain('## Success criteria');
    expect(decision).toContain('## Operator actions');
    expect(decision).toContain('## Recommendation');
    expect(decision).toMatch(/Proceed with Wave 3/);
    expect(links(plan.output.decisionDoc).filter((x) => !x.exists)).toEqual([]);
    // aggregate_metrics.json aggregates all four checkpoints
    const agg = JSON.parse(read(`${plan.output.dir}/T+24h/aggregate_metrics.json`));
    expect(agg.checkpoints.map((c: { checkpoint: string }) => c.checkpoint)).toEqual(['T+1h', 'T+6h', 'T+12h', 'T+24h']);
    expect(agg.totals.errors).toBe(4);
    expect(agg.totals.monitorSamples).toBe(288);
    expect(agg.verdict).toBe('GO');
  });

  it('regenerating rewrites every file with the same bytes (charts included)', async () => {
    await hourly(6);
    const recs = await checkpoints(['T+1h', 'T+6h', 'T+12h', 'T+24h']);
    await writeFinalReports(store, plan, makeWave(plan, recs, 'GO'));
    const first = allFiles(dir);
    await regenerateReports(store, plan);
    const second = allFiles(dir);
    expect([...second.keys()].sort()).toEqual([...first.keys()].sort());
    const changed = [...first].filter(([k, v]) => !v.equals(second.get(k)!)).map(([k]) => k);
    expect(changed).toEqual([]);
  });

  it('NO-GO with a rollback: failed criteria marked ❌, the resolution plan applies, rollback steps listed', async () => {
    const recs = await checkpoints(['T+1h', 'T+6h', 'T+12h', 'T+24h'], { 'T+24h': { lost: 3, latencyMs: 250 } });
    const wave: WaveRecord = makeWave(plan, recs, 'NO-GO', {
      rollback: {
        executed: true,
        trigger: 'rollback-message-loss',
        reason: 'Message loss: 3 probe requests without reply',
        startedAt: '2026-01-24T12:16:00.000Z',
        finishedAt: '2026-01-24T12:17:00.000Z',
        steps: plan.hosts.flatMap((h) => [
          { name: 'stop-agents-under-test', target: `network-expert@${h.name}`, state: 'done' as const, startedAt: '2026-01-24T12:16:00.000Z', finishedAt: '2026-01-24T12:16:10.000Z', detail: 'exit 0' },
          { name: 'disable-agents-under-test', target: `network-expert@${h.name}`, state: 'skipped' as const, startedAt: '2026-01-24T12:16:10.000Z', finishedAt: '2026-01-24T12:16:11.000Z', detail: 'already disabled' },
        ]),
      },
    });
    await writeFinalReports(store, plan, wave);
    const report = read(plan.output.reportDoc);
    expect(report).toContain('**Recommendation: ❌ NO-GO for Wave 3**');
    expect(report).toMatch(/\| ❌ \| Message delivery = 100% \|/);
    expect(report).toMatch(/\| ❌ \| Response latency p99 < 200ms \| probe\.p99_ms < 200 \| 252\.400 \|/);
    expect(report).toContain('### If NO-GO: issue resolution plan — applies');
    expect(report).toMatch(/- Resolve "Response latency p99 < 200ms": measured 252\.400, target < 200/);
    expect(report).toMatch(/\| stop-agents-under-test \| network-expert@dgx-1 \| done \|/);
    const decision = read(plan.output.decisionDoc);
    expect(decision).toContain('**Decision: ❌ NO-GO for Wave 3**');
    expect(decision).toMatch(/Do not proceed with Wave 3\. Not met: .*Message delivery = 100%.*The wave was rolled back\./);
    expect(decision).toMatch(/## Rollback\n\nRollback executed — trigger: rollback-message-loss/);
  });

  it('ABORTED: no recommendation, the abort is in the operator actions', async () => {
    const recs = await checkpoints(['T+1h', 'T+6h']);
    const wave = makeWave(plan, recs, 'ABORTED', {
      operatorActions: [{ at: '2026-01-23T19:00:00.000Z', kind: 'abort', by: 'bob', reason: 'hosts needed for an emergency', outcome: 'accepted' }],
    });
    await writeFinalReports(store, plan, wave);
    expect(read(plan.output.decisionDoc)).toContain('**Decision: ABORTED (no decision)**');
    expect(read(plan.output.decisionDoc)).toMatch(/\| abort \| bob \| hosts needed for an emergency \|/);
    expect(read(plan.output.reportDoc)).toContain('Monitoring ABORTED by an operator');
  });
});

describe('reports of a running wave (wavewatch report ID)', () => {
  it('without wave.json: an interim report from the checkpoints and the alert log', async () => {
    await hourly(7);
    const recs = await checkpoints(['T+1h', 'T+6h'], { 'T+6h': { errors: 2 } });
    const a = { ...makeRecord(plan, 'T+12h', { restarts: 1 }).alerts[0] };
    await appendAlertLog(store, plan, alertLogEntry({ wave: 'wave2', waveId: recs[0].waveId }, a, 'fired', a.firstFiredAt));
    const res = await regenerateReports(store, plan);
    expect(res).toMatchObject({ verdict: null, interim: true });
    const report = read(plan.output.reportDoc);
    expect(report).toContain('# Sprint 5.3 Wave 2 — Interim Report');
    expect(report).toContain('**No decision yet: the wave is monitoring (interim report)**');
    expect(report).toContain('wave.json was not found');
    expect(report).toMatch(/### Success criteria \(interim: the latest checkpoint result of each\)/);
    expect(report).toMatch(/\| ❌ \| Agent uptime > 99\.9% \| agents\.uptime_pct > 99\.9 \| — \(inconclusive\) \| no verdict: not enough data; window: wave; not judged yet \|/);
    expect(report).toMatch(/\| ✅ \| Error rate < 0\.1% \|.*interim: judged at T\+6h/);
    expect(report).toMatch(/Agent crashes: tdd-expert@dgx-2 restarted/);
    expect(report).toContain('### If GO: Wave 3 preparation — if the wave ends so');
    expect(read(plan.output.decisionDoc)).toContain('**Decision: pending (the wave is still running)**');
    expect(links(plan.output.reportDoc).filter((x) => !x.exists)).toEqual([]);
    // the T+6h derived files were rebuilt too
    expect(read(`${plan.output.dir}/T+6h/analysis.txt`)).toMatch(/Checkpoint comparison \(T\+1h → T\+6h\)/);
  });

  it('with nothing stored yet it still writes documents that say so', async () => {
    const res = await regenerateReports(store, plan);
    expect(res.interim).toBe(true);
    expect(read(plan.output.reportDoc)).toContain('_No checkpoint collected yet._');
  });
});

describe('charts', () => {
  it('render the same SVG in another process (a retry on another worker writes the same file)', async () => {
    const recs = ['T+1h', 'T+6h'].map((n) => makeRecord(plan, n));
    const defs = chartDefs(plan, recs, makeSamples(plan, 2), { monitoringStart: START, timeScale: 1 });
    const here = await renderSvg(defs[1].spec);
    const there = execFileSync(
      process.execPath,
      ['-e', `require('tsx/cjs'); const {renderSvg}=require(${JSON.stringify(resolve(__dirname, '../../src/report/charts.ts'))}); let s='';process.stdin.on('data',d=>s+=d).on('end',async()=>process.stdout.write(await renderSvg(JSON.parse(s))));`],
      { input: JSON.stringify(defs[1].spec), env: { ...process.env, TZ: 'America/Los_Angeles' }, maxBuffer: 16 * 1024 * 1024 },
    ).toString();
    expect(there).toBe(here);
    expect(here).toContain('hours since monitoring start'); // plan time on the x axis, no local time zone anywhere
  });
});

describe('a compressed wave (--time-scale 720)', () => {
  it('counts hours, trends and memory slopes in plan time', async () => {
    const scale = 720;
    const squeeze = (iso: string) => new Date(Date.parse(START) + (Date.parse(iso) - Date.parse(START)) / scale).toISOString();
    const samples = makeSamples(plan, 12).map((s) => ({ ...s, at: squeeze(s.at) }));
    for (let hr = 1; hr <= 12; hr++) {
      const from = new Date(Date.parse(START) + ((hr - 1) * 3_600_000) / scale).toISOString();
      const to = new Date(Date.parse(START) + (hr * 3_600_000) / scale).toISOString();
      await writeHourlyTrend(store, plan, { waveId: 'w', hour: hr, timeScale: scale, from, to, samples: samples.filter((s) => s.at > from && s.at <= to) });
    }
    for (const n of ['T+1h', 'T+6h', 'T+12h']) {
      const r = makeRecord(plan, n);
      for (const k of ['dueAt', 'startedAt', 'finishedAt', 'windowStart'] as const) r[k] = squeeze(r[k]);
      await writeCheckpoint(store, plan, r);
    }
    const trends = read(`${plan.output.dir}/T+12h/trends.txt`);
    expect(trends).toMatch(/T\+1h +12 /);
    expect(trends).toMatch(/T\+12h +12 /);
    expect(trends).toMatch(/tdd-expert@dgx-1 +[▁▂▃▄▅▆▇█]+ .*\+2\.0 MiB\/h/);
    await regenerateReports(store, plan);
    const report = read(plan.output.reportDoc);
    expect(report).toMatch(/\| T\+12h\d*m?\d*s? \| checkpoint: T\+12h/); // the timeline's plan time
  });
});

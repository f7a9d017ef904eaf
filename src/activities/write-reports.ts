// Writing the documents: reads what is stored (artifacts), has it rendered (report, pure) and writes
// the result (artifacts). The checkpoint activity writes a checkpoint folder and the hourly files;
// the wave's end and `wavewatch report ID` rebuild every document — the checkpoints' derived files,
// the hourly texts, the charts, the report and the decision document — at any time, for a finished
// or a running wave. No Temporal here: the activities and the CLI call it.
import { posix } from 'node:path';
import { readAlertLog } from '../artifacts/alertlog';
import { actionsFor, listCollections, previousCheckpoints, readCheckpoint, readLatestCheckpoints, rewriteCheckpointFiles, validCheckpointRecord, writeCheckpointFolder } from '../artifacts/checkpoint';
import { listHours, readHour, readMonitorSamples, storedTimebase, writeHourlyData, type HourData, type HourlyInput } from '../artifacts/hourly';
import { BASE_FILES, checkpointFiles, checkpointPath, chartsDir, hourlyPath } from '../artifacts/layout';
import type { ArtifactStore } from '../artifacts/store';
import { synthesizeWave } from '../artifacts/synthesize-wave';
import type { CheckpointRecord } from '../artifacts/records/checkpoint';
import type { MonitorSample } from '../artifacts/records/monitor';
import type { WaveRecord } from '../artifacts/records/wave';
import { readWaveRecord, writeWaveRecord } from '../artifacts/wave';
import type { Plan } from '../plan/schema';
import { renderCharts } from '../report/charts';
import { renderCheckpointFiles } from '../report/checkpoint-files';
import { renderDecisionMarkdown } from '../report/decision-doc';
import type { ChartRef, ReportData } from '../report/report-data';
import { renderReportMarkdown } from '../report/report-doc';
import { renderHourly } from '../report/trends-text';

type Timebase = { monitoringStart: string; timeScale: number };

/** Renders the wave's charts and writes them to <output.dir>/charts/*.svg. */
export async function writeCharts(store: ArtifactStore, plan: Plan, checkpoints: CheckpointRecord[], samples: MonitorSample[], tb: Timebase): Promise<ChartRef[]> {
  const refs: ChartRef[] = [];
  for (const c of await renderCharts(plan, checkpoints, samples, tb)) {
    const path = posix.join(chartsDir(plan), `${c.id}.svg`);
    await store.write(path, c.svg);
    refs.push({ id: c.id, title: c.title, caption: c.caption, path });
  }
  return refs;
}

export interface CheckpointContext {
  /** Monitor samples of the wave so far, for trends.txt and the final files; default: the stored hourly files. */
  samples?: MonitorSample[];
  /** Monitoring start; default: wave.json's, else the hourly files', else the earliest checkpoint window start. */
  monitoringStart?: string;
  /** The wave's --time-scale; default: wave.json's, else the hourly files', else 1. */
  timeScale?: number;
  /** Charts already written for these checkpoints and samples (regenerateReports); default: write them when needed. */
  charts?: ChartRef[];
  /** Only rewrite the derived documents of a stored collection (regenerateReports): its data files and summary.json stay as stored. */
  derivedOnly?: boolean;
}

/**
 * Writes one collection of a checkpoint: the five base files, then the extra files its plan actions
 * call for (see layout.extraFiles), summary.json last. Idempotent. A file that cannot be rendered is
 * written as a note saying so and returned as a problem (renderCheckpointFiles); store errors throw
 * (the activity retries them).
 */
export async function writeCheckpoint(store: ArtifactStore, plan: Plan, input: CheckpointRecord, ctx: CheckpointContext = {}): Promise<{ dir: string; files: string[]; problems: string[] }> {
  const record = validCheckpointRecord(input);
  const files = checkpointFiles(actionsFor(plan, record));
  const extra = files.filter((f) => !(BASE_FILES as readonly string[]).includes(f));
  const previous = extra.length ? await previousCheckpoints(store, plan, record) : [];
  const needsSamples = extra.some((f) => f === 'trends.txt' || f === 'final_analysis.md' || f === 'aggregate_metrics.json');
  const samples = needsSamples ? (ctx.samples ?? (await readMonitorSamples(store, plan))) : [];
  const stored = needsSamples ? await readWaveRecord(store, plan) : null;
  const base = needsSamples && !(ctx.monitoringStart && ctx.timeScale) ? await storedTimebase(store, plan) : null;
  const tb = {
    monitoringStart: ctx.monitoringStart ?? stored?.monitoringStart ?? base?.monitoringStart ?? [record, ...previous].map((r) => r.windowStart).sort()[0],
    timeScale: ctx.timeScale ?? stored?.timeScale ?? base?.timeScale ?? 1,
  };
  const final = extra.includes('final_analysis.md');
  const checkpoints = [...previous, record];
  const charts = final ? (ctx.charts ?? (await writeCharts(store, plan, checkpoints, samples, tb))) : [];
  const wave = stored ?? (final ? synthesizeWave(plan, checkpoints, [], tb) : null);
  const { content, problems } = renderCheckpointFiles(
    { plan, record, previous, samples, wave, waveFromFile: stored !== null, tb, charts, locate: (p) => store.locate(p) },
    files,
  );
  if (ctx.derivedOnly) {
    await rewriteCheckpointFiles(store, plan, record, content.filter(([f]) => extra.includes(f)));
    return { dir: checkpointPath(plan, record.checkpoint, record.collection, '').replace(/\/$/, ''), files, problems };
  }
  const dir = await writeCheckpointFolder(store, plan, record, content);
  return { dir, files, problems };
}

/** Writes hourly/T+NNh.json and its text file hourly/T+NNh.txt (against the previous hour). Idempotent. */
export async function writeHourlyTrend(store: ArtifactStore, plan: Plan, input: HourlyInput): Promise<{ text: string; data: string }> {
  const { path, hour } = await writeHourlyData(store, plan, input);
  const previous = input.hour > 1 ? await readHour(store, plan, input.hour - 1) : null;
  return { text: await writeHourText(store, plan, hour, previous), data: path };
}

async function writeHourText(store: ArtifactStore, plan: Plan, cur: HourData, prev: HourData | null): Promise<string> {
  const path = hourlyPath(plan, cur.hour, 'txt');
  await store.write(path, renderHourly({ wave: plan.wave.name, title: plan.wave.title }, cur.hour, cur.from, cur.to, cur.samples, prev?.samples ?? null, cur.timeScale));
  return path;
}

/** Everything the documents are rendered from, read from the store. */
export async function loadReportData(store: ArtifactStore, plan: Plan): Promise<ReportData> {
  const checkpoints = await readLatestCheckpoints(store, plan);
  const samples = await readMonitorSamples(store, plan);
  const alertLog = await readAlertLog(store, plan);
  const stored = await readWaveRecord(store, plan);
  const recollections: ReportData['recollections'] = [];
  for (const c of await listCollections(store, plan))
    if (c.collection > 0) {
      const r = await readCheckpoint(store, plan, c.checkpoint, c.collection);
      recollections.push({ checkpoint: c.checkpoint, collection: c.collection, reason: r?.collectionReason ?? null });
    }
  return {
    plan,
    wave: stored ?? synthesizeWave(plan, checkpoints, alertLog, (await storedTimebase(store, plan)) ?? {}),
    waveFromFile: stored !== null,
    checkpoints,
    recollections,
    samples,
    alertLog,
  };
}

export interface RegenerateResult {
  /** Store paths written. */
  files: string[];
  /** Derived files that could not be rendered (written as a note instead). */
  problems: string[];
  verdict: WaveRecord['verdict'];
  /** true while the wave has no verdict (the documents say "interim"). */
  interim: boolean;
  reportDoc: string;
  decisionDoc: string;
}

/** Rebuilds all documents from the stored artifacts. Idempotent; safe while the wave runs. */
export async function regenerateReports(store: ArtifactStore, plan: Plan): Promise<RegenerateResult> {
  const data = await loadReportData(store, plan);
  const files: string[] = [];
  const problems: string[] = [];
  const tb = { monitoringStart: data.wave.monitoringStart, timeScale: data.wave.timeScale };
  const charts = await writeCharts(store, plan, data.checkpoints, data.samples, tb);
  files.push(...charts.map((c) => c.path));
  // the checkpoints' files, every collection (originals and re-collections); one set of charts for
  // the wave (<output.dir>/charts), drawn above from the latest collections
  for (const c of await listCollections(store, plan)) {
    const record = await readCheckpoint(store, plan, c.checkpoint, c.collection);
    if (!record) continue;
    const w = await writeCheckpoint(store, plan, record, { samples: data.samples, ...tb, charts, derivedOnly: true });
    problems.push(...w.problems.map((p) => `${c.checkpoint}${c.collection ? `.recollect-${c.collection}` : ''}: ${p}`));
    for (const f of w.files) if (!(BASE_FILES as readonly string[]).includes(f)) files.push(checkpointPath(plan, c.checkpoint, c.collection, f));
  }
  const hours = await listHours(store, plan);
  for (const h of hours) {
    const cur = await readHour(store, plan, h);
    if (cur) files.push(await writeHourText(store, plan, cur, hours.includes(h - 1) ? await readHour(store, plan, h - 1) : null));
  }
  const finalCp = [...data.checkpoints].reverse().find((c) => checkpointFiles(actionsFor(plan, c)).includes('final_analysis.md'));
  const finalAnalysisPath = finalCp ? checkpointPath(plan, finalCp.checkpoint, finalCp.collection, 'final_analysis.md') : null;
  const locate = (p: string) => store.locate(p);
  await store.write(plan.output.reportDoc, renderReportMarkdown(data, { heading: data.wave.verdict ? 'Final Report' : 'Interim Report', docAbs: locate(plan.output.reportDoc), charts, locate }));
  await store.write(plan.output.decisionDoc, renderDecisionMarkdown(data, { docAbs: locate(plan.output.decisionDoc), reportPath: plan.output.reportDoc, finalAnalysisPath, locate }));
  files.push(plan.output.reportDoc, plan.output.decisionDoc);
  return { files, problems, verdict: data.wave.verdict, interim: data.wave.verdict === null, reportDoc: plan.output.reportDoc, decisionDoc: plan.output.decisionDoc };
}

/** At the end of the wave (or at any state change worth a document): store wave.json, then rebuild every document from it. */
export async function writeFinalReports(store: ArtifactStore, plan: Plan, wave: WaveRecord): Promise<RegenerateResult> {
  await writeWaveRecord(store, plan, wave);
  return regenerateReports(store, plan);
}

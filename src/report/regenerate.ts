// `wavewatch report ID`: rebuilds every report from the stored artifacts, for a finished or a running
// wave — the checkpoints' derived files, the hourly trend texts, the charts, the report and the
// decision document. The workflow calls writeFinalReports at the end of the wave.
import { posix } from 'node:path';
import { readAlertLog } from '../artifacts/alertlog';
import { actionsFor, listCollections, readCheckpoint, readLatestCheckpoints, writeDerivedFiles } from '../artifacts/checkpoint';
import { readMonitorSamples, rewriteHourlyTexts, storedTimebase } from '../artifacts/hourly';
import { checkpointFiles, checkpointPath, BASE_FILES } from '../artifacts/layout';
import type { ArtifactStore } from '../artifacts/store';
import type { WaveRecord } from '../artifacts/types';
import { readWaveRecord, writeWaveRecord } from '../artifacts/wave';
import type { Plan } from '../plan/schema';
import { renderDecisionMarkdown, renderReportMarkdown, synthesizeWave, writeCharts, type ReportData } from './final';

/** Everything the reports are built from, read from the store. */
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

/** Rebuilds all reports from the stored artifacts. Idempotent; safe while the wave runs. */
export async function regenerateReports(store: ArtifactStore, plan: Plan): Promise<RegenerateResult> {
  const data = await loadReportData(store, plan);
  const files: string[] = [];
  const problems: string[] = [];
  const tb = { monitoringStart: data.wave.monitoringStart, timeScale: data.wave.timeScale };
  const charts = await writeCharts(store, plan, data.checkpoints, data.samples, tb);
  files.push(...charts.map((c) => c.path));
  // the checkpoints' derived files, every collection (originals and re-collections)
  for (const c of await listCollections(store, plan)) {
    const record = await readCheckpoint(store, plan, c.checkpoint, c.collection);
    if (!record) continue;
    const all = checkpointFiles(actionsFor(plan, record));
    // one set of charts for the wave (<output.dir>/charts), drawn above from the latest collections
    problems.push(...(await writeDerivedFiles(store, plan, record, all, { samples: data.samples, ...tb, charts })).map((p) => `${c.checkpoint}${c.collection ? `.recollect-${c.collection}` : ''}: ${p}`));
    for (const f of all) if (!(BASE_FILES as readonly string[]).includes(f)) files.push(checkpointPath(plan, c.checkpoint, c.collection, f));
  }
  files.push(...(await rewriteHourlyTexts(store, plan)));
  const finalCp = [...data.checkpoints].reverse().find((c) => checkpointFiles(actionsFor(plan, c)).includes('final_analysis.md'));
  const finalAnalysisPath = finalCp ? checkpointPath(plan, finalCp.checkpoint, finalCp.collection, 'final_analysis.md') : null;
  const locate = (p: string) => store.locate(p);
  await store.write(plan.output.reportDoc, renderReportMarkdown(data, { heading: data.wave.verdict ? 'Final Report' : 'Interim Report', docAbs: locate(plan.output.reportDoc), charts, locate }));
  await store.write(
    plan.output.decisionDoc,
    renderDecisionMarkdown(data, { docAbs: locate(plan.output.decisionDoc), reportPath: plan.output.reportDoc, finalAnalysisPath, locate }),
  );
  files.push(plan.output.reportDoc, plan.output.decisionDoc);
  return { files, problems, verdict: data.wave.verdict, interim: data.wave.verdict === null, reportDoc: plan.output.reportDoc, decisionDoc: plan.output.decisionDoc };
}

/** At the end of the wave (or at any state change worth a document): store wave.json, then rebuild every report from it. */
export async function writeFinalReports(store: ArtifactStore, plan: Plan, wave: WaveRecord): Promise<RegenerateResult> {
  await writeWaveRecord(store, plan, wave);
  return regenerateReports(store, plan);
}

export const reportPaths = (plan: Plan) => ({ report: plan.output.reportDoc, decision: plan.output.decisionDoc, charts: posix.join(plan.output.dir, 'charts') });

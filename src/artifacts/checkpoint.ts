// Checkpoint folders: writing one collection's files (exactly the spec's layout, by the plan's
// actions) and reading them back into a CheckpointRecord, which is what `regenerateReports` and the
// later checkpoints' comparisons are built from.
import type { Plan } from '../plan/schema';
import { renderAggregateMetrics, renderComparisonJson, renderFinalAnalysisForCheckpoint, type ChartRef } from '../report/final';
import { errorsByType, roleSummary } from '../report/rollup';
import { parseErrorsLog, renderAnalysis, renderErrorsLog, renderNatsSampling, renderTrends } from '../report/text';
import { readMonitorSamples, storedTimebase } from './hourly';
import { readJson, toJson } from './json';
import { BASE_FILES, checkpointFiles, checkpointFolder, checkpointPath, parseCheckpointFolder } from './layout';
import {
  SUMMARY_SCHEMA_VERSION,
  FILE_SCHEMA_VERSION,
  agentStatusFileSchema,
  checkpointRecordSchema,
  summarySchema,
  systemMetricsFileSchema,
  type SummaryFile,
} from './schema';
import type { ArtifactStore } from './store';
import type { CheckpointRecord, MonitorSample } from './types';
import { check } from './validate';
import { readWaveRecord } from './wave';

/** The plan's actions for a checkpoint name; a manual collection not in the plan uses the record's own. */
export function actionsFor(plan: Plan, record: Pick<CheckpointRecord, 'checkpoint' | 'actions'>): string[] {
  return plan.checkpoints.find((c) => c.name === record.checkpoint)?.actions ?? record.actions;
}

/** summary.json's content for a record (validated against the summary schema). */
export function buildSummary(record: CheckpointRecord, files: string[], renderProblems: string[] = []): SummaryFile {
  const test = roleSummary(record, 'test');
  const control = roleSummary(record, 'control');
  const summary: SummaryFile = {
    schema: 'wavewatch.checkpoint-summary',
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    wave: record.wave,
    waveId: record.waveId,
    checkpoint: record.checkpoint,
    collection: record.collection,
    ...(record.collectionReason !== undefined ? { collectionReason: record.collectionReason } : {}),
    offsetMs: record.offsetMs,
    dueAt: record.dueAt,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    windowStart: record.windowStart,
    verdict: record.verdict,
    verdictReason: record.verdictReason,
    actions: record.actions,
    headline: record.headline,
    roles: { test, control },
    criteria: record.criteria,
    probes: record.probes,
    nats: record.nats,
    errors: { logFile: 'errors.log', entries: record.errorLog.entries.length, omitted: record.errorLog.omitted, byType: errorsByType(record.agents) },
    comparison: record.comparison,
    findings: record.findings,
    alerts: record.alerts,
    operatorActions: record.operatorActions,
    gaps: record.gaps,
    files,
    ...(renderProblems.length ? { renderProblems } : {}),
  };
  return check(summarySchema, summary, 'summary.json');
}

export interface CheckpointContext {
  /** Monitor samples of the wave so far, for trends.txt and the final files; default: the stored hourly files. */
  samples?: MonitorSample[];
  /** Monitoring start; default: wave.json's, else the hourly files', else the earliest checkpoint window start. */
  monitoringStart?: string;
  /** The wave's --time-scale; default: wave.json's, else the hourly files', else 1. */
  timeScale?: number;
  /** Charts already rendered for these checkpoints and samples (regenerateReports); default: render them. */
  charts?: ChartRef[];
}

/**
 * Writes one collection of a checkpoint: the five base files, then the extra files its plan actions
 * call for (see layout.extraFiles), summary.json last (a folder with summary.json is complete).
 * Idempotent: the same record over the same stored checkpoints writes the same bytes. A
 * re-collection (record.collection ≥ 1) goes to "<checkpoint>.recollect-n/", beside the original.
 * Returns the folder (store path) and the files written.
 */
export async function writeCheckpoint(
  store: ArtifactStore,
  plan: Plan,
  input: CheckpointRecord,
  ctx: CheckpointContext = {},
): Promise<{ dir: string; files: string[]; problems: string[] }> {
  const record = check(checkpointRecordSchema, input, `checkpoint record ${input?.checkpoint ?? '?'}`) as CheckpointRecord;
  const files = checkpointFiles(actionsFor(plan, record));
  const path = (f: string) => checkpointPath(plan, record.checkpoint, record.collection, f);
  const collectedAt = record.finishedAt;

  await store.write(
    path('agent_status.json'),
    toJson(
      check(
        agentStatusFileSchema,
        { schema: 'wavewatch.agent-status', schemaVersion: FILE_SCHEMA_VERSION, wave: record.wave, checkpoint: record.checkpoint, collection: record.collection, collectedAt, agents: record.agents },
        'agent_status.json',
      ),
    ),
  );
  await store.write(
    path('system_metrics.json'),
    toJson(
      check(
        systemMetricsFileSchema,
        {
          schema: 'wavewatch.system-metrics',
          schemaVersion: FILE_SCHEMA_VERSION,
          wave: record.wave,
          checkpoint: record.checkpoint,
          collection: record.collection,
          collectedAt,
          natsServerReachable: record.nats.serverReachable,
          hosts: record.hosts,
        },
        'system_metrics.json',
      ),
    ),
  );
  await store.write(path('errors.log'), renderErrorsLog(record));
  await store.write(path('nats_sampling.txt'), renderNatsSampling(record, plan));
  const problems = await writeDerivedFiles(store, plan, record, files, ctx);
  await store.write(path('summary.json'), toJson(buildSummary(record, files, problems)));
  return { dir: checkpointPath(plan, record.checkpoint, record.collection, '').replace(/\/$/, ''), files, problems };
}

/**
 * The extra (derived) files of a checkpoint; also what regenerateReports rewrites. A file that cannot
 * be rendered (a report bug) is written as a note saying so, and the problem is returned: the
 * checkpoint's data must never be lost, nor its activity retried forever, because of a report.
 * Store errors still throw (the activity retries them).
 */
export async function writeDerivedFiles(store: ArtifactStore, plan: Plan, record: CheckpointRecord, files: string[], ctx: CheckpointContext = {}): Promise<string[]> {
  const extra = files.filter((f) => !(BASE_FILES as readonly string[]).includes(f));
  if (extra.length === 0) return [];
  const path = (f: string) => checkpointPath(plan, record.checkpoint, record.collection, f);
  const previous = await previousCheckpoints(store, plan, record);
  const needsSamples = extra.some((f) => f === 'trends.txt' || f === 'final_analysis.md' || f === 'aggregate_metrics.json');
  const samples = needsSamples ? (ctx.samples ?? (await readMonitorSamples(store, plan))) : [];
  const wave = needsSamples ? await readWaveRecord(store, plan) : null;
  const stored = needsSamples && !(ctx.monitoringStart && ctx.timeScale) ? await storedTimebase(store, plan) : null;
  const tb = {
    monitoringStart: ctx.monitoringStart ?? wave?.monitoringStart ?? stored?.monitoringStart ?? [record, ...previous].map((r) => r.windowStart).sort()[0],
    timeScale: ctx.timeScale ?? wave?.timeScale ?? stored?.timeScale ?? 1,
  };
  const render = async (f: string): Promise<string> => {
    switch (f) {
      case 'analysis.txt': return renderAnalysis(record, previous, plan);
      case 'comparison.json': return toJson(renderComparisonJson(record));
      case 'trends.txt': return renderTrends(record, previous, samples, tb, plan);
      case 'aggregate_metrics.json': return toJson(renderAggregateMetrics(plan, [...previous, record], samples, wave, tb));
      case 'final_analysis.md': return renderFinalAnalysisForCheckpoint(store, plan, record, previous, samples, wave, tb, ctx.charts);
      default: throw new Error(`no renderer for ${f}`);
    }
  };
  const problems: string[] = [];
  for (const f of extra) {
    let content: string;
    try {
      content = await render(f);
    } catch (err) {
      const msg = `${f} could not be rendered: ${(err as Error).message}`;
      problems.push(msg);
      content = f.endsWith('.json')
        ? toJson({ schema: 'wavewatch.render-error', file: f, error: (err as Error).message })
        : `${msg}\n\nThe checkpoint's data is in summary.json, agent_status.json, system_metrics.json, errors.log and nats_sampling.txt;\n\`wavewatch report\` rebuilds this file.\n`;
    }
    await store.write(path(f), content);
  }
  return problems;
}

/** Every checkpoint collection stored under the output folder, in plan order then collection. */
export async function listCollections(store: ArtifactStore, plan: Plan): Promise<{ checkpoint: string; collection: number }[]> {
  const out: { checkpoint: string; collection: number }[] = [];
  for (const name of await store.list(plan.output.dir)) {
    const parsed = parseCheckpointFolder(name);
    if (!parsed) continue;
    if (await store.exists(checkpointPath(plan, parsed.checkpoint, parsed.collection, 'summary.json'))) out.push(parsed);
  }
  const order = (name: string) => {
    const i = plan.checkpoints.findIndex((c) => c.name === name);
    return i < 0 ? plan.checkpoints.length : i;
  };
  return out.sort((a, b) => order(a.checkpoint) - order(b.checkpoint) || a.checkpoint.localeCompare(b.checkpoint) || a.collection - b.collection);
}

/** The collection number for the next re-collection of a checkpoint (1 when none exists yet). */
export async function nextRecollection(store: ArtifactStore, plan: Plan, checkpoint: string): Promise<number> {
  const names = await store.list(plan.output.dir);
  let maxN = 0;
  for (const n of names) {
    const p = parseCheckpointFolder(n);
    if (p && p.checkpoint === checkpoint) maxN = Math.max(maxN, p.collection);
  }
  return maxN + 1;
}

/** Reads one collection back; null when its summary.json does not exist (never collected, or a write in progress). */
export async function readCheckpoint(store: ArtifactStore, plan: Plan, checkpoint: string, collection = 0): Promise<CheckpointRecord | null> {
  const p = (f: string) => checkpointPath(plan, checkpoint, collection, f);
  const raw = await readJson(store, p('summary.json'));
  if (raw === null) return null;
  const summary = check(summarySchema, raw, `${checkpointFolder(checkpoint, collection)}/summary.json`);
  const statusRaw = await readJson(store, p('agent_status.json'));
  const systemRaw = await readJson(store, p('system_metrics.json'));
  const agents = statusRaw === null ? [] : check(agentStatusFileSchema, statusRaw, 'agent_status.json').agents;
  const hosts = systemRaw === null ? [] : check(systemMetricsFileSchema, systemRaw, 'system_metrics.json').hosts;
  const errorsText = await store.read(p('errors.log'));
  const gaps = [...summary.gaps];
  if (statusRaw === null) gaps.push('agent_status.json missing from the checkpoint folder');
  if (systemRaw === null) gaps.push('system_metrics.json missing from the checkpoint folder');
  const record: CheckpointRecord = {
    wave: summary.wave,
    waveId: summary.waveId,
    checkpoint: summary.checkpoint,
    collection: summary.collection,
    ...(summary.collectionReason !== undefined ? { collectionReason: summary.collectionReason } : {}),
    offsetMs: summary.offsetMs,
    dueAt: summary.dueAt,
    startedAt: summary.startedAt,
    finishedAt: summary.finishedAt,
    windowStart: summary.windowStart,
    verdict: summary.verdict,
    verdictReason: summary.verdictReason,
    actions: summary.actions,
    criteria: summary.criteria,
    headline: summary.headline,
    agents,
    probes: summary.probes,
    nats: summary.nats,
    hosts,
    errorLog: { entries: errorsText === null ? [] : parseErrorsLog(errorsText), omitted: summary.errors.omitted },
    comparison: summary.comparison,
    findings: summary.findings,
    alerts: summary.alerts,
    operatorActions: summary.operatorActions,
    gaps,
  };
  return record;
}

/**
 * The latest stored collection of every checkpoint (a re-collection supersedes the original for
 * comparisons and reports; the original stays on disk), in plan order.
 */
export async function readLatestCheckpoints(store: ArtifactStore, plan: Plan): Promise<CheckpointRecord[]> {
  const latest = new Map<string, number>();
  for (const c of await listCollections(store, plan)) latest.set(c.checkpoint, Math.max(latest.get(c.checkpoint) ?? 0, c.collection));
  const out: CheckpointRecord[] = [];
  for (const [name, collection] of latest) {
    const r = await readCheckpoint(store, plan, name, collection);
    if (r) out.push(r);
  }
  return out.sort((a, b) => a.offsetMs - b.offsetMs || a.finishedAt.localeCompare(b.finishedAt));
}

/** The checkpoints before this one (latest collection of each), oldest first. */
async function previousCheckpoints(store: ArtifactStore, plan: Plan, record: CheckpointRecord): Promise<CheckpointRecord[]> {
  const all = await readLatestCheckpoints(store, plan);
  return all.filter((r) => r.checkpoint !== record.checkpoint && (r.offsetMs < record.offsetMs || (r.offsetMs === record.offsetMs && r.finishedAt < record.finishedAt)));
}

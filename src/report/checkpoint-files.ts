// The rendered files of one checkpoint collection: errors.log, nats_sampling.txt, the extra files its
// plan actions call for (analysis.txt, comparison.json, trends.txt, final_analysis.md,
// aggregate_metrics.json) and summary.json. Pure: records in, file contents out; the activity
// writes them (artifacts/checkpoint.ts lays them out).
import { BASE_FILES } from '../artifacts/layout';
import { toJson } from '../artifacts/json';
import { SUMMARY_SCHEMA_VERSION } from '../artifacts/records/common';
import { summarySchema, type SummaryFile } from '../artifacts/records/summary';
import type { CheckpointRecord } from '../artifacts/records/checkpoint';
import type { MonitorSample } from '../artifacts/records/monitor';
import type { WaveRecord } from '../artifacts/records/wave';
import { check } from '../artifacts/validate';
import type { Plan } from '../plan/schema';
import { renderAggregateMetrics, renderComparisonJson } from './aggregate';
import type { ChartRef, ReportData } from './report-data';
import { renderFinalAnalysis } from './report-doc';
import { errorsByType, roleSummary } from './rollup';
import { renderAnalysis, renderErrorsLog, renderNatsSampling } from './text';
import { renderTrends, type Timebase } from './trends-text';

export interface CheckpointFilesInput {
  plan: Plan;
  record: CheckpointRecord;
  /** The checkpoints before this one (latest collection of each), oldest first. */
  previous: CheckpointRecord[];
  /** Monitor samples of the wave so far (trends.txt and the final files). */
  samples: MonitorSample[];
  /** The stored wave record, or a synthesized one (final_analysis.md); null when not needed. */
  wave: WaveRecord | null;
  waveFromFile: boolean;
  tb: Timebase;
  /** The wave's charts, already written (final_analysis.md links them). */
  charts: ChartRef[];
  /** Absolute location of a store path (links in final_analysis.md). */
  locate: (path: string) => string;
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
    ...(record.watch !== undefined ? { watch: record.watch } : {}),
    files,
    ...(renderProblems.length ? { renderProblems } : {}),
  };
  return check(summarySchema, summary, 'summary.json');
}

function renderOne(f: string, i: CheckpointFilesInput): string {
  const { plan, record, previous, samples, tb } = i;
  switch (f) {
    case 'errors.log': return renderErrorsLog(record);
    case 'nats_sampling.txt': return renderNatsSampling(record, plan);
    case 'analysis.txt': return renderAnalysis(record, previous, plan);
    case 'comparison.json': return toJson(renderComparisonJson(record));
    case 'trends.txt': return renderTrends(record, previous, samples, tb, plan);
    case 'aggregate_metrics.json': return toJson(renderAggregateMetrics(plan, [...previous, record], samples, i.wave, tb));
    case 'final_analysis.md': {
      if (!i.wave) throw new Error('final_analysis.md needs the wave record');
      const data: ReportData = { plan, wave: i.wave, waveFromFile: i.waveFromFile, checkpoints: [...previous, record], recollections: [], samples, alertLog: [] };
      return renderFinalAnalysis(data, record, { charts: i.charts, locate: i.locate });
    }
    default: throw new Error(`no renderer for ${f}`);
  }
}

/**
 * The rendered files among `files` (not the record's data files, agent_status.json and
 * system_metrics.json), summary.json last. A derived file that cannot be rendered (a report bug)
 * becomes a note saying so, and the problem is returned: the checkpoint's data must never be lost,
 * nor its activity retried forever, because of a report.
 */
export function renderCheckpointFiles(i: CheckpointFilesInput, files: string[]): { content: [string, string][]; problems: string[] } {
  const content: [string, string][] = [
    ['errors.log', renderErrorsLog(i.record)],
    ['nats_sampling.txt', renderNatsSampling(i.record, i.plan)],
  ];
  const problems: string[] = [];
  for (const f of files.filter((x) => !(BASE_FILES as readonly string[]).includes(x))) {
    try {
      content.push([f, renderOne(f, i)]);
    } catch (err) {
      const msg = `${f} could not be rendered: ${(err as Error).message}`;
      problems.push(msg);
      content.push([
        f,
        f.endsWith('.json')
          ? toJson({ schema: 'wavewatch.render-error', file: f, error: (err as Error).message })
          : `${msg}\n\nThe checkpoint's data is in summary.json, agent_status.json, system_metrics.json, errors.log and nats_sampling.txt;\n\`wavewatch report\` rebuilds this file.\n`,
      ]);
    }
  }
  content.push(['summary.json', toJson(buildSummary(i.record, files, problems))]);
  return { content, problems };
}

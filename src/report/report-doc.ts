// The report document (and a final checkpoint's final_analysis.md): the spec's five sections.
// Pure: the stored records in, markdown out; charts are referenced by their store paths.
import { checkpointFolder, checkpointPath, relativeLink } from '../artifacts/layout';
import type { CheckpointRecord } from '../artifacts/records/checkpoint';
import { waveCriteria } from '../judge/wave-analysis';
import { nextWaveLabel } from '../plan/next-wave';
import { compareCheckpoints } from './compare';
import { fmtDur, fmtTime, fmtValue, mdTable, num } from './format';
import { lessons, nextSteps } from './lessons';
import {
  alertsTable,
  checkpointTable,
  comparisonTable,
  criteriaTable,
  operatorTable,
  performanceTables,
  planOffset,
  rollbackSection,
  testVsControlTable,
  timeline,
  verdictLine,
  waveErrorTypes,
} from './md-tables';
import type { ChartRef, ReportData } from './report-data';
import { roleSummary } from './rollup';
import { sum } from './stats';
import { checkpointLabel } from './text';
import { trendBlock } from './trends-text';

export interface MarkdownOptions {
  /** "Final report" (the report document) or "Final analysis" (the T+24h checkpoint file). */
  heading: string;
  /** Absolute path of the document being written (links are relative to it). */
  docAbs: string;
  charts: ChartRef[];
  locate: (path: string) => string;
}

/** The report (and final_analysis.md): the spec's five sections. */
export function renderReportMarkdown(data: ReportData, opts: MarkdownOptions): string {
  const w = data.wave;
  const link = (path: string) => relativeLink(opts.docAbs, opts.locate(path));
  const { criteria, interim } = waveCriteria(data, true);
  const secondary = waveCriteria(data, false).criteria;
  const durationMs = (Date.parse(w.finishedAt ?? data.checkpoints[data.checkpoints.length - 1]?.finishedAt ?? w.monitoringStart) - Date.parse(w.monitoringStart)) * (w.timeScale || 1);
  const out: string[] = [];
  out.push(`# ${data.plan.wave.title} — ${opts.heading}`, '');
  out.push(
    `Wave \`${w.wave}\` · workflow \`${w.waveId}\` · monitoring from ${fmtTime(w.monitoringStart)}${w.finishedAt ? ` to ${fmtTime(w.finishedAt)}` : ' (running)'} · ` +
      `${fmtDur(durationMs)} of ${fmtDur(data.plan.wave.duration)} planned${w.timeScale !== 1 ? ` (time scale ${w.timeScale}×)` : ''} · phase ${w.phase}`,
    '',
  );
  if (!data.waveFromFile) out.push('> wave.json was not found: this report is rebuilt from the checkpoint folders and the alert log alone.', '');

  out.push('## 1. Executive summary', '', verdictLine(data), '', w.verdictReason, '');
  out.push(`Agents under test: ${data.plan.agents.underTest.map((a) => `${a.name} (${a.cluster}) × ${data.plan.hosts.length}`).join(', ')}; control: ${data.plan.agents.control.map((a) => a.name).join(', ') || 'none'}; hosts: ${data.plan.hosts.map((h) => h.name).join(', ')}.`, '');
  out.push('### Deployment timeline', '');
  const tl = timeline(data);
  out.push(...mdTable(['Time (UTC)', 'Plan time', 'Event'], tl.map((e) => [fmtTime(e.at), planOffset(w, e.at), `${e.kind}: ${e.text}`])), '');
  out.push(`### Success criteria${interim ? ' (interim: the latest checkpoint result of each)' : ''}`, '', ...criteriaTable(criteria), '');
  if (secondary.length) out.push('Secondary criteria (informational):', '', ...criteriaTable(secondary), '');

  out.push('## 2. Metrics analysis', '', '### All checkpoints', '', ...checkpointTable(data), '');
  if (data.recollections.length)
    out.push(`Re-collections kept beside their originals: ${data.recollections.map((r) => `${checkpointFolder(r.checkpoint, r.collection)}${r.reason ? ` (${r.reason})` : ''}`).join(', ')}; the tables use the latest collection of each checkpoint.`, '');
  out.push('Checkpoint files:', '');
  for (const c of data.checkpoints) out.push(`- [${checkpointFolder(c.checkpoint, c.collection)}/summary.json](${link(checkpointPath(data.plan, c.checkpoint, c.collection, 'summary.json'))})`);
  out.push('', '### Trends', '');
  for (const id of ['error-rate', 'latency', 'memory', 'uptime']) {
    const ch = opts.charts.find((c) => c.id === id);
    if (ch) out.push(`![${ch.title}](${link(ch.path)})`, '', `_${ch.caption}_`, '');
  }
  out.push('Checkpoint comparison (agents under test):', '', ...comparisonTable(compareCheckpoints(data.checkpoints, data.plan)), '');
  if (data.samples.length) out.push('Monitor samples over the wave:', '', '```text', ...trendBlock(data.samples, 72, w.timeScale), '```', '');
  const last = data.checkpoints[data.checkpoints.length - 1];
  out.push('### Test vs control', '');
  const tvc = opts.charts.find((c) => c.id === 'test-vs-control');
  if (tvc) out.push(`![${tvc.title}](${link(tvc.path)})`, '', `_${tvc.caption}_`, '');
  if (last) out.push(`At ${checkpointLabel(last)}:`, '', ...testVsControlTable(last), '');
  out.push('### Performance characteristics', '');
  if (last) out.push(`At ${checkpointLabel(last)}:`, '', ...performanceTables(last), '');
  else out.push('_No checkpoint collected yet._', '');

  out.push('## 3. Issues encountered', '', '### Errors logged', '');
  const types = waveErrorTypes(data);
  const totalErrors = sum(data.checkpoints.map((c) => num(roleSummary(c, 'test').errors)));
  out.push(`Agents under test logged ${fmtValue(totalErrors, 'count')} error(s) over the checkpoint windows.`, '');
  if (types.length)
    out.push(
      ...mdTable(
        ['Count', 'Agent', 'Hosts', 'Pattern', 'Checkpoints', 'Error'],
        types.slice(0, 30).map((t) => [String(t.count), `${t.agent}${t.role === 'control' ? ' (control)' : ''}`, t.hosts.join(', '), t.recurring ? 'recurring' : 'one-off', t.checkpoints.join(', '), t.type]),
        [true],
      ),
      '',
    );
  out.push('### Anomalies observed', '');
  const findings = data.checkpoints.flatMap((c) => c.findings.map((f) => ({ ...f, checkpoint: c.checkpoint })));
  if (findings.length === 0) out.push('_None found._', '');
  else out.push(...mdTable(['Checkpoint', 'Severity', 'Kind', 'Scope', 'Finding'], findings.map((f) => [f.checkpoint, f.severity, f.kind, f.scope, f.message])), '');
  out.push('### Alerts', '', ...alertsTable(w.alerts), '');
  out.push('### Mitigations applied', '', 'Operator actions:', '', ...operatorTable(w.operatorActions), '', 'Rollback:', '', ...rollbackSection(w), '');
  const gaps = [
    ...data.checkpoints.flatMap((c) => c.gaps.map((g) => `${c.checkpoint}: ${g}`)),
    ...w.checkpoints.filter((c) => c.gap).map((c) => `${c.name}: ${c.gap}`),
  ];
  out.push('### Data gaps', '', ...(gaps.length ? gaps.map((g) => `- ${g}`) : ['_None._']), '');

  const l = lessons(data);
  out.push('## 4. Lessons learned', '', '### What worked well', '', ...l.held.map((x) => `- ${x}`), '');
  out.push('### What could be improved', '', ...(l.degraded.length ? l.degraded.map((x) => `- ${x}`) : ['- Nothing degraded in the data.']), '');
  out.push(`### Recommendations for ${nextWaveLabel(data.plan)}`, '', ...l.recommendations.map((x) => `- ${x}`), '');

  const steps = nextSteps(data);
  const applies = (v: 'GO' | 'NO-GO') => (w.verdict === v ? ' — applies' : w.verdict === null ? ' — if the wave ends so' : '');
  out.push('## 5. Next steps', '', `### If GO: ${nextWaveLabel(data.plan)} preparation${applies('GO')}`, '', ...steps.go.map((x) => `- ${x}`), '');
  out.push(`### If NO-GO: issue resolution plan${applies('NO-GO')}`, '', ...steps.noGo.map((x) => `- ${x}`), '');
  return `${out.join('\n')}\n`;
}

/** final_analysis.md of the final checkpoint: the report over the checkpoints so far, links relative to its folder. */
export function renderFinalAnalysis(data: ReportData, record: CheckpointRecord, opts: Pick<MarkdownOptions, 'charts' | 'locate'>): string {
  const path = checkpointPath(data.plan, record.checkpoint, record.collection, 'final_analysis.md');
  return renderReportMarkdown(data, { heading: `Final analysis (${checkpointLabel(record)})`, docAbs: opts.locate(path), charts: opts.charts, locate: opts.locate });
}

// The decision document: verdict, criteria with evidence, operator actions, recommendation. Pure.
import { posix } from 'node:path';
import { relativeLink } from '../artifacts/layout';
import { waveCriteria } from '../judge/wave-analysis';
import { nextWaveLabel } from '../plan/next-wave';
import { VERDICT_MARK, fmtNumber, fmtTime, mdTable } from './format';
import { nextSteps } from './lessons';
import { alertsTable, criteriaTable, operatorTable, rollbackSection } from './md-tables';
import type { ReportData } from './report-data';

/** The decision document: verdict, criteria with evidence, operator actions, recommendation. */
export function renderDecisionMarkdown(data: ReportData, opts: { docAbs: string; reportPath: string; finalAnalysisPath: string | null; locate: (p: string) => string }): string {
  const w = data.wave;
  const next = nextWaveLabel(data.plan);
  const link = (path: string) => relativeLink(opts.docAbs, opts.locate(path));
  const { criteria, interim } = waveCriteria(data, true);
  const out: string[] = [];
  out.push(`# ${data.plan.wave.title} — Go/No-Go Decision for ${next}`, '');
  const decision =
    w.verdict === 'GO' ? `✅ GO for ${next}` : w.verdict === 'NO-GO' ? `❌ NO-GO for ${next}` : w.verdict === 'ABORTED' ? 'ABORTED (no decision)' : 'pending (the wave is still running)';
  out.push(`**Decision: ${decision}**`, '');
  out.push(...mdTable(['', ''], [
    ['Wave', `${w.title} (\`${w.wave}\`, workflow \`${w.waveId}\`)`],
    ['Monitoring', `${fmtTime(w.monitoringStart)} – ${w.finishedAt ? fmtTime(w.finishedAt) : 'running'}`],
    ['Phase', w.phase],
    ['Verdict', w.verdict ?? 'none yet'],
    ['Reason', w.verdictReason],
    ['Checkpoints', w.checkpoints.map((c) => `${c.name} ${c.verdict ? `${VERDICT_MARK[c.verdict]} ${c.verdict}` : c.gap ? `not collected (${c.gap})` : 'pending'}`).join(', ') || 'none'],
  ]), '');
  out.push(`## Success criteria${interim ? ' (interim)' : ''}`, '', 'GO requires every primary criterion to pass (or be waived with a reason).', '', ...criteriaTable(criteria), '');
  out.push('## Operator actions', '', ...operatorTable(w.operatorActions), '');
  out.push('## Alerts', '', ...alertsTable(w.alerts), '');
  out.push('## Rollback', '', ...rollbackSection(w), '');
  out.push('## Recommendation', '');
  const failed = criteria.filter((c) => c.outcome !== 'pass' && c.outcome !== 'waived');
  if (w.verdict === 'GO')
    out.push(`Proceed with ${next}. Every primary criterion passed${criteria.some((c) => c.outcome === 'waived') ? ' or was waived with a recorded reason' : ''}.`);
  else if (w.verdict === 'NO-GO')
    out.push(
      `Do not proceed with ${next}. ${failed.length ? `Not met: ${failed.map((c) => `${c.title} (${c.value === null ? c.outcome : fmtNumber(c.value, '', 3)})`).join('; ')}.` : ''}${w.rollback?.executed ? ' The wave was rolled back.' : ''}`,
    );
  else if (w.verdict === 'ABORTED') out.push(`Monitoring was aborted by an operator; there is no basis for ${next}. See the operator actions for the reason.`);
  else out.push('No recommendation until the wave ends; the table shows the latest checkpoint results.');
  const steps = nextSteps(data);
  const list = w.verdict === 'GO' ? steps.go : w.verdict === 'NO-GO' ? steps.noGo : null;
  if (list) out.push('', '## Next steps', '', ...list.map((x) => `- ${x}`));
  out.push('', '## Documents', '', `- Report: [${posix.basename(opts.reportPath)}](${link(opts.reportPath)})`);
  if (opts.finalAnalysisPath) out.push(`- Final analysis: [${posix.basename(opts.finalAnalysisPath)}](${link(opts.finalAnalysisPath)})`);
  out.push(`- Alert log: \`${data.plan.output.alertLog}\``, `- Checkpoints: \`${data.plan.output.dir}\``);
  return `${out.join('\n')}\n`;
}

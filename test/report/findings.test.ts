// The judge's findings reach the documents: a checkpoint where the judge found a restart renders it in
// the report's "Anomalies observed", in analysis.txt and in summary.json; "None found" only when the
// judge found nothing. (Before, runCheckpoint passed `findings: []` and every report said "None found".)
import { analyseCheckpoint } from '../../src/judge/checkpoint-analysis';
import { toFindings } from '../../src/observe/findings';
import { renderCheckpointFiles } from '../../src/report/checkpoint-files';
import type { ReportData } from '../../src/report/report-data';
import { renderReportMarkdown } from '../../src/report/report-doc';
import { renderAnalysis } from '../../src/report/text';
import { makeRecord, makeWave, wave2Plan } from '../artifacts/fixtures';
import { CASES } from '../judge/breaches';
import { HOUR, ctx, healthyHistory } from '../judge/fixtures';

const plan = wave2Plan();

function judgedFindings(restart: boolean) {
  const h = healthyHistory(6 * HOUR);
  if (restart) CASES['agents-stable'].fail(h);
  return toFindings(analyseCheckpoint(ctx, h)!);
}

function report(findings: ReturnType<typeof judgedFindings>): string {
  const t6 = { ...makeRecord(plan, 'T+6h'), findings };
  const checkpoints = [makeRecord(plan, 'T+1h'), t6];
  const data: ReportData = { plan, wave: makeWave(plan, checkpoints, null), waveFromFile: true, checkpoints, recollections: [], samples: [], alertLog: [] };
  return renderReportMarkdown(data, { heading: 'Interim Report', docAbs: '/x/report.md', charts: [], locate: (p) => `/x/${p}` });
}

const anomalies = (md: string) => md.slice(md.indexOf('### Anomalies observed'), md.indexOf('### Alerts'));

test('a restart the judge found is in the report, analysis.txt and summary.json', () => {
  const findings = judgedFindings(true);
  expect(findings).toEqual([expect.objectContaining({ kind: 'restart', scope: 'network-expert@dgx-2' })]);
  const section = anomalies(report(findings));
  expect(section).toContain('| T+6h | critical | restart | network-expert@dgx-2 |');
  expect(section).toContain(findings[0].message);
  expect(section).not.toContain('_None found._');

  const record = { ...makeRecord(plan, 'T+6h'), findings };
  expect(renderAnalysis(record, [makeRecord(plan, 'T+1h')], plan)).toContain(`[critical] restart network-expert@dgx-2`);
  const files = renderCheckpointFiles(
    { plan, record, previous: [], samples: [], wave: null, waveFromFile: false, tb: { monitoringStart: record.windowStart, timeScale: 1 }, charts: [], locate: (p) => p },
    ['summary.json'],
  );
  expect(JSON.parse(files.content.find(([f]) => f === 'summary.json')![1]).findings).toEqual(findings);
});

test('"None found" when the judge found nothing', () => {
  const findings = judgedFindings(false);
  expect(findings).toEqual([]);
  expect(anomalies(report(findings))).toContain('_None found._');
});

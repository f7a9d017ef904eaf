// Reports: pure rendering of the stored records (text in, text out); activities/write-reports.ts writes them.
export { renderWatch, type WatchInput } from './watch';
export { sparkline, labelledSparkline } from './sparkline';
export { roleSummary } from './rollup';
export { chartDefs, renderSvg, renderCharts } from './charts';
export { renderReportMarkdown, renderFinalAnalysis } from './report-doc';
export { renderDecisionMarkdown } from './decision-doc';
export { renderCheckpointFiles, buildSummary } from './checkpoint-files';

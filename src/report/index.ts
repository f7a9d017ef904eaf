// Reports: what the workflow's activities and the CLI call.
export { regenerateReports, writeFinalReports, loadReportData, type RegenerateResult } from './regenerate';
export { renderWatch, type WatchInput } from './watch';
export { sparkline, labelledSparkline } from './sparkline';
export { roleSummary } from './rollup';
export { chartDefs, renderSvg } from './charts';
export { nextWaveLabel, synthesizeWave, waveCriteria } from './final';

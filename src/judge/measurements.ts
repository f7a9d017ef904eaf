// The judge's measurements: one value per metric of the registry (src/plan/metrics.ts) for a window
// and a scope. The functions live in src/judge/measure/<family>.ts; this file keeps the entry
// points where their users import them.
export * from './observations';
export { measure, measureAll, tickMetrics, MEASURE_DEFAULTS, TEST_SCOPE, CONTROL_SCOPE } from './measure';
export type { JudgeContext, MeasureOptions, Scope } from './measure';
export { FLEET_METRICS, PER_AGENT_METRICS } from '../plan/metrics';

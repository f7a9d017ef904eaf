// The judge: pure functions from observations to measurements, rule outcomes, verdicts, alerts and
// the rollback decision. No I/O, no clock, no Temporal: activities and the workflow call it alike.
//
//   observations.ts      input records (TickObservation, CheckpointObservation) the collectors map into
//   measure/             measure(ctx, history, window, scope) → Measurements for every plan metric
//   rules.ts             evaluateRule / ruleFires: pass | fail | inconclusive | error (| waived)
//   verdict.ts           checkpoint PASS/WARNING/FAIL, wave GO/NO-GO/held-for-human, waivers
//   alerts.ts            evaluateAlerts + stepAlerts: the alert state machine and its notifications
//   rollback-decision.ts decideRollback, effectiveAction (policy auto/hold/observe)
//   trends.ts            checkpoint deltas, memory slope and leak, restart/error trends, gaps
//   comparison.ts        test vs control and checkpoint vs T+0 through the canary judge
//   canary-judge.ts      the Kayenta-style judge; degradation.ts the latency degradation test
//   stats/               Mann-Whitney U, Hodges-Lehmann CI, effect sizes, OLS, robust z, quantiles
export * from './rules';
export * from './observations';
export { measure, measureAll, tickMetrics } from './measure';
export { MEASURE_DEFAULTS, TEST_SCOPE, CONTROL_SCOPE, type JudgeContext, type MeasureOptions, type Scope } from './measure/context';
export { PER_AGENT_METRICS, FLEET_METRICS } from '../plan/metrics';
export * from './windows';
export * from './verdict';
export * from './alerts';
export * from './alert-evaluation';
export * from './rollback-decision';
export * from './trends';
export * from './comparison';
export * from './canary-judge';
export * from './degradation';
export * from './anomalies';
export * from './uptime';

// The plan's alert rules judged on a tick's measurements: one evaluation per rule and scope, for the
// alert state machine (alerts.ts) to step. Apart from alerts.ts because it runs in an activity on
// the tick's measurements; the workflow bundle holds only alerts.ts.
import type { Plan, PlanAlertRule } from '../plan/schema';
import { FLEET_METRICS, type MetricName } from '../plan/metrics';
import { ruleFires, type Measurements } from './rules';
import type { AlertEvaluation } from './alerts';

/** The plan's alert rules judged on measurements: agent rules per scope (test, control), fleet rules once. */
export function evaluateAlerts(plan: Plan, measurements: { test?: Measurements; control?: Measurements }, rules: readonly PlanAlertRule[] = plan.alerts): AlertEvaluation[] {
  const out: AlertEvaluation[] = [];
  for (const rule of rules) {
    const scopes: [string, Measurements | undefined][] = FLEET_METRICS.has(rule.metric as MetricName) ? [['fleet', measurements.test]] : [['test', measurements.test], ['control', measurements.control]];
    for (const [scope, m] of scopes) {
      if (!m) continue;
      const r = ruleFires(rule, m);
      // an episode already over (the watch saw it begin and end between two ticks): fired and resolved now
      const over = r.fires ? m[rule.metric]?.over : undefined;
      out.push({
        rule: rule.id,
        scope,
        status: r.fires ? 'firing' : r.outcome === 'fail' ? 'clear' : 'unknown',
        severity: rule.severity,
        title: rule.title,
        metric: rule.metric,
        op: rule.op,
        threshold: rule.threshold,
        value: r.value,
        note: r.note,
        ...(over ? { over } : {}),
      });
    }
  }
  return out;
}

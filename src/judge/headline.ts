// The spec's checkpoint-email metrics ("headline") for the agents under test, as the judge measured
// them: a criterion's value where a criterion judged the metric at this checkpoint (its own window),
// else the judge's measurement over the checkpoint's window. Nothing else supplies these numbers:
// the reports and emails render them as recorded. Pure.
import type { PlanRule } from '../plan/schema';
import type { Measurements, RuleResult } from './rules';
import type { WindowKind } from './windows';

export const HEADLINE_METRICS = {
  uptimePct: 'agents.uptime_pct',
  errorRatePct: 'errors.rate_pct',
  deliveryPct: 'probe.delivery_pct',
  latencyP50Ms: 'probe.p50_ms',
  latencyP99Ms: 'probe.p99_ms',
  dualPublishPct: 'nats.dual_publish_pct',
  agentRefPct: 'nats.agent_ref_pct',
} as const satisfies Record<string, PlanRule['metric']>;

export type HeadlineKey = keyof typeof HEADLINE_METRICS;

export interface HeadlineValue {
  value: number | null;
  samples: number;
  /** The window the value covers. */
  window: WindowKind;
  /** The judge's note: why there is no value, or a caveat on it. */
  note?: string;
}

export type JudgedHeadline = Record<HeadlineKey, HeadlineValue>;

/** The headline at a checkpoint, from its judged criteria and the judge's measurements per window. */
export function judgeHeadline(criteria: readonly RuleResult[], measurements: Partial<Record<WindowKind, Measurements>>): JudgedHeadline {
  const out = {} as JudgedHeadline;
  for (const key of Object.keys(HEADLINE_METRICS) as HeadlineKey[]) {
    const metric = HEADLINE_METRICS[key];
    const judged = criteria.filter((c) => c.metric === metric);
    const c = judged.find((x) => x.value !== null);
    const m = measurements.checkpoint?.[metric];
    if (c) out[key] = { value: c.value, samples: c.samples, window: c.window as WindowKind, ...(c.note ? { note: c.note } : {}) };
    else if (m && m.value !== null) out[key] = { value: m.value, samples: m.samples, window: 'checkpoint', ...(m.note ? { note: m.note } : {}) };
    else {
      const note = judged[0]?.note ?? m?.error ?? m?.note ?? (m ? 'no data' : 'not measured at this checkpoint');
      out[key] = { value: null, samples: 0, window: 'checkpoint', note };
    }
  }
  return out;
}

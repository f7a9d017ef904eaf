// The metric registry: every metric a plan rule can name, defined once with its facts. Each is
// computed by the judge (src/judge/measure/<family>.ts, keyed by these names so a metric without a
// measurement does not compile); a plan naming anything else is rejected at validation, so a typo
// never becomes a rule that never fires. Every other table of metric facts (the alert scopes, the
// per-agent set, the trend orientation, the report's checkpoint comparison and its units, the
// test-vs-control noise floors) is derived from this one.
// I/O-free and statistics-free: the plan schema and the workflow bundle may import it.

/** Percentages are 0–100; `rate` is errors per 5 minutes; `load` is a load average. */
export type MetricUnit = 'pct' | 'ms' | 'seconds' | 'count' | 'bytes' | 'rate' | 'load';

/**
 * - fleet: not about agents — one value for the wave, the same for every scope (alerts fire once, not per cohort);
 * - agent: computed for a cohort and for one agent alone (capability clusters are judged from these);
 * - cohort: computed for the agents under test or the control agents as a whole, never for one agent.
 */
export type MetricScope = 'fleet' | 'agent' | 'cohort';

/** The plan setting a latency noise floor comes from (nats.probe.minLatencyDifferenceMs, default 5 ms). */
export const PLAN_LATENCY_FLOOR = 'plan:nats.probe.minLatencyDifferenceMs';

export interface MetricFacts {
  description: string;
  unit: MetricUnit;
  better: 'lower' | 'higher' | 'none';
  /** Smallest difference that counts, in `unit` (below it a change is noise); or the plan's latency setting. */
  noiseFloor: number | typeof PLAN_LATENCY_FLOOR;
  scope: MetricScope;
  /**
   * For a relative test-vs-control metric: the per-instance quantity it compares, with that
   * quantity's own unit and the smallest absolute difference between the cohorts that counts.
   */
  quantity?: { name: string; unit: MetricUnit; noiseFloor: number };
}

const MiB = 1024 * 1024;

const count = (description: string, scope: MetricScope): MetricFacts => ({ description, unit: 'count', better: 'lower', noiseFloor: 0, scope });
const latency = (description: string): MetricFacts => ({ description, unit: 'ms', better: 'lower', noiseFloor: PLAN_LATENCY_FLOOR, scope: 'agent' });

export const METRIC_REGISTRY = {
  // agents under test (control agents are judged separately and never fail the wave)
  'agents.active_pct': { description: 'share of agent instances under test whose unit is active, %', unit: 'pct', better: 'higher', noiseFloor: 0.01, scope: 'agent' },
  'agents.inactive_count': count('agent instances under test not active (inactive, failed, not installed), count', 'agent'),
  'agents.unknown_count': count('agent instances under test whose state could not be collected, count', 'agent'),
  'agents.restarts': count('restarts of agent instances under test since monitoring start, count', 'agent'),
  'agents.crashes': count('crashes (restart or new ActiveEnterTimestamp) of agents under test in the window, count', 'agent'),
  'agents.uptime_pct': { description: 'share of the wave during which every agent instance under test was active, %', unit: 'pct', better: 'higher', noiseFloor: 0.01, scope: 'agent' },
  'clusters.working_pct': { description: 'share of capability clusters whose agents all pass, %', unit: 'pct', better: 'higher', noiseFloor: 0, scope: 'cohort' },
  // errors
  'errors.count': count('error entries of agents under test in the window, count', 'agent'),
  'errors.per_5min': { description: 'error entries of agents under test per 5 minutes over the window measured, rate', unit: 'rate', better: 'lower', noiseFloor: 0, scope: 'agent' },
  'errors.rate_pct': { description: 'error entries per message handled by agents under test, %', unit: 'pct', better: 'lower', noiseFloor: 0.01, scope: 'agent' },
  // probes
  'probe.delivery_pct': { description: 'probe replies received per request sent, %', unit: 'pct', better: 'higher', noiseFloor: 0, scope: 'agent' },
  'probe.loss_count': count('probe requests without a reply (timeout or no responders), count', 'agent'),
  'probe.p50_ms': latency('probe latency median, ms'),
  'probe.p99_ms': latency('probe latency 99th percentile, ms'),
  'probe.p999_ms': latency('probe latency 99.9th percentile, ms'),
  'latency.degradation_pct': { description: 'probe latency p50/p99 change against the T+0 baseline, when significant, %', unit: 'pct', better: 'lower', noiseFloor: 0, scope: 'agent' },
  'data.corrupt_count': count('probe replies or sampled JSON payloads that do not parse, count', 'cohort'),
  // NATS traffic
  'nats.dual_publish_pct': { description: 'messages seen on both patterns per message seen on either, %', unit: 'pct', better: 'higher', noiseFloor: 0.1, scope: 'fleet' },
  'nats.dual_subscription_pct': { description: 'agent connections subscribed to both patterns, %', unit: 'pct', better: 'higher', noiseFloor: 0, scope: 'cohort' },
  'nats.agent_ref_pct': { description: 'unified pattern share of all sampled messages, %', unit: 'pct', better: 'higher', noiseFloor: 0.5, scope: 'fleet' },
  'nats.publish_time_ms': { description: 'dual-publish skew p99, ms', unit: 'ms', better: 'lower', noiseFloor: 0, scope: 'fleet' },
  'nats.connection_drops': count('agent NATS connections dropped or replaced in the window, count', 'cohort'),
  'nats.unreachable_ticks': count('consecutive monitor ticks with the NATS server unreachable, count', 'fleet'),
  'nats.slow_consumers': count('slow consumers the NATS server counted in the window (its /varz slow_consumers), count', 'fleet'),
  // the continuous watch (issue 14): what happened between the monitor's looks
  'nats.outage_count': count("outages of wavewatch's own NATS connections the watch saw in the window, count", 'fleet'),
  'nats.outage_seconds': { description: "time in the window with one of wavewatch's own NATS connections down, as the watch saw it, s", unit: 'seconds', better: 'lower', noiseFloor: 0, scope: 'fleet' },
  'agent.silent_seconds': { description: "longest time one agent answered none of the watch's probes in the window (silence shared with control agents or a NATS outage not counted for agents under test), s", unit: 'seconds', better: 'lower', noiseFloor: 0, scope: 'agent' },
  'watch.blind_seconds': { description: 'time in the window the watch itself was not watching (restarted, no report), s', unit: 'seconds', better: 'lower', noiseFloor: 0, scope: 'fleet' },
  // hosts
  'hosts.unreachable_count': count('hosts that could not be reached over SSH, count', 'fleet'),
  'system.load1_max': { description: 'highest 1-minute load average over hosts', unit: 'load', better: 'lower', noiseFloor: 0.2, scope: 'fleet' },
  'system.high_load_ticks': count('consecutive monitor ticks with load1 above the warning threshold, count', 'fleet'),
  'system.memory_used_pct_max': { description: 'highest memory use over hosts, %', unit: 'pct', better: 'lower', noiseFloor: 1, scope: 'fleet' },
  'system.disk_used_pct_max': { description: 'highest disk use of the agent install path over hosts, %', unit: 'pct', better: 'lower', noiseFloor: 1, scope: 'fleet' },
  'memory.leak_count': count('agent instances with a confident memory growth that exhausts the host before the wave ends, count', 'agent'),
  'anomalies.count': count('anomalies found by the detector over the window, count', 'cohort'),
  // test vs control
  'compare.cpu_overhead_pct': {
    description: 'CPU use of agents under test above control, %',
    unit: 'pct',
    better: 'lower',
    noiseFloor: 0,
    scope: 'cohort',
    quantity: { name: 'CPU per instance', unit: 'pct', noiseFloor: 1 },
  },
  'compare.memory_overhead_pct': {
    description: 'memory use of agents under test above control, %',
    unit: 'pct',
    better: 'lower',
    noiseFloor: 0,
    scope: 'cohort',
    // the judge's 10 MiB (the report's checkpoint comparison used 16 MiB before the registry)
    quantity: { name: 'memory per instance', unit: 'bytes', noiseFloor: 10 * MiB },
  },
} as const satisfies Record<string, MetricFacts>;

export type MetricName = keyof typeof METRIC_REGISTRY;
export const METRIC_NAMES = Object.keys(METRIC_REGISTRY) as [MetricName, ...MetricName[]];

export function metricFacts(name: MetricName): MetricFacts {
  return METRIC_REGISTRY[name];
}

/** The unit of a metric named in a record (a plain string there); null for a name not in the registry. */
export function unitOf(name: string): MetricUnit | null {
  return Object.hasOwn(METRIC_REGISTRY, name) ? METRIC_REGISTRY[name as MetricName].unit : null;
}

/** Name → description (what `wavewatch` prints for a plan's metrics and the schema documents). */
export const METRICS = Object.fromEntries(METRIC_NAMES.map((n) => [n, METRIC_REGISTRY[n].description])) as Record<MetricName, string>;

const withScope = (scope: MetricScope) => new Set<MetricName>(METRIC_NAMES.filter((n) => METRIC_REGISTRY[n].scope === scope));

/** Metrics not about agents: computed once for the wave, the same for every scope. */
export const FLEET_METRICS: ReadonlySet<MetricName> = withScope('fleet');
/** Metrics that can be computed for one agent (used for "both capability clusters working"). */
export const PER_AGENT_METRICS: ReadonlySet<MetricName> = withScope('agent');

/** The plan settings a noise floor may come from (structural, so this file needs no plan types). */
export interface FloorSettings {
  nats: { probe: { minLatencyDifferenceMs: number } };
}

/** The schema's default for nats.probe.minLatencyDifferenceMs, when there is no plan. */
const DEFAULT_LATENCY_FLOOR_MS = 5;

/** A metric's noise floor in its unit, the plan's setting resolved. */
export function noiseFloor(name: MetricName, plan?: FloorSettings | null): number {
  const f = METRIC_REGISTRY[name].noiseFloor;
  return f === PLAN_LATENCY_FLOOR ? (plan?.nats.probe.minLatencyDifferenceMs ?? DEFAULT_LATENCY_FLOOR_MS) : f;
}

/** The per-instance quantity behind a test-vs-control metric (its unit and absolute noise floor). */
export function comparedQuantity(name: 'compare.cpu_overhead_pct' | 'compare.memory_overhead_pct'): { name: string; unit: MetricUnit; noiseFloor: number } {
  return METRIC_REGISTRY[name].quantity;
}

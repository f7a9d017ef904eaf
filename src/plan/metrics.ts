// The metrics a plan rule can name. Each is computed by the judge from collected data; a plan
// naming anything else is rejected at validation, so a typo never becomes a rule that never fires.
// Units are in the name's description; percentages are 0–100.

export const METRICS = {
  // agents under test (control agents are judged separately and never fail the wave)
  'agents.active_pct': 'share of agent instances under test whose unit is active, %',
  'agents.inactive_count': 'agent instances under test not active (inactive, failed, not installed), count',
  'agents.unknown_count': 'agent instances under test whose state could not be collected, count',
  'agents.restarts': 'restarts of agent instances under test since monitoring start, count',
  'agents.crashes': 'crashes (restart or new ActiveEnterTimestamp) of agents under test in the window, count',
  'agents.uptime_pct': 'share of the wave during which every agent instance under test was active, %',
  'clusters.working_pct': 'share of capability clusters whose agents all pass, %',
  // errors
  'errors.count': 'error entries of agents under test in the window, count',
  'errors.per_5min': 'error entries of agents under test per 5 minutes over the window measured, rate',
  'errors.rate_pct': 'error entries per message handled by agents under test, %',
  // probes
  'probe.delivery_pct': 'probe replies received per request sent, %',
  'probe.loss_count': 'probe requests without a reply (timeout or no responders), count',
  'probe.p50_ms': 'probe latency median, ms',
  'probe.p99_ms': 'probe latency 99th percentile, ms',
  'probe.p999_ms': 'probe latency 99.9th percentile, ms',
  'latency.degradation_pct': 'probe latency p50/p99 change against the T+0 baseline, when significant, %',
  'data.corrupt_count': 'probe replies or sampled JSON payloads that do not parse, count',
  // NATS traffic
  'nats.dual_publish_pct': 'messages seen on both patterns per message seen on either, %',
  'nats.dual_subscription_pct': 'agent connections subscribed to both patterns, %',
  'nats.agent_ref_pct': 'unified pattern share of all sampled messages, %',
  'nats.publish_time_ms': 'dual-publish skew p99, ms',
  'nats.connection_drops': 'agent NATS connections dropped or replaced in the window, count',
  'nats.unreachable_ticks': 'consecutive monitor ticks with the NATS server unreachable, count',
  // hosts
  'hosts.unreachable_count': 'hosts that could not be reached over SSH, count',
  'system.load1_max': 'highest 1-minute load average over hosts',
  'system.high_load_ticks': 'consecutive monitor ticks with load1 above the warning threshold, count',
  'system.memory_used_pct_max': 'highest memory use over hosts, %',
  'system.disk_used_pct_max': 'highest disk use of the agent install path over hosts, %',
  'memory.leak_count': 'agent instances with a confident memory growth that exhausts the host before the wave ends, count',
  'anomalies.count': 'anomalies found by the detector over the window, count',
  // test vs control
  'compare.cpu_overhead_pct': 'CPU use of agents under test above control, %',
  'compare.memory_overhead_pct': 'memory use of agents under test above control, %',
} as const;

export type MetricName = keyof typeof METRICS;
export const METRIC_NAMES = Object.keys(METRICS) as [MetricName, ...MetricName[]];

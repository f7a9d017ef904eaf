// What the artifacts, reports and emails are made from: plain JSON-able records, independent of the
// collectors and the judge. The workflow maps its results into these; everything written under the
// plan's output folder is a pure function of them (same record → same bytes, so retries are idempotent).
//
// Conventions
// - Times are ISO 8601 strings in UTC ("2026-01-23T10:00:00.000Z"); never Date objects.
// - A number that could not be measured is a `Reading` with `value: null` and a `reason`: missing
//   data is recorded as a gap, never invented, never 0.
// - Percentages are 0–100. Bytes are bytes. Latencies are milliseconds.
// - `role` is 'test' for agents under test, 'control' for control agents.
//
// The zod schemas in ./schema.ts mirror these types (checked at compile time) and produce the JSON
// Schema files under schemas/.
import type { RuleResult } from '../judge/rules';

/** A measured number, or null with the reason it is missing. */
export type Reading =
  | {
      value: number;
      /** A caveat about the value, e.g. "p999 rests on 100 samples (< 1000)". */
      reason?: string;
      /** How many samples or units the value rests on (probes, messages, instances). */
      samples?: number;
    }
  | {
      value: null;
      /** Why there is no value: "host dgx-2 unreachable", "no messages handled in the window". */
      reason: string;
      samples?: number;
    };

export type Role = 'test' | 'control';

/** PASS: every criterion passed. WARNING: no primary failed, but something needs a look. FAIL: a primary criterion failed. */
export type CheckpointVerdict = 'PASS' | 'WARNING' | 'FAIL';

/** A criterion's result at a checkpoint or over the wave: the judge's RuleResult plus whether it is primary. */
export interface CriterionResult extends RuleResult {
  /** Primary criteria decide GO/NO-GO; secondary ones are informational. */
  primary: boolean;
}

/** One normalised error message of one agent instance, with how often it occurred in the window. */
export interface ErrorTypeRecord {
  /** Normalised message (numbers, ids, addresses replaced), the grouping key. */
  type: string;
  count: number;
  /** true when it occurred in more than one window or more than a few times; false for a one-off. */
  recurring: boolean;
  firstAt: string | null;
  lastAt: string | null;
  /** One original message, for people. */
  example: string;
}

/** One agent instance (agent × host) at a checkpoint. */
export interface AgentInstanceRecord {
  agent: string;
  host: string;
  role: Role;
  /** Capability cluster of an agent under test (Wave 2: infrastructure, quality-assurance); null for control. */
  cluster: string | null;
  /** systemd unit, e.g. "agent-runtime@network-expert". */
  unit: string;
  /** systemd states as reported (ActiveState, SubState, LoadState); null with `reason` when not collected. */
  state: { active: string | null; sub: string | null; load: string | null; reason?: string };
  /** ActiveEnterTimestamp: when the unit last became active. */
  activeSince: string | null;
  /** Seconds since the unit last became active. */
  uptimeSeconds: Reading;
  /** Share of the checkpoint's window (or the wave, see `uptimeWindow`) the unit was active, %. */
  uptimePct: Reading;
  /** Restarts since monitoring start (NRestarts delta or new ActiveEnterTimestamps). */
  restarts: Reading;
  /** Resident memory (MemoryCurrent), bytes. */
  memoryBytes: Reading;
  /** CPU use over the window (CPUUsageNSec delta / wall time), % of one core. */
  cpuPct: Reading;
  /** Error entries in the checkpoint's window. */
  errors: Reading;
  /** Messages handled in the window (NATS /connz in+out deltas of the agent's connection). */
  messages: Reading;
  /** errors ÷ messages × 100; null when no messages were handled ("no data", never 0 %). */
  errorRatePct: Reading;
  /** Error types found in the window, most frequent first. */
  errorTypes: ErrorTypeRecord[];
}

/** Request/reply probes of one agent (answered by one of its instances), or of one instance when `host` is set. */
export interface ProbeRecord {
  agent: string;
  role: Role;
  /** Set when a per-instance subject was probed; null for the agent's queue group. */
  host: string | null;
  subject: string;
  sent: number;
  received: number;
  timeouts: number;
  noResponders: number;
  /** Replies that were not valid JSON. */
  corrupt: number;
  /** received ÷ sent × 100. */
  deliveryPct: Reading;
  p50Ms: Reading;
  p99Ms: Reading;
  /** Needs ≥ 1000 samples; with fewer the value may be given with a `reason` saying so, or be null. */
  p999Ms: Reading;
  maxMs: Reading;
  /** Replies per second over the probe run. */
  throughputPerSec: Reading;
}

/** One subject pattern's traffic in the sampling window. */
export interface PatternTraffic {
  /** The pattern, e.g. "cim-agent.>". */
  pattern: string;
  messages: number;
  uniqueSubjects: number;
  /** Messages per minute over the window. */
  perMinute: Reading;
}

/** Whether one agent instance's NATS connection subscribes to both patterns (server /connz?subs=1). */
export interface DualSubscriptionRecord {
  agent: string;
  host: string;
  /** The connection's name as the server reports it; null when no such connection was found. */
  connection: string | null;
  legacy: boolean | null;
  unified: boolean | null;
  reason?: string;
}

/** NATS subject sampling at a checkpoint (the spec's section 3) and the connection facts beside it. */
export interface NatsRecord {
  /** false when the checkpoint did not sample (not among its actions) or sampling failed; see `reason`. */
  sampled: boolean;
  reason?: string;
  windowStart: string | null;
  windowEnd: string | null;
  windowMs: number | null;
  legacy: PatternTraffic | null;
  unified: PatternTraffic | null;
  /** Unified pattern's share of all sampled messages, %. */
  agentRefPct: Reading;
  /** Messages seen on both patterns ÷ messages seen on either, %. */
  dualPublishPct: Reading;
  /** How the dual-publish pairing came out; null when not sampled. */
  pairing: {
    paired: number;
    legacyOnly: number;
    unifiedOnly: number;
    /** Unpaired messages seen within the grace period at the window's end (not counted as failures). */
    pendingAtEnd: number;
  } | null;
  /** Dual-publish skew (time between the two copies) p50 and p99, ms; p99 is the spec's "publish time". */
  publishSkewP50Ms: Reading;
  publishSkewP99Ms: Reading;
  /** The busiest subjects, most messages first (capped); `subjectsOmitted` counts the rest. */
  topSubjects: { subject: string; pattern: 'legacy' | 'unified' | 'other'; messages: number }[];
  subjectsOmitted: number;
  /** Per agent instance under test: subscribed to both patterns? (T+1h "dual subscription working"). */
  dualSubscription: DualSubscriptionRecord[];
  /** Sampled payloads on JSON subjects that did not parse. */
  corruptPayloads: number;
  /** Agent connections dropped or replaced in the window. */
  connectionDrops: Reading;
  /** Whether the NATS server (monitoring endpoint) answered; null when not checked. */
  serverReachable: boolean | null;
}

/** One GPU of a host (nvidia-smi). */
export interface GpuRecord {
  index: number;
  name: string | null;
  utilizationPct: number | null;
  memoryUsedPct: number | null;
  temperatureC: number | null;
  /** false when nvidia-smi reports a fault (XID, ECC, throttling for power/thermal); null when unknown. */
  healthy: boolean | null;
  reason?: string;
}

/** One host's system resources at a checkpoint (the spec's section 5). */
export interface HostRecord {
  host: string;
  /** false when the host could not be reached over SSH; all readings are then null with the reason. */
  reachable: boolean;
  reason?: string;
  load1: Reading;
  load5: Reading;
  load15: Reading;
  memory: {
    totalBytes: Reading;
    usedBytes: Reading;
    availableBytes: Reading;
    cachedBytes: Reading;
    usedPct: Reading;
  };
  /** The filesystem holding the agents' install path. */
  disk: {
    path: string;
    totalBytes: Reading;
    usedBytes: Reading;
    availableBytes: Reading;
    usedPct: Reading;
  };
  /** Client connections of this host at the NATS server (/connz), not `ss`. */
  natsConnections: Reading;
  /** Per-interface bandwidth from /proc/net/dev, where available (empty when not). */
  network: { iface: string; rxBytesPerSec: number | null; txBytesPerSec: number | null }[];
  gpus: GpuRecord[];
  /** Why `gpus` is empty (no nvidia-smi, command failed), when it is. */
  gpuReason?: string;
}

/** One error entry as logged (written to errors.log, one line each). */
export interface ErrorEntry {
  at: string;
  host: string;
  agent: string;
  role: Role;
  /** syslog priority (0–7) when the journal gave one; null for a stdout line matched by the error pattern. */
  priority: number | null;
  message: string;
}

/** One metric compared between agents under test and control agents. */
export interface ComparisonRow {
  /** e.g. "error_rate_pct", "latency_p50_ms", "latency_p99_ms", "memory_bytes", "cpu_pct", "uptime_pct". */
  metric: string;
  test: Reading;
  control: Reading;
  /** (test − control) ÷ control × 100; null when either side is missing or control is 0. */
  deltaPct: Reading;
  /** Whether the difference is statistically significant; null when not tested. */
  significant: boolean | null;
  /** The test used ("two-proportion z-test", "Mann–Whitney U", "none"). */
  method: string;
  pValue: number | null;
}

/** Test vs control at a checkpoint (the spec's section 6). */
export interface ControlComparison {
  rows: ComparisonRow[];
  note?: string;
}

/** Something the judge or the collectors noticed: an anomaly, a leak, a degradation, a restart. */
export interface Finding {
  /** 'anomaly' | 'leak' | 'degradation' | 'restart' | 'gap' | 'corruption' | anything else. */
  kind: string;
  severity: 'info' | 'warning' | 'critical';
  /** What it is about: "network-expert@dgx-2", "dgx-1", "wave". */
  scope: string;
  at: string | null;
  message: string;
}

export type AlertState = 'firing' | 'acknowledged' | 'resolved';

/** An alert of the wave (the status query's `alerts`). */
export interface AlertRecord {
  /** Stable id of this incident, e.g. "agent-crash:network-expert@dgx-2:1". */
  id: string;
  /** The plan's alert rule id. */
  rule: string;
  title: string;
  severity: 'critical' | 'warning';
  scope: string;
  state: AlertState;
  firstFiredAt: string;
  lastFiredAt: string | null;
  resolvedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  /** Severity rose (warning → critical) after it first fired. */
  escalated: boolean;
  message: string;
  /** The measured value and the rule's threshold when it fired. */
  value: number | null;
  threshold: number | null;
  /** "None", "Investigating", "Rollback initiated", … (the incident email's "Action Taken"). */
  actionTaken: string;
}

/** An operator's signal or update, as the workflow recorded it. */
export interface OperatorAction {
  at: string;
  /** 'abort' | 'pause' | 'resume' | 'rollback' | 'requestRollback' | 'acknowledgeAlert' | 'waiveCriterion' | 'extendWave' | 'collectNow'. */
  kind: string;
  by: string | null;
  reason: string;
  /** What it was about: the alert id, the criterion, the new end time. */
  detail?: string;
  /** What came of it: "accepted", "rejected: …". */
  outcome?: string;
}

/** Everything measured and judged at one checkpoint (one collection of it). */
export interface CheckpointRecord {
  /** plan.wave.name. */
  wave: string;
  /** The workflow id of this wave run. */
  waveId: string;
  /** Checkpoint name from the plan ("T+6h"), or a manual collection's name. */
  checkpoint: string;
  /** 0 for the checkpoint's own collection; n for the n-th re-collection, kept in "<name>.recollect-n/". */
  collection: number;
  /** Why it was re-collected (operator's reason); absent for collection 0. */
  collectionReason?: string;
  /** The plan's offset of this checkpoint from monitoring start, ms (unscaled). */
  offsetMs: number;
  /** When the checkpoint was due, when collection started and finished. */
  dueAt: string;
  startedAt: string;
  finishedAt: string;
  /** Start of the window this checkpoint measures (monitoring start, or the previous checkpoint). */
  windowStart: string;
  verdict: CheckpointVerdict;
  /** One line for people: why this verdict. */
  verdictReason: string;
  /** The plan's actions performed at this checkpoint (decide which extra files are written). */
  actions: string[];
  criteria: CriterionResult[];
  agents: AgentInstanceRecord[];
  probes: ProbeRecord[];
  nats: NatsRecord;
  hosts: HostRecord[];
  /** Error entries of the window (capped by the collector); `omitted` counts the rest. */
  errorLog: { entries: ErrorEntry[]; omitted: number };
  /** Test vs control, as judged; null when the checkpoint does not compare (a simple comparison is then derived for comparison.json). */
  comparison: ControlComparison | null;
  findings: Finding[];
  /** Alerts active or raised since the previous checkpoint. */
  alerts: AlertRecord[];
  /** Operator actions since the previous checkpoint. */
  operatorActions: OperatorAction[];
  /** Collection-level gaps: "NATS monitoring endpoint unreachable: ECONNREFUSED". */
  gaps: string[];
}

/** One sample of the continuous monitor (one tick), for the hourly trends and the charts. */
export interface MonitorSample {
  at: string;
  /** Length of the window this tick measured, ms (errors and messages are counts over it). */
  windowMs: number;
  agents: {
    agent: string;
    host: string;
    role: Role;
    /** ActiveState is "active". null when not collected. */
    active: boolean | null;
    memoryBytes: number | null;
    cpuPct: number | null;
    errors: number | null;
    messages: number | null;
    restarts: number | null;
  }[];
  /** The tick's light probe per agent. */
  probes: {
    agent: string;
    role: Role;
    sent: number;
    received: number;
    p50Ms: number | null;
    p99Ms: number | null;
  }[];
  hosts: {
    host: string;
    reachable: boolean;
    load1: number | null;
    memoryUsedPct: number | null;
    diskUsedPct: number | null;
  }[];
  natsReachable: boolean | null;
}

export type WavePhase = 'monitoring' | 'holding' | 'rolling-back' | 'completed' | 'aborted';
export type WaveVerdict = 'GO' | 'NO-GO' | 'ABORTED';

/** One checkpoint of the wave as the workflow knows it; the full record lives in the checkpoint folder. */
export interface CheckpointRef {
  name: string;
  /** The collection the wave's verdict uses (usually the latest). */
  collection: number;
  dueAt: string;
  finishedAt: string | null;
  verdict: CheckpointVerdict | null;
  /** Set when the checkpoint could not be collected at all ("skipped: wave aborted"). */
  gap?: string;
}

export interface RollbackStepRecord {
  name: string;
  /** "dgx-1" or "network-expert@dgx-1". */
  target: string;
  state: 'pending' | 'running' | 'done' | 'skipped' | 'failed';
  startedAt: string | null;
  finishedAt: string | null;
  /** Exit status, the skip reason, the error. */
  detail?: string;
}

export interface RollbackRecord {
  executed: boolean;
  /** What triggered it: a rule id, "operator", "hold timeout". */
  trigger: string;
  reason: string;
  startedAt: string | null;
  finishedAt: string | null;
  steps: RollbackStepRecord[];
}

export interface TimelineEvent {
  at: string;
  /** 'start' | 'checkpoint' | 'alert' | 'operator' | 'hold' | 'rollback' | 'verdict' | 'gap' | … */
  kind: string;
  text: string;
}

/** The wave as a whole: written to <output.dir>/wave.json, the source of the decision document and report. */
export interface WaveRecord {
  wave: string;
  waveId: string;
  /** plan.wave.title. */
  title: string;
  monitoringStart: string;
  /** Planned end (monitoring start + the wave's duration, extensions included, scaled). */
  plannedEnd: string;
  /** When monitoring ended; null while the wave runs. */
  finishedAt: string | null;
  /** The --time-scale the wave ran at (1 = real time). */
  timeScale: number;
  phase: WavePhase;
  /** null while the wave runs. */
  verdict: WaveVerdict | null;
  verdictReason: string;
  /** The wave-level evaluation of the plan's criteria (the GO/NO-GO table); empty while running. */
  criteria: CriterionResult[];
  checkpoints: CheckpointRef[];
  alerts: AlertRecord[];
  operatorActions: OperatorAction[];
  rollback: RollbackRecord | null;
  timeline: TimelineEvent[];
  /** Monitor ticks skipped because collection took longer than a (compressed) tick. */
  skippedTicks: number;
}

/** One line of the alert log (JSON lines at plan.output.alertLog). */
export interface AlertLogEntry {
  /** Unique per event; a retried append of the same event carries the same id and is read once. */
  id: string;
  at: string;
  wave: string;
  waveId: string;
  /** 'fired' | 'escalated' | 'reminder' | 'acknowledged' | 'resolved' | 'email-sent' | 'email-failed' | … */
  event: string;
  alertId: string;
  rule: string;
  /** The rule's title, for people reading the log. */
  title?: string;
  severity: 'critical' | 'warning';
  scope: string;
  state: AlertState;
  message: string;
  value: number | null;
  threshold: number | null;
  actionTaken?: string;
  by?: string;
}

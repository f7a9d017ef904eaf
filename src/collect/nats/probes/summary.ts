// What a probe run found, summarised: one agent's tallies into its result (delivery, faults, notes)
// and the agents' results into the run's figure over the agents under test. Pure.
import { round2 } from '../pairing';
import { MsRecorder, type DistributionSummary } from '../stats';

export type ProbeFaultKind = 'nats-unreachable' | 'nats-disconnected' | 'cancelled';

export interface ProbeResult {
  agent: string;
  role: 'test' | 'control' | null;
  subject: string;
  startedAt: string;
  /** Requests planned and actually sent. */
  planned: number;
  sent: number;
  replies: number;
  timeouts: number;
  noResponders: number;
  /** Failures while wavewatch's own NATS connection was down or closed (a NATS fault, not an agent's loss). */
  connectionErrors: number;
  otherErrors: number;
  /** Replies that are not valid JSON (data corruption); they count as delivered. */
  corrupt: number;
  /** Timeouts + no-responders: requests the agent side lost. */
  lossCount: number;
  /** replies ÷ (replies + losses) × 100; null when nothing was sent outside a NATS fault. */
  deliveryPct: number | null;
  /** From the intended send time to the reply, ms. */
  latency: DistributionSummary;
  /** How late the sender was against its schedule, ms (the harness's own share of the latency). */
  sendLag: DistributionSummary;
  plannedRatePerSecond: number;
  /** Replies per second over the run (first intended send to last reply). */
  throughputPerSecond: number | null;
  /** A short max-rate burst, when asked for. */
  burst: { requests: number; replies: number; durationMs: number; repliesPerSecond: number | null } | null;
  durationMs: number;
  complete: boolean;
  fault: { kind: ProbeFaultKind; message: string } | null;
  notes: string[];
  /**
   * The second look at an agent that lost replies (timeouts or no responders), taken right after its
   * run in the same collection: `requests` more requests at the same rate and timeout. null when
   * nothing was lost or the run was cancelled; absent in results recorded before it existed.
   */
  reprobe?: ReprobeResult | null;
}

export interface ReprobeResult {
  startedAt: string;
  sent: number;
  replies: number;
  /** Timeouts + no-responders. */
  lossCount: number;
  /** Failures with wavewatch's own NATS connection: not the agent's loss. */
  connectionErrors: number;
  durationMs: number;
}

export interface ProbeRunResult {
  kind: 'checkpoint' | 'tick' | 'baseline';
  startedAt: string;
  endedAt: string;
  /** Per agent (under test and control). */
  agents: ProbeResult[];
  /** Over the agents under test. */
  underTest: { sent: number; replies: number; lossCount: number; corrupt: number; deliveryPct: number | null; latency: DistributionSummary };
  fault: { kind: ProbeFaultKind; message: string } | null;
  complete: boolean;
}

/** How each request of one agent's run ended (a reply that is not JSON is delivered, and also corrupt). */
export interface ProbeTally {
  reply: number;
  timeout: number;
  noResponders: number;
  connection: number;
  other: number;
  corrupt: number;
}

/** One agent's result from its run's tallies and recorders. */
export function summariseProbe(run: {
  agent: string;
  role: 'test' | 'control' | null;
  subject: string;
  startedAt: Date;
  planned: number;
  sent: number;
  tally: ProbeTally;
  latency: MsRecorder;
  sendLag: MsRecorder;
  plannedRatePerSecond: number;
  throughputPerSecond: number | null;
  burst: ProbeResult['burst'];
  durationMs: number;
  cancelled: boolean;
  /** Times wavewatch's own connection went down during the run. */
  disconnects: number;
}): ProbeResult {
  const { tally, planned, sent } = run;
  const notes: string[] = [];
  const lossCount = tally.timeout + tally.noResponders;
  const judged = tally.reply + lossCount;
  let fault: ProbeResult['fault'] = null;
  if (run.cancelled) fault = { kind: 'cancelled', message: `cancelled after ${sent} of ${planned} requests` };
  else if (tally.connection > 0 || run.disconnects > 0)
    fault = { kind: 'nats-disconnected', message: `wavewatch's NATS connection was lost during the probe: ${tally.connection} request(s) failed with it` };
  if (tally.other) notes.push(`${tally.other} request(s) failed for another reason`);
  if (planned < 1000) notes.push(`p99.9 rests on fewer than 1000 samples (${run.latency.count})`);

  return {
    agent: run.agent,
    role: run.role,
    subject: run.subject,
    startedAt: run.startedAt.toISOString(),
    planned,
    sent,
    replies: tally.reply,
    timeouts: tally.timeout,
    noResponders: tally.noResponders,
    connectionErrors: tally.connection,
    otherErrors: tally.other,
    corrupt: tally.corrupt,
    lossCount,
    deliveryPct: judged > 0 ? round2((tally.reply / judged) * 100) : null,
    latency: run.latency.summary({ includeHistogram: true }),
    sendLag: run.sendLag.summary(),
    plannedRatePerSecond: run.plannedRatePerSecond,
    throughputPerSecond: run.throughputPerSecond,
    burst: run.burst,
    durationMs: run.durationMs,
    complete: !fault && sent === planned,
    fault,
    notes: judged === 0 ? [...notes, 'no data: every request failed with the NATS connection'] : notes,
    reprobe: null,
  };
}

/** The run over every agent: delivery and latency over the agents under test, the first fault. */
export function summariseRun(kind: ProbeRunResult['kind'], startedAt: string, results: ProbeResult[]): ProbeRunResult {
  const test = results.filter((r) => r.role === 'test');
  let sent = 0, replies = 0, loss = 0, corrupt = 0;
  for (const r of test) {
    sent += r.sent;
    replies += r.replies;
    loss += r.lossCount;
    corrupt += r.corrupt;
  }
  return {
    kind,
    startedAt,
    endedAt: new Date().toISOString(),
    agents: results,
    underTest: {
      sent,
      replies,
      lossCount: loss,
      corrupt,
      deliveryPct: replies + loss > 0 ? round2((replies / (replies + loss)) * 100) : null,
      latency: mergeLatency(test),
    },
    fault: results.find((r) => r.fault)?.fault ?? null,
    complete: results.every((r) => r.complete),
  };
}

/** A run that never reached NATS: no agent probed, no data. */
export function unreachableRun(kind: ProbeRunResult['kind'], startedAt: string, message: string): ProbeRunResult {
  return {
    kind,
    startedAt,
    endedAt: new Date().toISOString(),
    agents: [],
    underTest: { sent: 0, replies: 0, lossCount: 0, corrupt: 0, deliveryPct: null, latency: new MsRecorder().summary() },
    fault: { kind: 'nats-unreachable', message },
    complete: false,
  };
}

/** The agents' latency distributions merged (exact: from their encoded histograms). */
export function mergeLatency(results: readonly { latency: DistributionSummary }[]): DistributionSummary {
  const m = new MsRecorder();
  for (const r of results) if (r.latency.histogram) m.addEncoded(r.latency.histogram);
  return m.summary({ includeHistogram: true });
}

// Latency probes (spec §4): request/reply on the plan's subject template at a fixed planned rate
// (open loop). Latency is measured from the *intended* send time, so a stalled sender cannot hide
// latency (no coordinated omission), into an HDR histogram. Timeouts and no-responders are delivery
// failures, counted separately; failures while the NATS connection itself was down are a NATS fault,
// reported as such and kept out of the agents' delivery figure. Replies that are not JSON are corrupt.
// An agent that lost replies gets a second look right away (a re-probe of a few requests): one lost
// reply can be the worker's own stall, and the judge rolls back on loss only when it is confirmed.
// Never throws for a NATS fault.
import type { Plan } from '../../plan/schema';
import { errors, type NatsConnection } from './client';
import { connectForWave, watchConnection, withTimeout } from './connect';
import { NATS_CLOSE_MS, REPROBE_REQUESTS } from './limits';
import { round2 } from './pairing';
import { MsRecorder, type DistributionSummary } from './stats';
import { probeSubject } from './subjects';

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

export { REPROBE_REQUESTS } from './limits';

export interface ProbeOptions {
  nc: NatsConnection;
  agent: string;
  role?: 'test' | 'control' | null;
  subject: string;
  payload: string;
  count: number;
  ratePerSecond: number;
  timeoutMs: number;
  signal?: AbortSignal;
  onProgress?: (p: { agent: string; sent: number; replies: number; failures: number }) => void;
  /** After the paced run: `requests` sent at once with at most `concurrency` outstanding. */
  burst?: { requests: number; concurrency?: number };
}

type Outcome = 'reply' | 'timeout' | 'noResponders' | 'connection' | 'other';

function classify(err: unknown): Outcome {
  const e = err as { cause?: unknown };
  if (err instanceof errors.TimeoutError || e?.cause instanceof errors.TimeoutError) return 'timeout';
  if (err instanceof errors.NoRespondersError || e?.cause instanceof errors.NoRespondersError) return 'noResponders';
  if (err instanceof errors.ClosedConnectionError || err instanceof errors.DrainingConnectionError || err instanceof errors.ConnectionError) return 'connection';
  return 'other';
}

/** Waits until the performance.now() deadline: a timer for the bulk, then short yields for the last ms. */
async function waitUntil(deadline: number, signal?: AbortSignal): Promise<void> {
  for (;;) {
    if (signal?.aborted) return;
    const left = deadline - performance.now();
    if (left <= 0) return;
    if (left > 2) await new Promise((r) => setTimeout(r, left - 1.5));
    else await new Promise((r) => setImmediate(r));
  }
}

/** Down intervals of a connection (performance.now), for telling NATS faults from agent losses. */
class DownTracker {
  intervals: [number, number | null][] = [];
  private w;
  constructor(nc: NatsConnection) {
    this.w = watchConnection(nc);
    const poll = setInterval(() => this.sync(), 20);
    poll.unref();
    this.stopPoll = () => clearInterval(poll);
    this.nc = nc;
  }
  private nc: NatsConnection;
  private stopPoll: () => void;
  private lastConnected = true;
  sync(): void {
    const up = this.w.connected && !this.nc.isClosed();
    if (up !== this.lastConnected) {
      if (!up) this.intervals.push([performance.now(), null]);
      else if (this.intervals.length) this.intervals[this.intervals.length - 1][1] = performance.now();
      this.lastConnected = up;
    }
  }
  overlaps(from: number, to: number): boolean {
    this.sync();
    return this.intervals.some(([a, b]) => a <= to && (b === null || b >= from));
  }
  get disconnects(): number {
    return this.w.disconnects;
  }
  stop(): void {
    this.stopPoll();
    this.w.stop();
  }
}

/** One agent's probe run. */
export async function runProbe(opts: ProbeOptions): Promise<ProbeResult> {
  const { nc, subject, payload, count, timeoutMs } = opts;
  const rate = opts.ratePerSecond;
  const interval = 1000 / rate;
  const startedAt = new Date();
  const latency = new MsRecorder();
  const sendLag = new MsRecorder();
  const tally = { reply: 0, timeout: 0, noResponders: 0, connection: 0, other: 0, corrupt: 0 };
  const notes: string[] = [];
  const down = new DownTracker(nc);
  let lastReply = 0;
  let sent = 0;
  let cancelled = false;
  const pending: Promise<void>[] = [];

  const fire = (intended: number, record: boolean): Promise<void> => {
    const actual = performance.now();
    if (record) sendLag.record(actual - intended);
    sent++;
    let p: Promise<unknown>;
    try {
      p = nc.request(subject, payload, { timeout: timeoutMs });
    } catch (err) {
      p = Promise.reject(err);
    }
    return p.then(
      (m) => {
        const now = performance.now();
        tally.reply++;
        lastReply = now;
        if (record) latency.record(now - intended);
        try {
          JSON.parse((m as { string(): string }).string());
        } catch {
          tally.corrupt++;
        }
      },
      (err) => {
        let o = classify(err);
        if ((o === 'timeout' || o === 'other') && down.overlaps(actual, performance.now())) o = 'connection';
        tally[o === 'reply' ? 'other' : o]++;
      },
    );
  };

  const t0 = performance.now() + 1;
  let lastProgress = t0;
  for (let i = 0; i < count; i++) {
    const intended = t0 + i * interval;
    await waitUntil(intended, opts.signal);
    if (opts.signal?.aborted) {
      cancelled = true;
      break;
    }
    pending.push(fire(intended, true));
    if (opts.onProgress && performance.now() - lastProgress >= 1000) {
      lastProgress = performance.now();
      try {
        opts.onProgress({ agent: opts.agent, sent, replies: tally.reply, failures: tally.timeout + tally.noResponders + tally.connection + tally.other });
      } catch {
        /* progress never breaks a probe */
      }
    }
  }
  await Promise.all(pending);
  const pacedEnd = lastReply || performance.now();
  const throughput = tally.reply > 0 ? round2(tally.reply / ((pacedEnd - t0) / 1000)) : null;

  let burst: ProbeResult['burst'] = null;
  if (opts.burst && !cancelled && !opts.signal?.aborted) {
    const before = tally.reply;
    const b0 = performance.now();
    const conc = Math.max(1, opts.burst.concurrency ?? 50);
    let next = 0;
    const worker = async () => {
      while (next < opts.burst!.requests && !opts.signal?.aborted) {
        next++;
        await fire(performance.now(), false);
      }
    };
    await Promise.all(Array.from({ length: Math.min(conc, opts.burst.requests) }, worker));
    const dur = performance.now() - b0;
    const got = tally.reply - before;
    burst = { requests: next, replies: got, durationMs: Math.round(dur), repliesPerSecond: dur > 0 ? round2(got / (dur / 1000)) : null };
  }
  down.stop();

  const lossCount = tally.timeout + tally.noResponders;
  const judged = tally.reply + lossCount;
  let fault: ProbeResult['fault'] = null;
  if (cancelled) fault = { kind: 'cancelled', message: `cancelled after ${sent} of ${count} requests` };
  else if (tally.connection > 0 || down.disconnects > 0)
    fault = { kind: 'nats-disconnected', message: `wavewatch's NATS connection was lost during the probe: ${tally.connection} request(s) failed with it` };
  if (tally.other) notes.push(`${tally.other} request(s) failed for another reason`);
  if (count < 1000) notes.push(`p99.9 rests on fewer than 1000 samples (${latency.count})`);

  return {
    agent: opts.agent,
    role: opts.role ?? null,
    subject,
    startedAt: startedAt.toISOString(),
    planned: count,
    sent,
    replies: tally.reply,
    timeouts: tally.timeout,
    noResponders: tally.noResponders,
    connectionErrors: tally.connection,
    otherErrors: tally.other,
    corrupt: tally.corrupt,
    lossCount,
    deliveryPct: judged > 0 ? round2((tally.reply / judged) * 100) : null,
    latency: latency.summary({ includeHistogram: true }),
    sendLag: sendLag.summary(),
    plannedRatePerSecond: rate,
    throughputPerSecond: throughput,
    burst,
    durationMs: Math.round(performance.now() - t0),
    complete: !fault && sent === count,
    fault,
    notes: judged === 0 ? [...notes, 'no data: every request failed with the NATS connection'] : notes,
    reprobe: null,
  };
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

/**
 * Probes every agent (under test and control) concurrently, each at the planned rate. `count`
 * defaults to the plan's probe count (checkpoint/baseline) or perTick (tick).
 */
export async function probeAgents(
  plan: Plan,
  opts: {
    kind: 'checkpoint' | 'tick' | 'baseline';
    nc?: NatsConnection;
    servers?: string[];
    count?: number;
    ratePerSecond?: number;
    timeoutMs?: number;
    agents?: string[];
    signal?: AbortSignal;
    onProgress?: ProbeOptions['onProgress'];
    burst?: ProbeOptions['burst'];
    /** Requests of the re-probe of an agent that lost replies (default REPROBE_REQUESTS; 0: none). */
    reprobe?: number;
  },
): Promise<ProbeRunResult> {
  const pr = plan.nats.probe;
  const count = opts.count ?? (opts.kind === 'tick' ? pr.perTick : pr.count);
  const startedAt = new Date().toISOString();
  const roles = new Map<string, 'test' | 'control'>([
    ...plan.agents.underTest.map((a) => [a.name, 'test'] as [string, 'test']),
    ...plan.agents.control.map((a) => [a.name, 'control'] as [string, 'control']),
  ]);
  const names = opts.agents ?? [...roles.keys()];
  let nc = opts.nc;
  const own = !nc;
  const empty = (): DistributionSummary => new MsRecorder().summary();
  if (!nc) {
    try {
      nc = await connectForWave(plan, { purpose: 'probe', servers: opts.servers });
    } catch (err) {
      const message = `cannot connect to ${(opts.servers ?? plan.nats.servers).join(', ')}: ${(err as Error).message}`;
      return {
        kind: opts.kind,
        startedAt,
        endedAt: new Date().toISOString(),
        agents: [],
        underTest: { sent: 0, replies: 0, lossCount: 0, corrupt: 0, deliveryPct: null, latency: empty() },
        fault: { kind: 'nats-unreachable', message },
        complete: false,
      };
    }
  }
  const conn = nc;
  const results = await Promise.all(
    names.map((agent) =>
      runProbe({
        nc: conn,
        agent,
        role: roles.get(agent) ?? null,
        subject: probeSubject(pr.subject, agent),
        payload: pr.payload,
        count,
        ratePerSecond: opts.ratePerSecond ?? pr.ratePerSecond,
        timeoutMs: opts.timeoutMs ?? pr.timeout,
        signal: opts.signal,
        onProgress: opts.onProgress,
        burst: opts.burst,
      }),
    ),
  );
  // The second look, right away and on the same connection, for every agent that lost replies
  // (control agents too: the judge compares the two cohorts).
  const reprobeCount = opts.reprobe ?? REPROBE_REQUESTS;
  await Promise.all(
    results.map(async (r) => {
      if (r.lossCount === 0 || reprobeCount <= 0 || r.fault?.kind === 'cancelled' || opts.signal?.aborted || conn.isClosed()) return;
      const again = await runProbe({
        nc: conn,
        agent: r.agent,
        role: r.role,
        subject: r.subject,
        payload: pr.payload,
        count: reprobeCount,
        ratePerSecond: r.plannedRatePerSecond,
        timeoutMs: opts.timeoutMs ?? pr.timeout,
        signal: opts.signal,
      });
      r.reprobe = {
        startedAt: again.startedAt,
        sent: again.sent,
        replies: again.replies,
        lossCount: again.lossCount,
        connectionErrors: again.connectionErrors,
        durationMs: again.durationMs,
      };
    }),
  );
  if (own) await withTimeout(conn.close(), NATS_CLOSE_MS, 'close').catch(() => undefined);
  const test = results.filter((r) => r.role === 'test');
  let sent = 0, replies = 0, loss = 0, corrupt = 0;
  for (const r of test) {
    sent += r.sent;
    replies += r.replies;
    loss += r.lossCount;
    corrupt += r.corrupt;
  }
  const fault = results.find((r) => r.fault)?.fault ?? null;
  return {
    kind: opts.kind,
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
    fault,
    complete: results.every((r) => r.complete),
  };
}

/** The agents' latency distributions merged (exact: from their encoded histograms). */
export function mergeLatency(results: readonly { latency: DistributionSummary }[]): DistributionSummary {
  const m = new MsRecorder();
  for (const r of results) if (r.latency.histogram) m.addEncoded(r.latency.histogram);
  return m.summary({ includeHistogram: true });
}

// One agent's latency probe (spec §4): request/reply on the plan's subject template at a fixed
// planned rate (open loop). Latency is measured from the *intended* send time, so a stalled sender
// cannot hide latency (no coordinated omission), into an HDR histogram. Timeouts and no-responders
// are delivery failures, counted separately; failures while the NATS connection itself was down are
// a NATS fault (connection-faults.ts), kept out of the agents' delivery figure. Replies that are not
// JSON are corrupt. Never throws for a NATS fault.
import type { NatsConnection } from '../client';
import { round2 } from '../pairing';
import { MsRecorder } from '../stats';
import { classify, DownTracker } from './connection-faults';
import { summariseProbe, type ProbeResult, type ProbeTally } from './summary';

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

/** One agent's probe run. */
export async function runProbe(opts: ProbeOptions): Promise<ProbeResult> {
  const { nc, subject, payload, count, timeoutMs } = opts;
  const rate = opts.ratePerSecond;
  const interval = 1000 / rate;
  const startedAt = new Date();
  const latency = new MsRecorder();
  const sendLag = new MsRecorder();
  const tally: ProbeTally = { reply: 0, timeout: 0, noResponders: 0, connection: 0, other: 0, corrupt: 0 };
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

  return summariseProbe({
    agent: opts.agent,
    role: opts.role ?? null,
    subject,
    startedAt,
    planned: count,
    sent,
    tally,
    latency,
    sendLag,
    plannedRatePerSecond: rate,
    throughputPerSecond: throughput,
    burst,
    durationMs: Math.round(performance.now() - t0),
    cancelled,
    disconnects: down.disconnects,
  });
}

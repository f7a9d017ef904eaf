// The second look at an agent that lost replies: one lost reply can be the worker's own stall, and
// the judge rolls back on loss only when it is confirmed. So right after the run, on the same
// connection, every agent with a loss (control agents too: the judge compares the two cohorts) gets
// `requests` more requests at its rate and timeout, recorded on its result as `reprobe`.
import type { NatsConnection } from '../client';
import { runProbe } from './run-probe';
import type { ProbeResult } from './summary';

/** Re-probes every result with a loss (in place); none when cancelled, closed or `requests` ≤ 0. */
export async function reprobeLosses(
  results: ProbeResult[],
  opts: { nc: NatsConnection; requests: number; payload: string; timeoutMs: number; signal?: AbortSignal },
): Promise<void> {
  const { nc, requests } = opts;
  await Promise.all(
    results.map(async (r) => {
      if (r.lossCount === 0 || requests <= 0 || r.fault?.kind === 'cancelled' || opts.signal?.aborted || nc.isClosed()) return;
      const again = await runProbe({
        nc,
        agent: r.agent,
        role: r.role,
        subject: r.subject,
        payload: opts.payload,
        count: requests,
        ratePerSecond: r.plannedRatePerSecond,
        timeoutMs: opts.timeoutMs,
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
}

// The probe run of a collection: every agent (under test and control) probed concurrently at the
// planned rate on one connection, losses re-probed (reprobe.ts), the results summarised
// (summary.ts). Never throws for a NATS fault: an unreachable server is the run's fault.
import type { Plan } from '../../../plan/schema';
import type { NatsConnection } from '../client';
import { connectForWave, withTimeout } from '../connect';
import { NATS_CLOSE_MS, REPROBE_REQUESTS } from '../limits';
import { probeSubject } from '../subjects';
import { runProbe, type ProbeOptions } from './run-probe';
import { reprobeLosses } from './reprobe';
import { summariseRun, unreachableRun, type ProbeRunResult } from './summary';

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
  if (!nc) {
    try {
      nc = await connectForWave(plan, { purpose: 'probe', servers: opts.servers });
    } catch (err) {
      return unreachableRun(opts.kind, startedAt, `cannot connect to ${(opts.servers ?? plan.nats.servers).join(', ')}: ${(err as Error).message}`);
    }
  }
  const conn = nc;
  const timeoutMs = opts.timeoutMs ?? pr.timeout;
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
        timeoutMs,
        signal: opts.signal,
        onProgress: opts.onProgress,
        burst: opts.burst,
      }),
    ),
  );
  await reprobeLosses(results, { nc: conn, requests: opts.reprobe ?? REPROBE_REQUESTS, payload: pr.payload, timeoutMs, signal: opts.signal });
  if (own) await withTimeout(conn.close(), NATS_CLOSE_MS, 'close').catch(() => undefined);
  return summariseRun(opts.kind, startedAt, results);
}

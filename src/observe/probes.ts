// Latency probes (request/reply to each agent): the judge's ProbeObservation — requests judged, losses,
// percentiles and the raw latencies for its significance tests — and the checkpoint record's
// ProbeRecord. A request that failed with wavewatch's own NATS connection is a NATS fault, not the
// agent's loss: it is said, not counted.
import type { Plan } from '../plan/schema';
import type { Collection } from '../collect/wave-collection';
import { probeSubject, type ProbeResult as CollectedProbe } from '../collect/nats';
import type { ProbeObservation } from '../judge/observations';
import type { ProbeRecord } from '../artifacts/records/nats';
import { latenciesFromHistogram } from './latencies';
import { distinct, missing, reading } from './readings';
import { planAgentInfo, type PlanAgentInfo } from '../model/instance';

export function probeResults(plan: Plan, c: Collection, opts: { latencies?: boolean } = {}): ProbeObservation[] {
  const out: ProbeObservation[] = [];
  const run = c.probes;
  for (const a of planAgentInfo(plan)) {
    const r = run?.agents.find((p) => p.agent === a.agent);
    if (!r) {
      out.push({
        agent: a.agent, role: a.role, sent: 0, received: 0, timeouts: 0, p50: null, p99: null, p999: null, samples: 0, corrupt: 0,
        error: run ? (run.fault?.message ?? 'agent not probed') : 'probes not run (the probe activity failed)',
      });
      continue;
    }
    out.push(probeResult(a.role, r, opts.latencies !== false));
  }
  return out;
}

/**
 * One agent's probe. `sent` counts the requests judged (replies + timeouts + no-responders): a request
 * that failed with wavewatch's own NATS connection is a NATS fault, not the agent's loss (probes.ts).
 */
export function probeResult(role: 'test' | 'control', r: CollectedProbe, withLatencies: boolean): ProbeObservation {
  const judged = r.replies + r.lossCount;
  const latencies = withLatencies ? latenciesFromHistogram(r.latency.histogram) : null;
  const notes = distinct([
    judged === 0 ? (r.fault?.message ?? (r.sent === 0 ? 'no probe requests sent' : 'every request failed with the NATS connection')) : '',
    r.connectionErrors ? `${r.connectionErrors} request(s) failed with wavewatch's NATS connection (not counted)` : '',
    r.otherErrors ? `${r.otherErrors} request(s) failed for another reason (not counted)` : '',
  ]);
  return {
    agent: r.agent,
    role,
    sent: judged,
    received: r.replies,
    timeouts: r.timeouts + r.noResponders,
    p50: r.latency.p50,
    p99: r.latency.p99,
    p999: r.latency.p999,
    samples: r.latency.count,
    corrupt: r.corrupt,
    ...(latencies ? { latenciesMs: latencies } : {}),
    ...(notes.length ? { error: notes.join('; ') } : {}),
    ...(r.reprobe ? { reprobe: reprobeOf(r.reprobe) } : {}),
  };
}

/** The re-probe as the judge counts it: like the probe, failures with wavewatch's own NATS connection are not the agent's loss. */
function reprobeOf(r: NonNullable<CollectedProbe['reprobe']>): NonNullable<ProbeObservation['reprobe']> {
  const sent = r.replies + r.lossCount;
  return {
    sent,
    lost: r.lossCount,
    ...(sent === 0 ? { error: r.connectionErrors ? `every re-probe request failed with wavewatch's NATS connection (${r.connectionErrors})` : 'no re-probe request sent' } : {}),
  };
}

/** One agent's probe in the checkpoint record (percentiles as Readings with the samples they rest on). */
export function probeRecord(plan: Plan, c: Collection, a: PlanAgentInfo): ProbeRecord {
  const r: CollectedProbe | undefined = c.probes?.agents.find((p) => p.agent === a.agent);
  const subject = r?.subject ?? probeSubject(plan.nats.probe.subject, a.agent);
  if (!r) {
    const why = c.probes ? (c.probes.fault?.message ?? 'agent not probed') : 'probes not run (the probe activity failed)';
    return {
      agent: a.agent, role: a.role, host: null, subject, sent: 0, received: 0, timeouts: 0, noResponders: 0, corrupt: 0,
      deliveryPct: missing(why), p50Ms: missing(why), p99Ms: missing(why), p999Ms: missing(why), maxMs: missing(why), throughputPerSec: missing(why),
    };
  }
  const judged = r.replies + r.lossCount;
  const excluded = [
    r.connectionErrors ? `${r.connectionErrors} request(s) failed with wavewatch's own NATS connection (a NATS fault, not counted)` : '',
    r.otherErrors ? `${r.otherErrors} request(s) failed for another reason (not counted)` : '',
  ].filter(Boolean).join('; ');
  const noLatency = r.latency.note ?? 'no replies';
  return {
    agent: a.agent,
    role: a.role,
    host: null,
    subject,
    sent: judged,
    received: r.replies,
    timeouts: r.timeouts,
    noResponders: r.noResponders,
    corrupt: r.corrupt,
    deliveryPct: reading(r.deliveryPct, r.fault?.message ?? 'no request judged', { samples: judged, caveat: excluded || undefined }),
    p50Ms: reading(r.latency.p50, noLatency, { samples: r.latency.count }),
    p99Ms: reading(r.latency.p99, noLatency, { samples: r.latency.count }),
    p999Ms: reading(r.latency.p999, noLatency, { samples: r.latency.count, caveat: r.latency.p999Reliable ? undefined : `p99.9 rests on ${r.latency.count} samples (< 1000)` }),
    maxMs: reading(r.latency.max, noLatency, { samples: r.latency.count }),
    throughputPerSec: reading(r.throughputPerSecond, 'no replies'),
  };
}

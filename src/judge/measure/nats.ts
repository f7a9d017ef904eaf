// NATS traffic (checkpoint sampling), subscriptions, connection drops and server reachability.
import type { Measurement } from '../rules';
import { isCheckpoint } from '../observations';
import { trailingRun, type Calc, type Measures } from './context';
import { instanceKey } from '../../model/instance';

export function samplingsOf(c: Calc) {
  const obs = c.sel.kind === 'wave' ? c.sel.inWindow : [c.sel.current];
  return obs.filter(isCheckpoint).map((o) => o.sampling).filter((s): s is NonNullable<typeof s> => s !== null && !s.error);
}

function samplingMetric(c: Calc, f: (s: ReturnType<typeof samplingsOf>) => Measurement): Measurement {
  const obs = c.sel.kind === 'wave' ? c.sel.inWindow : [c.sel.current];
  const cps = obs.filter(isCheckpoint);
  const errors = cps.map((o) => o.sampling?.error).filter(Boolean);
  const s = samplingsOf(c);
  if (s.length === 0) {
    if (errors.length) return { value: null, samples: 0, error: `NATS sampling failed: ${errors.join('; ')}` };
    return { value: null, samples: 0, note: cps.length ? 'NATS sampling not run at this checkpoint' : 'NATS traffic is sampled at checkpoints only' };
  }
  const m = f(s);
  const incomplete = s.filter((x) => !x.complete).length;
  return incomplete ? { ...m, note: `${m.note ?? ''}; ${incomplete} sampling window(s) incomplete` } : m;
}

function dualPublishPct(c: Calc): Measurement {
  return samplingMetric(c, (s) => {
    const paired = s.reduce((a, x) => a + x.paired, 0);
    const either = s.reduce((a, x) => a + x.either, 0);
    if (either === 0) return { value: null, samples: 0, note: 'no messages sampled' };
    return { value: (100 * paired) / either, samples: either, note: `${paired}/${either} messages seen on both patterns` };
  });
}

function agentRefPct(c: Calc): Measurement {
  return samplingMetric(c, (s) => {
    const unified = s.reduce((a, x) => a + x.unified, 0);
    const total = s.reduce((a, x) => a + x.unified + x.legacy, 0);
    if (total === 0) return { value: null, samples: 0, note: 'no messages sampled' };
    return { value: (100 * unified) / total, samples: total, note: `${unified} unified of ${total} sampled (${c.plan.nats.patterns.unified})` };
  });
}

function publishTimeMs(c: Calc): Measurement {
  return samplingMetric(c, (s) => {
    const skews = s.map((x) => x.skewP99Ms).filter((x): x is number => x !== null);
    if (skews.length === 0) return { value: null, samples: 0, note: 'no paired messages: no skew' };
    return { value: Math.max(...skews), samples: s.reduce((a, x) => a + x.paired, 0), note: 'dual-publish skew p99 (worst sampling window)' };
  });
}

function dualSubscriptionPct(c: Calc): Measurement {
  const obs = [...c.sel.history].reverse().find((o) => isCheckpoint(o) && o.subscriptions !== null && (c.sel.kind === 'wave' || o === c.sel.current));
  if (!obs || !isCheckpoint(obs) || !obs.subscriptions) return { value: null, samples: 0, note: 'subscriptions not checked in this window' };
  const subs = obs.subscriptions.filter((s) => c.inScope(s));
  const missing = c.expected.filter(({ host, agent }) => !subs.some((s) => s.host === host && s.agent === agent)).map(({ host, agent }) => instanceKey(host, agent));
  const both = subs.filter((s) => s.legacy && s.unified);
  const notBoth = subs.filter((s) => !(s.legacy && s.unified)).map((s) => `${instanceKey(s.host, s.agent)} (${s.legacy ? 'legacy' : s.unified ? 'unified' : 'neither'} only)`);
  const n = c.expected.length;
  if (n === 0) return { value: null, samples: 0, note: 'no agent instances in scope' };
  const note = notBoth.length ? `not dual: ${notBoth.join(', ')}` : `${both.length} connections subscribe to both patterns`;
  if (missing.length === 0) return { value: (100 * both.length) / n, samples: n, note };
  return { value: (100 * (n - notBoth.length)) / n, bound: 'upper', samples: subs.length, note: `${note}; no connection found: ${missing.join(', ')}` };
}

function connectionDrops(c: Calc): Measurement {
  const withConns = c.sel.history.filter((o) => o.nats?.connections);
  if (withConns.length === 0) return { value: null, samples: 0, note: 'agent connections not collected' };
  const from = c.sel.kind === 'wave' ? -Infinity : c.sel.from;
  const last = new Map<string, number | null>();
  let drops = 0;
  const who: string[] = [];
  for (const o of withConns) {
    for (const conn of o.nats?.connections ?? []) {
      if (!c.inScope(conn)) continue;
      const key = instanceKey(conn.host, conn.agent);
      if (last.has(key)) {
        const prev = last.get(key);
        if (prev !== null && prev !== conn.cid && o.at > from && o.at <= c.sel.to) {
          drops++;
          who.push(`${key} ${conn.cid === null ? 'gone' : `cid ${prev}→${conn.cid}`}`);
        }
      }
      last.set(key, conn.cid);
    }
  }
  return { value: drops, samples: withConns.length, note: drops ? who.join(', ') : 'no connection dropped' };
}

function natsUnreachableTicks(c: Calc): Measurement {
  return trailingRun(c, (o) => (o.nats === null ? 'nodata' : o.nats.reachable === null ? (o.nats.error ? 'error' : 'nodata') : !o.nats.reachable), 'with NATS unreachable');
}

/** At most this many unreadable observations are named in a note; the rest are counted. */
const NAMED = 5;

/**
 * Slow consumers the NATS server counted in the window: the sum of its per-collection deltas (each
 * covers the time since the previous collection, so the sums of consecutive observations never
 * overlap). An observation without a count leaves the sum a lower bound; none counted: no data.
 */
function slowConsumers(c: Calc): Measurement {
  const obs = c.sel.inWindow.filter((o) => o.kind !== 'baseline');
  if (obs.length === 0) return { value: null, samples: 0, note: 'no collection after the T+0 baseline in this window' };
  let total = 0;
  let counted = 0;
  const notCounted: string[] = [];
  for (const o of obs) {
    const v = o.nats?.slowConsumers;
    if (v === undefined || v === null) notCounted.push(`${new Date(o.at).toISOString()} (${v === null ? 'not counted: first reading, server restart or /varz not read' : 'not recorded'})`);
    else {
      total += v;
      counted++;
    }
  }
  const unread = notCounted.length > NAMED ? `${notCounted.slice(0, NAMED).join(', ')} and ${notCounted.length - NAMED} more` : notCounted.join(', ');
  if (counted === 0) return { value: null, samples: 0, note: `slow consumers not counted in this window: ${unread}` };
  const note = `${total} slow consumer(s) counted by the NATS server over ${counted} collection(s)`;
  if (notCounted.length) return { value: total, bound: 'lower', samples: counted, note: `${note}; not counted at ${unread}` };
  return { value: total, samples: counted, note };
}

export const NATS_MEASURES = {
  'nats.dual_publish_pct': dualPublishPct,
  'nats.dual_subscription_pct': dualSubscriptionPct,
  'nats.agent_ref_pct': agentRefPct,
  'nats.publish_time_ms': publishTimeMs,
  'nats.connection_drops': connectionDrops,
  'nats.unreachable_ticks': natsUnreachableTicks,
  'nats.slow_consumers': slowConsumers,
} satisfies Partial<Measures>;

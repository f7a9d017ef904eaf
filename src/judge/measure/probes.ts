// Probe delivery, loss (and the loss a rollback counts), latency percentiles and corrupt replies.
import { watchLoss } from './watch';
import type { Measurement } from '../rules';
import type { Observation, ProbeObservation } from '../observations';
import { quantile } from '../stats/descriptive';
import { fmtPct, type Calc, type Measures } from './context';
import { samplingsOf } from './nats';

export function probeObservations(c: Calc): Observation[] {
  if (c.sel.kind === 'wave') return c.sel.inWindow;
  return [c.sel.current];
}

export function probesInScope(c: Calc, obs: Observation[] = probeObservations(c)): ProbeObservation[] {
  return obs.flatMap((o) => o.probes.filter((p) => c.inScope(p)));
}

function deliveryPct(c: Calc): Measurement {
  const probes = probesInScope(c);
  const sent = probes.reduce((s, p) => s + p.sent, 0);
  const received = probes.reduce((s, p) => s + p.received, 0);
  const failed = probes.filter((p) => p.error && p.sent === 0);
  if (sent === 0) return failed.length ? { value: null, samples: 0, error: failed.map((p) => `${p.agent}: ${p.error}`).join('; ') } : { value: null, samples: 0, note: 'no probe requests sent in this window' };
  const value = (100 * received) / sent;
  return { value, samples: sent, note: `${received}/${sent} replies`, error: undefined };
}

function lossCount(c: Calc): Measurement {
  const probes = probesInScope(c);
  const sent = probes.reduce((s, p) => s + p.sent, 0);
  const failed = probes.filter((p) => p.error && p.sent === 0);
  // The continuous watch's light probes lost while an agent was silent: loss already confirmed.
  const watched = watchLoss(c);
  const wLost = watched?.lost ?? 0;
  const wNote = wLost ? `the watch: ${watched!.who.join('; ')}` : '';
  if (sent === 0 && wLost === 0) return failed.length ? { value: null, samples: 0, error: failed.map((p) => `${p.agent}: ${p.error}`).join('; ') } : { value: null, samples: 0, note: 'no probe requests sent in this window' };
  const lost = probes.reduce((s, p) => s + Math.max(0, p.sent - p.received), 0);
  const timeouts = probes.reduce((s, p) => s + p.timeouts, 0);
  const who = probes.filter((p) => p.sent > p.received).map((p) => `${p.agent} ${p.sent - p.received}/${p.sent}`);
  const probeNote = sent === 0 ? 'no probe requests sent in this window' : lost ? `lost: ${who.join(', ')} (${timeouts} timeouts)` : `0 of ${sent} lost`;
  const m: Measurement = { value: lost + wLost, samples: sent, note: [probeNote, wNote].filter(Boolean).join('; ') };
  if (c.scope.role !== 'test' || lost + wLost === 0) return m;
  const probed = lost ? confirmedLoss(c) : { value: 0, samples: sent, note: 'no loss in the probes' };
  const rollback: Measurement = wLost ? { ...probed, value: (probed.value ?? 0) + wLost, note: `${probed.note}; confirmed by ${wNote}` } : probed;
  return { ...m, note: `${m.note}; for a rollback: ${rollback.note}`, rollback };
}

const share = (lost: number, sent: number) => `${fmtPct((100 * lost) / sent)} (${lost}/${sent})`;

/**
 * The loss a rollback judges (decisions-turn2, Trust): an agent's lost replies count only when the
 * collector's re-probe of it in the same collection lost too *and* its loss share is above the
 * control agents' in the same observation. Loss on test and control alike is the rig or NATS (a
 * stalled worker loses every agent's replies): a warning, not a rollback. Without a re-probe, or
 * with control agents in the plan but none probed, the loss is neither confirmed nor refuted: the
 * value is then a lower bound (undecided unless other loss is confirmed).
 */
function confirmedLoss(c: Calc): Measurement {
  const hasControl = c.plan.agents.control.length > 0;
  let confirmed = 0;
  let sent = 0;
  let open = false;
  const counted: string[] = [];
  const notCounted: string[] = [];
  const undecided: string[] = [];
  for (const o of probeObservations(c)) {
    const control = o.probes.filter((p) => p.role === 'control' && p.sent > 0);
    const cSent = control.reduce((s, p) => s + p.sent, 0);
    const cLost = control.reduce((s, p) => s + Math.max(0, p.sent - p.received), 0);
    const controlNote = !hasControl ? 'no control agents in the plan' : cSent ? `control agents ${share(cLost, cSent)}` : 'control agents not probed';
    for (const p of o.probes.filter((x) => c.inScope(x))) {
      sent += p.sent;
      const lost = Math.max(0, p.sent - p.received);
      if (lost === 0) continue;
      const re = p.reprobe;
      const again = !re ? 'no re-probe taken' : re.sent === 0 ? `re-probe failed (${re.error ?? 'nothing sent'})` : `re-probe lost ${re.lost}/${re.sent}`;
      const line = `${p.agent} ${share(lost, p.sent)}, ${again}, ${controlNote}`;
      if (!re || re.sent === 0 || (hasControl && cSent === 0)) {
        open = true;
        undecided.push(line);
      } else if (re.lost === 0) notCounted.push(`${line}: not confirmed by the re-probe`);
      else if (hasControl && lost / p.sent <= cLost / cSent) notCounted.push(`${line}: test and control lost alike (the rig or NATS, not the agent)`);
      else {
        confirmed += lost;
        counted.push(line);
      }
    }
  }
  const note = [
    counted.length ? `confirmed loss: ${counted.join('; ')}` : 'no confirmed loss',
    notCounted.length ? `not counted: ${notCounted.join('; ')}` : '',
    undecided.length ? `undecided: ${undecided.join('; ')}` : '',
  ].filter(Boolean).join('; ');
  return {
    value: confirmed,
    samples: sent,
    note,
    ...(open ? { bound: 'lower' as const } : {}),
    ...(notCounted.length ? { warning: `probe loss not counted for a rollback: ${notCounted.join('; ')}` } : {}),
  };
}

function latencyPercentile(c: Calc, q: 0.5 | 0.99 | 0.999): Measurement {
  const key = q === 0.5 ? 'p50' : q === 0.99 ? 'p99' : 'p999';
  const min = c.opts.percentileMinSamples[key];
  const obs = probeObservations(c);
  const perAgent: { agent: string; value: number | null; samples: number; how: string }[] = [];
  for (const agent of c.agentNames) {
    const probes = probesInScope(c, obs).filter((p) => p.agent === agent);
    if (probes.length === 0) continue;
    if (probes.every((p) => p.latenciesMs)) {
      const lat = probes.flatMap((p) => p.latenciesMs ?? []);
      perAgent.push({ agent, value: lat.length >= min ? quantile(lat, q, 'nearest-rank') : null, samples: lat.length, how: 'raw' });
    } else {
      const vals = probes.map((p) => ({ v: p[key] ?? null, n: p.samples })).filter((x) => x.v !== null && x.n >= min);
      const samples = probes.reduce((s, p) => s + p.samples, 0);
      perAgent.push({ agent, value: vals.length ? Math.max(...vals.map((x) => x.v as number)) : null, samples, how: probes.length > 1 ? 'max of per-probe percentiles' : 'collector' });
    }
  }
  if (perAgent.length === 0) return { value: null, samples: 0, note: 'no probes in this window' };
  const known = perAgent.filter((a) => a.value !== null);
  const short = perAgent.filter((a) => a.value === null);
  const note = perAgent.map((a) => `${a.agent} ${a.value === null ? `n/a (${a.samples} < ${min} samples)` : `${+(a.value as number).toFixed(3)} ms`} [${a.samples}]`).join(', ');
  const samples = Math.min(...perAgent.map((a) => a.samples));
  if (known.length === 0) return { value: null, samples, note: `${key} needs ≥ ${min} samples: ${note}` };
  const worst = Math.max(...known.map((a) => a.value as number));
  if (short.length) return { value: worst, bound: 'lower', samples, note: `worst agent; ${note}` };
  return { value: worst, samples, note: `worst agent; ${note}` };
}

function corruptCount(c: Calc): Measurement {
  const probes = probesInScope(c);
  const probeCorrupt = probes.reduce((s, p) => s + p.corrupt, 0);
  const samplings = c.scope.role === 'test' && !c.scope.agents ? samplingsOf(c) : [];
  const sampled = samplings.reduce((s, x) => s + x.corrupt, 0);
  const replies = probes.reduce((s, p) => s + p.received, 0);
  if (replies === 0 && samplings.length === 0) return { value: null, samples: 0, note: 'no probe replies or samples in this window' };
  return { value: probeCorrupt + sampled, samples: replies + samplings.reduce((s, x) => s + x.either, 0), note: `${probeCorrupt} corrupt probe replies, ${sampled} corrupt sampled payloads` };
}

export const PROBE_MEASURES = {
  'probe.delivery_pct': deliveryPct,
  'probe.loss_count': lossCount,
  'probe.p50_ms': (c) => latencyPercentile(c, 0.5),
  'probe.p99_ms': (c) => latencyPercentile(c, 0.99),
  'probe.p999_ms': (c) => latencyPercentile(c, 0.999),
  'data.corrupt_count': corruptCount,
} satisfies Partial<Measures>;

// Latency degradation against the wave's T+0 baseline, beyond what the control agents moved.
import { noiseFloor } from '../../plan/metrics';
import type { Measurement } from '../rules';
import type { Observation } from '../observations';
import { latencyDegradation } from '../degradation';
import type { Calc, Measures } from './context';

function degradationPct(c: Calc): Measurement {
  const baseline = c.sel.history.find((o) => o.kind === 'baseline');
  if (!baseline) return { value: null, samples: 0, note: 'no T+0 baseline probe' };
  const obs = c.sel.kind === 'wave' ? c.sel.inWindow.filter((o) => o !== baseline) : [c.sel.current];
  if (obs.length === 1 && obs[0] === baseline) return { value: null, samples: 0, note: 'only the baseline itself' };
  const inScope = (p: ProbeLike) => c.inScope(p as never);
  const parts = degradationParts(c, baseline, obs, c.agentNames, inScope);
  if (parts.length === 0) return { value: null, samples: 0, note: 'no probes in this window' };
  const known = parts.filter((p) => p.value !== null);
  let note = parts.map((p) => p.note).join(' | ');
  const samples = Math.min(...parts.map((p) => p.samples));
  if (known.length === 0) return { value: null, samples, note };
  let worst = Math.max(...known.map((p) => p.value as number));
  // product.md: degradation is against the wave's own baseline *and* against the control agents.
  // When the control agents slowed down just as much over the same time (a loaded NATS server, a
  // busy network), the agents under test are not to blame and a rollback would not help: only the
  // part of the change beyond the control cohort's counts.
  if (c.scope.role === 'test' && !c.scope.agents && worst > 0) {
    const controlNames = c.plan.agents.control.map((a) => a.name);
    const control = degradationParts(c, baseline, obs, controlNames, (p) => p.role === 'control').filter((p) => p.value !== null);
    if (control.length) {
      // The same statistic on both sides: the worst agent's change (p50 or p99, whichever is larger).
      const shift = Math.max(...control.map((p) => p.value as number));
      if (shift > 0) {
        // Changes compose as ratios: (1 + test) / (1 + control) is the change beyond the control's.
        const beyond = ((1 + worst / 100) / (1 + shift / 100) - 1) * 100;
        // A ratio of two large shifts is noise when both cohorts moved together (a stalled machine
        // moved p99 ×12 on test and control alike, and +32 % "beyond" rolled a healthy wave back):
        // the part beyond counts only when the agents under test are also evidently slower than the
        // control agents in the same window, by the same three-way test as against the baseline.
        const vsControl = sameWindowVsControl(c, obs, controlNames);
        note += ` || control agents changed too (worst: +${shift.toFixed(1)} %), so +${Math.max(0, beyond).toFixed(1)} % is the change beyond theirs; ${vsControl.note}: ${control.map((p) => p.note).join(' | ')}`;
        worst = vsControl.slower ? Math.max(0, beyond) : 0;
      }
    } else note += ' || no control agent comparison available';
  }
  return known.length === parts.length ? { value: worst, samples, note } : { value: worst, bound: 'lower', samples, note };
}

type ProbeLike = Observation['probes'][number];

/** Whether an agent under test is evidently slower than the control agents' pooled replies in `obs`. */
function sameWindowVsControl(c: Calc, obs: readonly Observation[], controlNames: readonly string[]): { slower: boolean; note: string } {
  const latencies = (keep: (p: ProbeLike) => boolean) => obs.flatMap((o) => o.probes).filter(keep).flatMap((p) => p.latenciesMs ?? []);
  const controlNow = latencies((p) => p.role === 'control' && controlNames.includes(p.agent));
  const opts = { minDifferenceMs: noiseFloor('probe.p50_ms', c.plan), confLevel: c.opts.confLevel, minSamples: c.opts.degradationMinSamples };
  const slower: string[] = [];
  for (const agent of c.agentNames) {
    const d = latencyDegradation(latencies((p) => p.agent === agent && c.inScope(p as never)), controlNow, opts);
    if (d.valuePct !== null && d.valuePct > 0) slower.push(`${agent} (${d.note})`);
  }
  return slower.length
    ? { slower: true, note: `slower than the control agents in the same window: ${slower.join(', ')}` }
    : { slower: false, note: 'not evidently slower than the control agents in the same window, so none of it counts' };
}

/** Per agent: the evidenced latency change of its probes in `obs` against the T+0 baseline, %. */
function degradationParts(c: Calc, baseline: Observation, obs: readonly Observation[], agents: readonly string[], keep: (p: ProbeLike) => boolean) {
  const parts: { agent: string; value: number | null; note: string; samples: number }[] = [];
  for (const agent of agents) {
    const base = baseline.probes.filter((p) => p.agent === agent && keep(p));
    const cur = obs.flatMap((o) => o.probes).filter((p) => p.agent === agent && keep(p));
    if (cur.length === 0) continue;
    if (!base.every((p) => p.latenciesMs) || !cur.every((p) => p.latenciesMs) || base.length === 0) {
      parts.push({ agent, value: null, samples: 0, note: `${agent}: raw latencies missing` });
      continue;
    }
    const d = latencyDegradation(cur.flatMap((p) => p.latenciesMs ?? []), base.flatMap((p) => p.latenciesMs ?? []), {
      minDifferenceMs: noiseFloor('probe.p50_ms', c.plan),
      confLevel: c.opts.confLevel,
      minSamples: c.opts.degradationMinSamples,
    });
    parts.push({ agent, value: d.valuePct, samples: Math.min(d.samples.current, d.samples.baseline), note: `${agent}: ${d.note}` });
  }
  return parts;
}

export const LATENCY_MEASURES = {
  'latency.degradation_pct': degradationPct,
} satisfies Partial<Measures>;

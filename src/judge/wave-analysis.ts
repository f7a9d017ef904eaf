// The judge's reading of a wave for its documents: which result stands for each criterion (the wave's,
// or while the wave runs each one's latest checkpoint result), which passes were close to their limit,
// and which memory growth deserves a person's look. Pure; the reports render these, they do not decide them.
import { unitOf } from '../plan/metrics';
import type { Plan } from '../plan/schema';
import type { RuleResult } from './rules';
import type { JudgedCriterion } from './verdict';

/** The note of a criterion no checkpoint has judged yet (interim documents). */
export const NOT_JUDGED = 'not judged yet';
export const judged = (c: Pick<RuleResult, 'note'>): boolean => c.note !== NOT_JUDGED;

export interface WaveCriteriaInput<C extends JudgedCriterion> {
  plan: Pick<Plan, 'criteria'>;
  /** The wave's own results (empty while it runs). */
  wave: { criteria: readonly C[] };
  /** The checkpoints judged so far, oldest first. */
  checkpoints: readonly { checkpoint: string; criteria: readonly C[] }[];
}

/**
 * The criteria of the wave: the wave-level results when the wave has them; otherwise, for a running
 * wave, each planned criterion's latest checkpoint result (or inconclusive, "not judged yet").
 */
export function waveCriteria<C extends JudgedCriterion>(data: WaveCriteriaInput<C>, primary = true): { criteria: (C | JudgedCriterion)[]; interim: boolean } {
  if (data.wave.criteria.length) return { criteria: data.wave.criteria.filter((c) => c.primary === primary), interim: false };
  const out: (C | JudgedCriterion)[] = [];
  for (const c of data.plan.criteria.filter((x) => x.primary === primary)) {
    const latest = [...data.checkpoints].reverse().find((r) => r.criteria.some((x) => x.id === c.id));
    const r = latest?.criteria.find((x) => x.id === c.id);
    if (r && latest) out.push({ ...r, note: [r.note, `interim: judged at ${latest.checkpoint}`].filter(Boolean).join('; ') });
    else
      out.push({ id: c.id, title: c.title, metric: c.metric, op: c.op, threshold: c.threshold, window: c.window, outcome: 'inconclusive', value: null, samples: 0, note: NOT_JUDGED, primary: c.primary });
  }
  return { criteria: out, interim: true };
}

/**
 * A pass close to its limit: an upper limit more than 80 % used, or a lower limit passed by less than
 * a fifth of the room above it (room up to 100 for a percentage, else the limit itself).
 */
export function tightMargin(c: Pick<RuleResult, 'value' | 'outcome' | 'op' | 'threshold' | 'metric'>): boolean {
  if (c.value === null || c.outcome !== 'pass') return false;
  if (c.op === '<' || c.op === '<=') return c.threshold > 0 && c.value > 0.8 * c.threshold;
  if (c.op === '>' || c.op === '>=') {
    const room = unitOf(c.metric) === 'pct' ? 100 - c.threshold : Math.abs(c.threshold);
    return room > 0 && c.value - c.threshold < 0.2 * room;
  }
  return false;
}

/**
 * An instance's memory growth worth a person's look: a confident fit (r² ≥ 0.8) whose rate would add
 * at least 10 % to its current memory over a whole wave. Returns that percentage, or null. (The
 * leak criterion decides; this only describes.)
 */
export function steadyGrowth(s: { memorySlopePerHour: number | null; memoryR2: number | null; points: { memoryBytes: number | null }[] }, waveHours: number): number | null {
  if (s.memorySlopePerHour === null || s.memorySlopePerHour <= 0 || (s.memoryR2 ?? 0) < 0.8) return null;
  const last = [...s.points].reverse().find((p) => typeof p.memoryBytes === 'number' && Number.isFinite(p.memoryBytes))?.memoryBytes;
  if (typeof last !== 'number' || last <= 0) return null;
  const pct = ((s.memorySlopePerHour * waveHours) / last) * 100;
  return pct >= 10 ? pct : null;
}

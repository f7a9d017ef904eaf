// The spec's "Lessons learned", decided from the wave's data: what held, what degraded, and what to do
// about it before the next wave. The judge decides which lessons there are, in order; the reports
// turn each into sentences (report/lessons.ts). Pure.
import { steadyGrowth, tightMargin } from './wave-analysis';
import type { JudgedCriterion } from './verdict';

export interface LessonsInput {
  /** Judged primary and secondary criteria of the wave (not the "not judged yet" placeholders). */
  primary: readonly JudgedCriterion[];
  secondary: readonly JudgedCriterion[];
  /** Metrics of the checkpoint comparison that degraded over the wave, with their first and last values. */
  degrading: readonly { label: string; unit: string; first: number | null; last: number | null }[];
  /** Memory series per instance (plan-time slopes). */
  memory: readonly { key: string; agent: string; role: 'test' | 'control'; memorySlopePerHour: number | null; memoryR2: number | null; points: { memoryBytes: number | null }[] }[];
  /** The planned wave length, hours. */
  waveHours: number;
  alerts: readonly { rule: string; title: string; scope: string }[];
  /** The latest checkpoint's test-vs-control rows; null when no checkpoint was collected. */
  control: readonly { metric: string; significant: boolean | null; deltaPct: number | null }[] | null;
  /** Collection gaps of the checkpoints, "<checkpoint>: <gap>". */
  gaps: readonly string[];
  /** Planned checkpoints that were not collected. */
  missingCheckpoints: readonly { name: string; gap: string }[];
  skippedTicks: number;
}

export type Lesson =
  | { kind: 'held'; criterion: JudgedCriterion; usedPct: number | null }
  | { kind: 'held-secondary'; titles: string[] }
  | { kind: 'tight-margin'; criterion: JudgedCriterion }
  | { kind: 'not-met'; criterion: JudgedCriterion }
  | { kind: 'not-judgeable'; criterion: JudgedCriterion }
  | { kind: 'waived'; criterion: JudgedCriterion }
  | { kind: 'degrading'; label: string; unit: string; first: number | null; last: number | null }
  | { kind: 'memory-growth'; instance: string; agent: string; slopePerHour: number; r2: number; growthPct: number }
  | { kind: 'alert-repeated'; rule: string; title: string; count: number; scopes: string[] }
  | { kind: 'no-alerts' }
  | { kind: 'worse-than-control'; metric: string; deltaPct: number }
  | { kind: 'data-gaps'; gaps: string[] }
  | { kind: 'checkpoint-missing'; name: string; gap: string }
  | { kind: 'skipped-ticks'; count: number }
  /** Nothing degraded: the plan can stay as it is. */
  | { kind: 'no-change' }
  /** No criterion passed with data. */
  | { kind: 'nothing-held' };

/** Lessons that count as "what could be improved". */
const DEGRADED: ReadonlySet<Lesson['kind']> = new Set(['not-met', 'not-judgeable', 'waived', 'degrading', 'memory-growth', 'alert-repeated', 'worse-than-control', 'data-gaps', 'checkpoint-missing', 'skipped-ticks']);
const HELD: ReadonlySet<Lesson['kind']> = new Set(['held', 'held-secondary', 'no-alerts']);

export function waveLessons(input: LessonsInput): Lesson[] {
  const out: Lesson[] = [];
  const heldSecondary: string[] = [];
  for (const c of [...input.primary, ...input.secondary]) {
    if (c.outcome === 'pass' && c.value !== null) {
      const upper = c.op === '<' || c.op === '<=';
      if (c.primary) out.push({ kind: 'held', criterion: c, usedPct: upper && c.threshold > 0 ? (c.value / c.threshold) * 100 : null });
      else heldSecondary.push(c.title);
      if (tightMargin(c)) out.push({ kind: 'tight-margin', criterion: c });
    } else if (c.outcome === 'fail') out.push({ kind: 'not-met', criterion: c });
    else if (c.outcome === 'inconclusive' || c.outcome === 'error') out.push({ kind: 'not-judgeable', criterion: c });
    else if (c.outcome === 'waived') out.push({ kind: 'waived', criterion: c });
  }
  if (heldSecondary.length) out.push({ kind: 'held-secondary', titles: heldSecondary });
  for (const d of input.degrading) out.push({ kind: 'degrading', ...d });
  for (const s of input.memory) {
    const growth = s.role === 'test' ? steadyGrowth(s, input.waveHours) : null;
    if (growth !== null) out.push({ kind: 'memory-growth', instance: s.key, agent: s.agent, slopePerHour: s.memorySlopePerHour ?? 0, r2: s.memoryR2 ?? 0, growthPct: growth });
  }
  const byRule = new Map<string, { title: string; scope: string }[]>();
  for (const a of input.alerts) byRule.set(a.rule, [...(byRule.get(a.rule) ?? []), a]);
  for (const [rule, list] of byRule) out.push({ kind: 'alert-repeated', rule, title: list[0].title, count: list.length, scopes: [...new Set(list.map((a) => a.scope))] });
  if (input.alerts.length === 0) out.push({ kind: 'no-alerts' });
  if (input.control) {
    // a higher value is worse for every compared metric but uptime
    for (const row of input.control)
      if (row.significant && row.deltaPct !== null && Number.isFinite(row.deltaPct) && row.deltaPct > 0 && row.metric !== 'uptime_pct')
        out.push({ kind: 'worse-than-control', metric: row.metric, deltaPct: row.deltaPct });
    if (input.gaps.length) out.push({ kind: 'data-gaps', gaps: [...input.gaps] });
  }
  for (const c of input.missingCheckpoints) out.push({ kind: 'checkpoint-missing', ...c });
  if (input.skippedTicks > 0) out.push({ kind: 'skipped-ticks', count: input.skippedTicks });
  if (!out.some((l) => DEGRADED.has(l.kind))) out.push({ kind: 'no-change' });
  if (!out.some((l) => HELD.has(l.kind))) out.push({ kind: 'nothing-held' });
  return out;
}

// How long one collection may take at most, from the plan alone: what the workflow sets as its
// collection activities' timeouts. I/O-free and statistics-free, so the workflow bundle may import it.
import type { Plan } from '../plan/schema';
import { STAGES, runsAt, type CollectionKind, type SourceSpec } from './source';
import { SOURCE_SPECS } from './specs';

/**
 * The sources' budgets combined the way collectWave runs them: 'alone' sources one after another,
 * then the longest of the 'beside' sources, then the 'after' sources one after another.
 */
export function combinedBudget(specs: readonly SourceSpec[], plan: Plan, kind: CollectionKind): number {
  let total = 0;
  for (const stage of STAGES) {
    const ms = specs.filter((s) => s.stage === stage && runsAt(s, kind)).map((s) => s.budget(plan, kind));
    total += stage === 'beside' ? Math.max(0, ...ms) : ms.reduce((a, b) => a + b, 0);
  }
  return total;
}

/** The worst-case duration of one collection of `kind` over every source, ms. */
export function collectionBudget(plan: Plan, kind: CollectionKind): number {
  return combinedBudget(Object.values(SOURCE_SPECS), plan, kind);
}

// One collection of a wave — a T+0 baseline, a monitor tick or a checkpoint — from every source the
// collection's kind takes (src/collect/sources/*): 'alone' sources first, one at a time, then the
// 'beside' sources together, then the 'after' sources (see Stage in source.ts). A source that fails
// is recorded as missing (its field null, the reason in `missing`); the others still return. What one
// collection hands to the next (journal cursors, the server snapshot) is returned as `carry`, so a
// retried collection starts from the same place.
import type { Plan } from '../plan/schema';
import { STAGES, runsAt, type Carry, type CollectionKind, type Source, type SourceContext, type SourceName, type SourceResults } from './source';
import { SOURCE_SPECS } from './specs';

export { EMPTY_CARRY } from './source';
export type { Carry, CollectionKind } from './source';

/** One field per source, named for it (SourceResults); null when it did not run or failed. */
export type SourceFields = { [N in SourceName]: SourceResults[N] | null };

export interface Collection extends SourceFields {
  kind: CollectionKind;
  /** Checkpoint name ("T+6h", "manual-1"); null for ticks and the baseline. */
  name: string | null;
  /** Order of collections in the wave (from the workflow). */
  seq: number;
  startedAt: number;
  finishedAt: number;
  /** Errors and message counts cover (windowStart, finishedAt]. */
  windowStart: number;
  /** Sources that failed in this collection: their field is null, and this says why. */
  missing: { source: SourceName; error: string }[];
}

export interface CollectOptions extends Omit<SourceContext, 'progress' | 'kind'> {
  kind: CollectionKind;
  name?: string | null;
  seq: number;
  /** The plan's sources (sourcesFor, or fakes in tests). */
  sources: readonly Source[];
  onProgress?: (what: string) => void;
}

export async function collectWave(plan: Plan, o: CollectOptions): Promise<{ collection: Collection; carry: Carry }> {
  const startedAt = Date.now();
  const progress = (what: string) => o.onProgress?.(what);
  const ctx: SourceContext = {
    kind: o.kind,
    sinceMs: o.sinceMs,
    carry: o.carry,
    samplingWindowMs: o.samplingWindowMs,
    probeRatePerSecond: o.probeRatePerSecond,
    attempt: o.attempt,
    signal: o.signal,
    progress,
  };
  const results: Partial<Record<SourceName, unknown>> = {};
  const missing: Collection['missing'] = [];
  let carry: Carry = { ...o.carry };
  const run = async (s: Source): Promise<void> => {
    try {
      const out = await s.collect(plan, ctx);
      results[s.name] = out.result;
      if (out.carry) carry = { ...carry, ...out.carry };
    } catch (err) {
      // A cancelled activity is not a source that failed: let the cancellation end the collection.
      if (o.signal?.aborted) throw err;
      const error = err instanceof Error ? err.message : String(err);
      progress(`${s.name} failed: ${error}`);
      missing.push({ source: s.name, error });
    }
  };
  const active = o.sources.filter((s) => runsAt(s, o.kind));
  for (const stage of STAGES) {
    const these = active.filter((s) => s.stage === stage);
    if (stage === 'beside') await Promise.all(these.map(run));
    else for (const s of these) await run(s);
  }
  const fields = Object.fromEntries((Object.keys(SOURCE_SPECS) as SourceName[]).map((n) => [n, results[n] ?? null])) as SourceFields;
  return {
    collection: { kind: o.kind, name: o.name ?? null, seq: o.seq, startedAt, finishedAt: Date.now(), windowStart: o.sinceMs, ...fields, missing },
    carry,
  };
}

// A source that answers crafted results, for tests of the collection, the activities and the
// workflow without SSH or NATS. It keeps the spec (kinds, stage, budget) of the source it stands in
// for, records every call, and answers with a result, a carry, or a failure.
import type { Plan } from '../plan/schema';
import type { Source, SourceContext, SourceName, SourceOutput, SourceSpec } from './source';

export type FakeAnswer<N extends SourceName> = SourceOutput<N> | Error | ((plan: Plan, ctx: SourceContext) => SourceOutput<N> | Promise<SourceOutput<N>>);

export interface FakeCall {
  ctx: SourceContext;
  startedAt: number;
  finishedAt: number | null;
}

export interface FakeSource<N extends SourceName> extends Source<N> {
  readonly calls: FakeCall[];
}

/** A fake of the source `spec` describes: answers `answer` (an Error is thrown) after `delayMs`. */
export function fakeSource<N extends SourceName>(spec: SourceSpec<N>, answer: FakeAnswer<N>, delayMs = 0): FakeSource<N> {
  const calls: FakeCall[] = [];
  return {
    name: spec.name,
    kinds: spec.kinds,
    stage: spec.stage,
    budget: spec.budget,
    calls,
    async collect(plan, ctx) {
      const call: FakeCall = { ctx, startedAt: performance.now(), finishedAt: null };
      calls.push(call);
      try {
        if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
        if (answer instanceof Error) throw answer;
        return typeof answer === 'function' ? await answer(plan, ctx) : answer;
      } finally {
        call.finishedAt = performance.now();
      }
    },
  };
}

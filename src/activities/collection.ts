// Collection: the shared `collect` (sources → observation log → hourly trend files) and the two
// activities that only collect and judge the tick's rules (the baseline and a monitor tick).
import { setMaxListeners } from 'node:events';
import { Context } from '@temporalio/activity';
import type { LogEntry } from '../artifacts/observation-log';
import { writeHourlyTrend } from './write-reports';
import { collectWave, EMPTY_CARRY, type CollectionKind } from '../collect/wave-collection';
import { sourcesFor } from '../collect/sources';
import { CONTROL_SCOPE, TEST_SCOPE } from '../judge/measure/context';
import { measure, tickMetrics } from '../judge/measure';
import { evaluateAlerts } from '../judge/alert-evaluation';
import { decideRollback } from '../judge/rollback-decision';
import { toObservation, unitCounters, toMonitorSample, withWatch } from '../observe';
import type { Plan } from '../plan/schema';
import { instanceKey } from '../model/instance';
import { compactList, compactNote, compactText, compactTrigger } from './compact';
import { heartbeats, type ActivityContext } from './context';
import type { CollectInput, TickResult } from './types';

const HOUR = 3_600_000;

/** Measurement windows follow the time scale but never below what still yields data (product.md). */
function probeRate(plan: Plan, timeScale: number): number {
  const planned = plan.nats.probe.ratePerSecond;
  return Math.min(planned * timeScale, Math.max(planned, 100));
}

/** Collects, records the observation under its seq, and returns the wave's history up to it. */
export async function collect(ctx: ActivityContext, plan: Plan, input: CollectInput, kind: CollectionKind, name: string | null) {
  const actx = Context.current();
  // Every SSH command and probe listens for cancellation on this one signal.
  setMaxListeners(0, actx.cancellationSignal);
  const hb = heartbeats();
  try {
    const log = ctx.logOf(plan, input.waveId);
    const prev = await log.before(input.seq);
    const { collection, carry } = await collectWave(plan, {
      kind,
      name,
      seq: input.seq,
      sources: sourcesFor(plan, { ssh: ctx.pools }),
      carry: prev?.carry ?? EMPTY_CARRY,
      sinceMs: prev ? prev.observation.at : input.sinceMs,
      samplingWindowMs: plan.nats.sampling.window / input.timeScale,
      probeRatePerSecond: probeRate(plan, input.timeScale),
      attempt: actx.info.attempt,
      signal: actx.cancellationSignal,
      onProgress: hb.beat,
    });
    const entry: LogEntry = {
      seq: input.seq,
      observation: toObservation(plan, collection, prev?.cpu ?? null),
      carry,
      cpu: unitCounters(collection),
      sample: kind === 'baseline' ? null : toMonitorSample(plan, collection, prev?.cpu ?? null),
    };
    await log.append(entry);
    const entries = await log.entries(input.seq);
    if (kind !== 'baseline') await writeHours(ctx, await ctx.humanPlan(plan, input), input, entries, prev?.observation.at ?? null, collection.finishedAt);
    // The watch's events are judged with the observations but stored apart (artifacts/watch-reports.ts).
    const watch = await ctx.watchOf(plan, input);
    return { collection, entries, history: withWatch(entries.map((e) => e.observation), watch), prev, watch };
  } finally {
    hb.stop();
  }
}

/** The hourly trend files of plan hours completed since the previous collection. */
async function writeHours(ctx: ActivityContext, plan: Plan, input: CollectInput, entries: LogEntry[], prevAt: number | null, at: number) {
  const hourOf = (t: number) => Math.floor(((t - input.startAtMs) * input.timeScale) / HOUR);
  const planHourMs = HOUR / input.timeScale;
  const from = prevAt === null ? 0 : hourOf(prevAt);
  // Every plan hour gets its file, also hours whose ticks were skipped (the file then says so).
  for (let h = from + 1; h <= hourOf(at); h++) {
    const start = input.startAtMs + (h - 1) * planHourMs;
    const end = start + planHourMs;
    const samples = entries.map((e) => e.sample).filter((s): s is NonNullable<typeof s> => !!s && Date.parse(s.at) >= start && Date.parse(s.at) < end);
    await writeHourlyTrend(ctx.store, plan, { waveId: input.waveId, hour: h, timeScale: input.timeScale, from: new Date(start).toISOString(), to: new Date(end).toISOString(), samples });
  }
}

export function collectionActivities(ctx: ActivityContext) {
  return {
    /** T+0: probes before anything else, the wave's own baseline for degradation. */
    async collectBaseline(input: CollectInput): Promise<{ at: number; probes: number }> {
      const { collection } = await collect(ctx, await ctx.planOf(input), input, 'baseline', 'T+0');
      return { at: collection.finishedAt, probes: collection.probes?.underTest.sent ?? 0 };
    },

    /** One monitor tick: status, errors, load and memory, NATS health, a light probe; alert and rollback rules judged. */
    async monitorTick(input: CollectInput): Promise<TickResult> {
      const plan = await ctx.planOf(input);
      const { collection, history } = await collect(ctx, plan, input, 'tick', null);
      const jctx = ctx.judgeCtx(plan, input);
      const only = tickMetrics(plan);
      const test = measure(jctx, history, 'tick', TEST_SCOPE, only);
      const control = measure(jctx, history, 'tick', CONTROL_SCOPE, only);
      const evaluations = evaluateAlerts(plan, { test, control });
      const rollback = decideRollback(plan, { tick: test }, input.policy, { waivers: input.waivers });
      const agents = collection.hosts?.agents ?? [];
      const under = agents.filter((a) => a.role === 'test');
      const problems = agents
        .filter((a) => a.state !== 'active')
        .map((a) => ({ host: a.host, agent: a.agent, role: a.role, state: a.state, ...(a.error ? { error: a.error } : {}) }));
      const natsReachable = collection.health ? collection.health.reachable : null;
      const notes = [
        ...problems.map((p) => `${instanceKey(p.host, p.agent)} ${p.state}${p.error ? ` (${p.error})` : ''}`),
        ...(natsReachable === false ? ['NATS unreachable'] : []),
        // readings a rollback criterion does not count (e.g. probe loss on test and control alike)
        ...rollback.warnings,
      ];
      const listed = compactList(problems);
      return {
        at: collection.finishedAt,
        durationMs: collection.finishedAt - collection.startedAt,
        agentsTotal: under.length,
        agentsActive: under.filter((a) => a.state === 'active').length,
        hostsUnreachable: collection.hosts?.unreachable.map((u) => u.host) ?? [],
        natsReachable,
        problems: listed.items,
        problemsOmitted: listed.omitted,
        evaluations: evaluations.map(compactNote),
        rollback: rollback.triggers.map(compactTrigger),
        note: notes.length ? compactText(notes.join('; ')) : null,
      };
    },
  };
}

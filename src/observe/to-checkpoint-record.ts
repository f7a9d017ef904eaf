// One checkpoint Collection plus the judge's verdict as a CheckpointRecord (src/artifacts/records/checkpoint.ts),
// the input of writeCheckpoint: every agent instance, probe, host and the NATS sampling, with what
// could not be collected listed as gaps and kept as null readings with their reason. Pure: times come
// from the collection and the context. Each part of the record is mapped in its own file.
import type { Plan } from '../plan/schema';
import type { Collection } from '../collect/wave-collection';
import type { Observation } from '../judge/observations';
import type { AlertRecord, OperatorAction } from '../artifacts/records/alerts';
import type { CheckpointRecord, Headline } from '../artifacts/records/checkpoint';
import type { CheckpointVerdict } from '../model/vocabulary';
import type { ControlComparison, CriterionResult, Finding } from '../artifacts/records/judgement';
import { agentRecord, instanceHistory } from './agents';
import { errorLogOf } from './errors';
import { gapsOf } from './gaps';
import { hostRecord } from './hosts';
import { natsRecord } from './nats';
import type { Previous } from './previous';
import { probeRecord } from './probes';
import { iso } from './readings';
import { watchObservation, watchPart, type WatchInput } from './watch';
import { expectedInstances, instanceKey, planAgentInfo } from '../model/instance';

export interface CheckpointJudged {
  verdict: CheckpointVerdict;
  verdictReason: string;
  criteria: CriterionResult[];
  headline: Headline;
  comparison: ControlComparison | null;
  findings: Finding[];
}

export interface CheckpointRecordContext {
  waveId: string;
  offsetMs: number;
  dueAt: string;
  collection: number;
  collectionReason?: string;
  alerts: AlertRecord[];
  operatorActions: OperatorAction[];
  /** The collection before this one (or its unitCounters): CPU %, network rates. */
  previous?: Previous;
  /** The wave's observations so far (this checkpoint's may be among them): uptime and restarts since monitoring start. */
  history?: Observation[];
  /** Monitoring start (epoch ms); default the history's baseline, else the checkpoint's window start. */
  startMs?: number;
  /** The plan's actions for a collection not in the plan (a manual one); default the plan's, else every collecting action. */
  actions?: string[];
  /** Error entries kept in errors.log (default 1000); the rest are counted as omitted. */
  maxErrorEntries?: number;
  /** Busiest subjects listed (default 20). */
  maxTopSubjects?: number;
  /** Clock skew tolerated between a host and the worker when the host's clock was not read (restart detection at the first sample), default 60 s. */
  clockSkewMs?: number;
  /**
   * The wave's watch reports, for the record's `watch` part over the checkpoint's window (from
   * `watchFromMs`, default the collection's window start, to its end). null: the watch was off;
   * absent: no `watch` part (callers from before the watch).
   */
  watch?: (WatchInput & { watchFromMs?: number }) | null;
}

/** The actions of a manual (checkpoint-grade) collection that is not one of the plan's checkpoints. */
export const MANUAL_ACTIONS = ['agent-status', 'errors', 'dual-subscription', 'nats-sampling', 'probe', 'system'];

export function toCheckpointRecord(plan: Plan, c: Collection, judged: CheckpointJudged, ctx: CheckpointRecordContext): CheckpointRecord {
  const name = c.name ?? `collection-${c.seq}`;
  const hist = instanceHistory(plan, c, ctx);
  const agentCtx = { previous: ctx.previous, clockSkewMs: ctx.clockSkewMs ?? 60_000 };
  const agents = expectedInstances(plan).map((exp) => {
    const a = c.hosts?.agents.find((x) => x.host === exp.host && x.agent === exp.agent);
    return agentRecord(plan, c, agentCtx, exp, a, hist.get(instanceKey(exp.host, exp.agent)));
  });
  return {
    wave: plan.wave.name,
    waveId: ctx.waveId,
    checkpoint: name,
    collection: ctx.collection,
    ...(ctx.collectionReason !== undefined ? { collectionReason: ctx.collectionReason } : {}),
    offsetMs: Math.max(0, ctx.offsetMs),
    dueAt: ctx.dueAt,
    startedAt: iso(c.startedAt),
    finishedAt: iso(c.finishedAt),
    windowStart: iso(c.windowStart),
    verdict: judged.verdict,
    verdictReason: judged.verdictReason,
    actions: ctx.actions ?? plan.checkpoints.find((x) => x.name === name)?.actions ?? MANUAL_ACTIONS,
    criteria: judged.criteria,
    headline: judged.headline,
    agents,
    probes: planAgentInfo(plan).map((a) => probeRecord(plan, c, a)),
    nats: natsRecord(plan, c, ctx.maxTopSubjects ?? 20),
    hosts: plan.hosts.map((h) => hostRecord(plan, c, h.name, ctx.previous)),
    errorLog: errorLogOf(plan, c, ctx.maxErrorEntries ?? 1000),
    comparison: judged.comparison,
    findings: judged.findings,
    alerts: ctx.alerts,
    operatorActions: ctx.operatorActions,
    gaps: gapsOf(plan, c),
    ...(ctx.watch !== undefined ? { watch: watchPart(watchObservation(ctx.watch, ctx.watch?.watchFromMs ?? c.windowStart, c.finishedAt), ctx.watch?.reports) } : {}),
  };
}

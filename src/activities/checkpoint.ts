// A checkpoint: collect everything, judge its criteria, write the spec's files, and its email.
import { ApplicationFailure } from '@temporalio/activity';
import { readCheckpoint } from '../artifacts/checkpoint';
import { writeCheckpoint } from './write-reports';
import { measureAll } from '../judge/measure';
import { decideRollback } from '../judge/rollback-decision';
import { checkpointVerdictReason, judgeCheckpoint } from '../judge/verdict';
import { analyseCheckpoint } from '../judge/checkpoint-analysis';
import { judgeHeadline } from '../judge/headline';
import { compareTestVsControl } from '../judge/comparison';
import { toCheckpointRecord, toControlComparison, toFindings, toHeadline, alertRecordsOf, operatorActionsOf } from '../observe';
import { checkpointNotification } from '../notify/notifications';
import { compactNote, compactText, compactTrigger } from './compact';
import { collect } from './collection';
import type { ActivityContext } from './context';
import { MAIL_NOT_CONFIGURED, send } from './mail';
import type { CheckpointInput, CheckpointResult, WaveRef } from './types';

export function checkpointActivities(ctx: ActivityContext) {
  const { store } = ctx;
  return {
    /** A checkpoint: collect everything, judge its criteria, write the spec's files under output.dir/<folder>/. */
    async runCheckpoint(input: CheckpointInput): Promise<CheckpointResult> {
      const plan = await ctx.planOf(input);
      const { collection, entries, history, prev, watch } = await collect(ctx, plan, input, 'checkpoint', input.folder);
      // The record lists what the watch saw since the previous checkpoint (or since monitoring began).
      const watchFromMs = history.filter((o) => o.kind === 'checkpoint' && o.at < collection.finishedAt).reduce((m, o) => Math.max(m, o.at), input.startAtMs);
      const jctx = ctx.judgeCtx(plan, input);
      const all = measureAll(jctx, history);
      const judged = judgeCheckpoint(plan, input.criteriaOf, all.test, input.waivers);
      const decision = decideRollback(plan, all.test, input.policy, { waivers: input.waivers });
      const canary = compareTestVsControl(plan, history, input.startAtMs, 'checkpoint');
      const analysis = analyseCheckpoint(jctx, history);
      const verdictReason = checkpointVerdictReason(judged.reasons);
      const record = toCheckpointRecord(
        plan,
        collection,
        {
          verdict: judged.verdict,
          verdictReason,
          criteria: judged.criteria,
          headline: toHeadline(judgeHeadline(judged.criteria, all.test)),
          comparison: toControlComparison(canary),
          findings: analysis ? toFindings(analysis) : [],
        },
        {
          waveId: input.waveId,
          offsetMs: plan.checkpoints.find((c) => c.name === input.checkpoint)?.at ?? Math.round((input.dueAtMs - input.startAtMs) * input.timeScale),
          dueAt: new Date(input.dueAtMs).toISOString(),
          collection: 0,
          alerts: alertRecordsOf(input.status.alerts, plan),
          operatorActions: operatorActionsOf(input.status.operatorActions),
          history,
          previous: prev?.cpu ?? null,
          startMs: input.startAtMs,
          watch: watch && { ...watch, watchFromMs },
        },
      );
      const samples = entries.map((e) => e.sample).filter((s): s is NonNullable<typeof s> => !!s);
      const written = await writeCheckpoint(store, await ctx.humanPlan(plan, input), record, { samples, monitoringStart: new Date(input.startAtMs).toISOString(), timeScale: input.timeScale });
      return {
        name: input.checkpoint,
        folder: input.folder,
        artifactsDir: store.locate(written.dir),
        ranAtMs: collection.finishedAt,
        verdict: judged.verdict,
        verdictReason: compactText(verdictReason),
        criteria: judged.criteria.map(compactNote),
        rollback: decision.triggers.map(compactTrigger),
        problems: written.problems,
      };
    },

    /** The checkpoint email, from the stored record (so a retry sends the same message). */
    async notifyCheckpoint(input: WaveRef & { checkpoint: string; next: { name: string; dueAt: string } | null }): Promise<string> {
      if (!ctx.mail) return MAIL_NOT_CONFIGURED;
      const plan = await ctx.humanPlan(await ctx.planOf(input), input);
      const record = await readCheckpoint(store, plan, input.checkpoint);
      if (!record) throw ApplicationFailure.nonRetryable(`no stored record for checkpoint ${input.checkpoint}`);
      return send(ctx.mail, plan, checkpointNotification(plan, record, input.next));
    },
  };
}

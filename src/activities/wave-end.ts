// The wave's end: the GO / NO-GO judgement, the final records and reports, and their email.
import { ApplicationFailure } from '@temporalio/activity';
import { readWaveRecord } from '../artifacts/wave';
import { collectionOfCheckpoint } from '../artifacts/layout';
import { writeFinalReports } from './write-reports';
import { measureAll } from '../judge/measure';
import { judgeWave } from '../judge/verdict';
import { evaluateRule } from '../judge/rules';
import { toWaveRecord } from '../observe';
import { finalNotification } from '../notify/notifications';
import { compactNote, compactText } from './compact';
import type { ActivityContext } from './context';
import { MAIL_NOT_CONFIGURED, send } from './mail';
import type { FinishInput, FinishResult, JudgeWaveInput, JudgeWaveResult, WaveRef } from './types';

export function waveEndActivities(ctx: ActivityContext) {
  const { store } = ctx;
  return {
    /** GO / NO-GO / held for a human, from the whole wave's data. */
    async judgeWave(input: JudgeWaveInput): Promise<JudgeWaveResult> {
      const plan = await ctx.planOf(input);
      const history = (await ctx.logOf(plan, input.waveId).entries(input.seq)).map((e) => e.observation);
      const final = measureAll({ plan, startMs: input.startAtMs, endMs: input.endMs }, history).test;
      const v = judgeWave({ plan, checkpoints: input.checkpoints, final, waivers: input.waivers, rolledBack: input.rolledBack, rollbackFired: input.rollbackFired });
      const byId = new Map(v.primaries.map((p) => [p.id, p.deciding]));
      const criteria = plan.criteria.map((c) => {
        const r = byId.get(c.id) ?? (final[c.window] ? evaluateRule(c, final[c.window]!) : evaluateRule(c, {}));
        return { ...r, primary: c.primary };
      });
      return { decision: v.decision, reasons: v.reasons.map((r) => compactText(r)), held: v.held, criteria: criteria.map(compactNote) };
    },

    /** The wave's end: wave.json, final_analysis.md and the reports with their charts. */
    async finishWave(input: FinishInput): Promise<FinishResult> {
      const plan = await ctx.humanPlan(await ctx.planOf(input), input);
      const judgement = input.judgement ?? { criteria: [], reasons: [] };
      const record = toWaveRecord(plan, input.status, { criteria: judgement.criteria, verdictReason: judgement.reasons.join('; ') || verdictText(input.status) }, collectionOfCheckpoint);
      const r = await writeFinalReports(store, plan, record);
      return { files: r.files.map((f) => store.locate(f)), reportPath: store.locate(plan.output.reportDoc), problems: r.problems };
    },

    async notifyFinal(input: WaveRef): Promise<string> {
      if (!ctx.mail) return MAIL_NOT_CONFIGURED;
      const plan = await ctx.humanPlan(await ctx.planOf(input), input);
      const wave = await readWaveRecord(store, plan);
      if (!wave) throw ApplicationFailure.nonRetryable('no stored wave record');
      return send(ctx.mail, plan, finalNotification(wave));
    },
  };
}

function verdictText(s: FinishInput['status']): string {
  if (s.verdict === 'ABORTED') return `aborted by an operator`;
  if (s.rollback.executed) return `rolled back: ${s.rollback.trigger?.reason ?? ''}`;
  return s.verdict ?? '';
}

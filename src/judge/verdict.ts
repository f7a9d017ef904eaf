// Checkpoint and wave verdicts, and waivers.
//
// Checkpoint verdict (the spec's notification template: ✅ PASS / ⚠️ WARNING / ❌ FAIL):
//   FAIL    a primary criterion judged at this checkpoint failed, or a rollback criterion fired on
//           the checkpoint's data (a critical issue, the spec's success definition 7);
//   WARNING a secondary criterion failed, or any criterion is inconclusive or an error;
//   PASS    otherwise. A waived criterion counts as passed and is shown as "waived" with its reason.
//
// Wave verdict at the end: GO when every primary criterion passed or was waived and no rollback
// criterion fired (unless waived); NO-GO when a primary failed, a rollback criterion fired or the
// wave was rolled back; held-for-human when nothing failed but a primary is inconclusive or an
// error — never silently passed: a person decides (waive, or let the hold time out to NO-GO).
// Criteria measured over the whole wave are decided by their final value; criteria measured per
// checkpoint must hold at every checkpoint that judges them.
import type { Plan, PlanCriterion } from '../plan/schema';
import { evaluateRule, ruleFires, type Measurements, type RuleOutcome, type RuleResult } from './rules';
import type { WindowKind } from './windows';
import type { CheckpointVerdict } from '../model/vocabulary';

export interface Waiver {
  criterion: string;
  reason: string;
  by: string;
  /** When it was given (the workflow's status keeps an ISO time); the judge does not read it. */
  at?: number | string;
}

/** Why a waiver cannot be accepted (for the update's synchronous validator), or null. */
export function validateWaiver(plan: Plan, w: { criterion?: unknown; reason?: unknown }): string | null {
  if (typeof w.criterion !== 'string' || w.criterion === '') return 'criterion is required';
  if (typeof w.reason !== 'string' || w.reason.trim() === '') return 'a reason is required';
  const known = [...plan.criteria, ...plan.rollback.criteria].some((r) => r.id === w.criterion);
  return known ? null : `unknown criterion "${w.criterion}" (expected one of the plan's criteria or rollback criteria)`;
}

/** A failed, inconclusive or error result of a waived criterion becomes "waived" (a pass stays a pass). */
export function applyWaivers(results: readonly RuleResult[], waivers: readonly Waiver[]): RuleResult[] {
  return results.map((r) => {
    const w = [...waivers].reverse().find((x) => x.criterion === r.id);
    if (!w || r.outcome === 'pass' || r.outcome === 'waived') return r;
    return { ...r, outcome: 'waived', waiver: { reason: w.reason, by: w.by }, note: `waived (was ${r.outcome}) by ${w.by}: ${w.reason}${r.note ? `; ${r.note}` : ''}` };
  });
}

/** Rollback criteria that fired, less those an operator waived (a fired rule's comparison holds, so applyWaivers does not apply). */
function notWaived(fired: readonly RuleResult[], waivers: readonly Waiver[]): RuleResult[] {
  return fired.filter((r) => !waivers.some((w) => w.criterion === r.id));
}


export interface JudgedCriterion extends RuleResult {
  primary: boolean;
}

export interface CheckpointJudgement {
  checkpoint: string;
  verdict: CheckpointVerdict;
  reasons: string[];
  criteria: JudgedCriterion[];
  /** Rollback criteria that fired on this checkpoint's data. */
  rollbackFired: RuleResult[];
}

export function checkpointVerdict(criteria: readonly JudgedCriterion[], rollbackFired: readonly RuleResult[] = []): { verdict: CheckpointVerdict; reasons: string[] } {
  const reasons: string[] = [];
  const primaryFailed = criteria.filter((c) => c.primary && c.outcome === 'fail');
  const secondaryFailed = criteria.filter((c) => !c.primary && c.outcome === 'fail');
  const open = criteria.filter((c) => c.outcome === 'inconclusive' || c.outcome === 'error');
  for (const c of primaryFailed) reasons.push(`primary ${c.id} failed: ${c.metric} = ${c.value} (${c.op} ${c.threshold})`);
  for (const r of rollbackFired) reasons.push(`rollback criterion ${r.id} fired: ${r.metric} = ${r.value}`);
  for (const c of secondaryFailed) reasons.push(`${c.id} failed: ${c.metric} = ${c.value} (${c.op} ${c.threshold})`);
  for (const c of open) reasons.push(`${c.id} ${c.outcome}${c.note ? `: ${c.note}` : ''}`);
  const verdict: CheckpointVerdict = primaryFailed.length || rollbackFired.length ? 'FAIL' : secondaryFailed.length || open.length ? 'WARNING' : 'PASS';
  return { verdict, reasons };
}

/** The checkpoint's verdict reason in one line (records, emails, the status). */
export function checkpointVerdictReason(reasons: readonly string[]): string {
  return reasons.length ? reasons.join('; ') : 'every criterion passed';
}

/**
 * A checkpoint whose collection failed (after its retries): no data, so each criterion it lists is an
 * `error` with the failure as its note, and the verdict is what checkpointVerdict gives errors —
 * WARNING, never a pass nor a failure the data did not show. A checkpoint that lists no criterion
 * is still a WARNING: its data is missing, which is never a pass.
 */
export function unjudgedCheckpoint(plan: Plan, checkpoint: string, note: string, waivers: readonly Waiver[] = []): CheckpointJudgement {
  const listed = plan.criteria.filter((c) => c.checkpoints.includes(checkpoint));
  const errors = listed.map((c): RuleResult => ({ id: c.id, title: c.title, metric: c.metric, op: c.op, threshold: c.threshold, window: c.window, outcome: 'error', value: null, samples: 0, note }));
  const criteria = applyWaivers(errors, waivers).map((r, i) => ({ ...r, primary: listed[i].primary }));
  const v = checkpointVerdict(criteria);
  return { checkpoint, verdict: v.verdict === 'PASS' ? 'WARNING' : v.verdict, reasons: v.reasons.length ? v.reasons : [`no data: ${note}`], criteria, rollbackFired: [] };
}

/**
 * Judges one checkpoint: the plan's criteria that list it, on the measurements of their windows
 * (agents under test), plus the rollback criteria on the same data. Pass the measurements taken
 * with the checkpoint observation as the newest one (its `tick` window is then the checkpoint itself).
 */
export function judgeCheckpoint(plan: Plan, checkpoint: string, measurements: Partial<Record<WindowKind, Measurements>>, waivers: readonly Waiver[] = []): CheckpointJudgement {
  const criteria = plan.criteria.filter((c) => c.checkpoints.includes(checkpoint));
  const judged = applyWaivers(criteria.map((c) => evaluate(c, measurements)), waivers).map((r, i) => ({ ...r, primary: criteria[i].primary }));
  const rollbackFired = notWaived(
    plan.rollback.criteria.filter((r) => measurements[r.window]).map((r) => ruleFires(r, measurements[r.window] as Measurements)).filter((r) => r.fires),
    waivers,
  );
  return { checkpoint, ...checkpointVerdict(judged, rollbackFired), criteria: judged, rollbackFired };
}

function evaluate(c: PlanCriterion, measurements: Partial<Record<WindowKind, Measurements>>): RuleResult {
  const m = measurements[c.window];
  if (!m) return { id: c.id, title: c.title, metric: c.metric, op: c.op, threshold: c.threshold, window: c.window, outcome: 'inconclusive', value: null, samples: 0, note: `no ${c.window} measurements` };
  return evaluateRule(c, m);
}

export type WaveDecision = 'GO' | 'NO-GO' | 'held-for-human';

export interface PrimaryOutcome {
  id: string;
  title: string;
  outcome: RuleOutcome;
  /** The result that decided it, and every result considered. */
  deciding: RuleResult;
  results: { at: string; result: RuleResult }[];
}

export interface WaveVerdictInput {
  plan: Plan;
  /** Checkpoint judgements so far (missing checkpoints are gaps: their per-checkpoint criteria are inconclusive). */
  checkpoints: readonly { checkpoint: string; criteria: readonly RuleResult[] }[];
  /** Measurements at the end of the wave, per window (agents under test). */
  final: Partial<Record<WindowKind, Measurements>>;
  waivers?: readonly Waiver[];
  rolledBack?: boolean;
  /** Rollback criteria that fired during the wave (even when the policy softened them). */
  rollbackFired?: readonly RuleResult[];
}

export interface WaveVerdict {
  decision: WaveDecision;
  reasons: string[];
  primaries: PrimaryOutcome[];
  /** Primary criteria a person must decide (held-for-human). */
  held: string[];
}

const SEVERITY: Record<RuleOutcome, number> = { pass: 0, waived: 0, inconclusive: 1, error: 2, fail: 3 };

export function judgeWave(input: WaveVerdictInput): WaveVerdict {
  const { plan, final } = input;
  const waivers = input.waivers ?? [];
  const primaries: PrimaryOutcome[] = [];
  for (const c of plan.criteria.filter((x) => x.primary)) {
    const results: { at: string; result: RuleResult }[] = [];
    if (c.window === 'checkpoint' && c.checkpoints.length) {
      for (const cpName of c.checkpoints) {
        const cp = input.checkpoints.find((x) => x.checkpoint === cpName);
        const r = cp?.criteria.find((x) => x.id === c.id);
        results.push({
          at: cpName,
          result: r ?? { id: c.id, title: c.title, metric: c.metric, op: c.op, threshold: c.threshold, window: c.window, outcome: 'inconclusive', value: null, samples: 0, note: `no result at ${cpName} (gap)` },
        });
      }
    } else results.push({ at: 'final', result: evaluate(c, final) });
    const [deciding] = applyWaivers(
      [results.map((x) => x.result).reduce((worst, r) => (SEVERITY[r.outcome] > SEVERITY[worst.outcome] ? r : worst))],
      waivers,
    );
    primaries.push({ id: c.id, title: c.title, outcome: deciding.outcome, deciding, results });
  }
  const reasons: string[] = [];
  const failed = primaries.filter((p) => p.outcome === 'fail');
  const open = primaries.filter((p) => p.outcome === 'inconclusive' || p.outcome === 'error');
  const fired = notWaived(input.rollbackFired ?? [], waivers);
  if (input.rolledBack) reasons.push('the wave was rolled back');
  for (const p of failed) reasons.push(`primary ${p.id} failed: ${p.deciding.metric} = ${p.deciding.value} (${p.deciding.op} ${p.deciding.threshold})`);
  for (const r of fired) reasons.push(`rollback criterion ${r.id} fired: ${r.metric} = ${r.value}`);
  for (const p of open) reasons.push(`primary ${p.id} ${p.outcome}${p.deciding.note ? `: ${p.deciding.note}` : ''}`);
  for (const p of primaries.filter((x) => x.outcome === 'waived')) reasons.push(`primary ${p.id} waived: ${p.deciding.waiver?.reason}`);
  const decision: WaveDecision = input.rolledBack || failed.length || fired.length ? 'NO-GO' : open.length ? 'held-for-human' : 'GO';
  if (decision === 'GO') reasons.unshift('every primary criterion passed or was waived; no rollback criterion fired');
  return { decision, reasons, primaries, held: decision === 'held-for-human' ? open.map((p) => p.id) : [] };
}

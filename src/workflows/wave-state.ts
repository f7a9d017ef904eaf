// The wave's state and every change to it, as a plain class (the samples-typescript pattern): the
// workflow function drives time and activities and tells this class what happened, by methods named
// for it (tickDone, holdTimedOut, extend…); nothing else writes the state. Deterministic: times come
// from the workflow clock passed in, never from I/O; no Temporal API here, so it is tested alone.
import type { Plan } from '../plan/schema';
import { parseDuration } from '../plan/duration';
import type { RuleResult } from '../judge/rules';
import { alertViews, emptyAlertState, stepAlerts, acknowledgeAlert, type AlertEvaluation, type AlertState, type StepResult } from '../judge/alerts';
import { alertLogEvaluation } from '../judge/alert-log-rule';
import { applyWaivers, unjudgedCheckpoint, validateWaiver } from '../judge/verdict';
import type { RollbackTrigger } from '../judge/rollback-decision';
import type { CheckpointResult, JudgeWaveResult, RollbackStepResult, TickResult } from '../activities/types';
import type { AcknowledgeRequest, ExtendRequest, OperatorRequest, RollbackOutcome, WaiveRequest } from './messages';
import { MAX_EXTEND_MS, MAX_OPERATOR_ACTIONS, MAX_PENDING_ALERT_LOG } from './bounds';
import { requestProblem } from './requests';
import { firstStatus, iso, scaledMs, type AlertLogEntry, type Carried, type MailJob, type WaveInput } from './wave-input';
import type { HoldStatus, RollbackStepStatus, WaveStatus } from '../model/status';

// Where the CLI and the client have always found the input type.
export type { Carried, MailJob, WaveInput } from './wave-input';
export type SignalKind = 'abort' | 'pause' | 'resume' | 'requestRollback';

const by = (req: { by?: string }) => req.by || 'operator';

export class WaveState {
  readonly plan: Plan;
  readonly input: WaveInput;
  status: WaveStatus;
  extendMs = 0;
  nextTickAtMs: number;
  lastTickAtMs: number;
  manualRuns = 0;
  abort: OperatorRequest | null = null;
  /** Collections of the wave, numbered: a retried collection reuses its number. */
  seq = 0;
  alertState: AlertState = emptyAlertState();
  /** Rollback criteria that fired during the wave, even when the policy or a pause softened them. */
  rollbackFired: RuleResult[] = [];
  /** The `since` of the hold already escalated by email: a hold is escalated once, also across runs. */
  holdNotified: string | null = null;
  /** Notifications carried from the previous run, to be sent again by this one. */
  carriedMail: MailJob[] = [];
  /** Alert log entries waiting to be written, oldest first (the log failed; kept for the next write). */
  pendingAlertLog: AlertLogEntry[] = [];
  /** Why the alert log cannot be written, while it cannot: a critical alert and the Web UI say so. */
  alertLogProblem: string | null = null;
  /** The whole wave's judgement, once every checkpoint ran (for the final report). */
  judgement: JudgeWaveResult | null = null;
  /** Set by every accepted request so the main loop re-evaluates at once instead of sleeping to its next timer. */
  private woken = false;

  constructor(input: WaveInput) {
    this.input = input;
    this.plan = input.plan;
    const c = input.carried;
    if (!c) {
      this.status = firstStatus(input);
      this.lastTickAtMs = input.startAtMs;
      this.nextTickAtMs = input.startAtMs + this.scaled(this.plan.monitor.interval);
      this.refreshNext();
      return;
    }
    this.status = { ...c.status, runs: c.status.runs + 1 };
    this.extendMs = c.extendMs;
    this.nextTickAtMs = c.nextTickAtMs;
    this.lastTickAtMs = c.lastTickAtMs;
    this.manualRuns = c.manualRuns;
    this.abort = c.abort;
    this.seq = c.seq;
    this.alertState = c.alertState;
    this.rollbackFired = c.rollbackFired;
    this.holdNotified = c.holdNotified ?? null;
    this.carriedMail = c.pendingMail ?? [];
    this.pendingAlertLog = c.pendingAlertLog ?? [];
    this.alertLogProblem = c.alertLogProblem ?? null;
  }

  /** What the next run starts from; `pendingMail` is the mail still being delivered. */
  carry(pendingMail: MailJob[]): Carried {
    const { status, extendMs, nextTickAtMs, manualRuns, lastTickAtMs, abort, seq, alertState, rollbackFired, holdNotified } = this;
    return { pendingMail, pendingAlertLog: this.pendingAlertLog, alertLogProblem: this.alertLogProblem, status, extendMs, nextTickAtMs, manualRuns, lastTickAtMs, abort, seq, alertState, rollbackFired, holdNotified };
  }

  // ── reading ─────────────────────────────────────────────────────────────────────────────────

  /** A plan duration on the wave's clock. */
  scaled(ms: number): number {
    return scaledMs(ms, this.input.timeScale);
  }

  get finished(): boolean {
    return this.status.phase === 'completed' || this.status.phase === 'aborted';
  }

  get wake(): boolean {
    return this.woken;
  }

  /** Due time of each checkpoint; the last one moves with extendWave. */
  dueAtMs(index: number): number {
    const cps = this.plan.checkpoints;
    const base = this.input.startAtMs + this.scaled(cps[index].at);
    return index === cps.length - 1 ? base + this.extendMs : base;
  }

  nextCheckpointIndex(): number | null {
    const i = this.status.checkpoints.findIndex((c) => c.ranAt === null);
    return i < 0 ? null : i;
  }

  /** The rollback update's answer comes once the rollback ran, or the wave was aborted before it could. */
  get rollbackSettled(): boolean {
    return this.status.rollback.finishedAt !== null || this.status.phase === 'aborted';
  }

  rollbackOutcome(startedByThisRequest: boolean): RollbackOutcome {
    const r = this.status.rollback;
    return {
      executed: r.executed,
      startedByThisRequest,
      ok: r.ok === true,
      steps: r.steps.map((s) => ({ name: s.name, state: s.state })),
      message: r.ok ? 'rolled back' : r.executed ? 'rollback stopped at a failed step' : 'rollback did not run (wave aborted)',
    };
  }

  /**
   * Why an operator request is refused, or null: its form (requests.ts, shared with the CLI), then
   * what this wave's state allows. Update validators throw it; signals record it as not accepted.
   */
  refusal(kind: string, arg: unknown): string | null {
    const form = requestProblem(kind, arg);
    if (form) return form;
    if (this.finished) return `the wave has ended (${this.status.phase}, verdict ${this.status.verdict})`;
    if (kind === 'extendWave') {
      if (this.nextCheckpointIndex() === null) return 'the final checkpoint has already run';
      const totalMs = (this.extendMs + this.scaled(parseDuration((arg as ExtendRequest).duration)!)) * this.input.timeScale;
      if (totalMs > MAX_EXTEND_MS) return `a wave is extended by at most ${MAX_EXTEND_MS / 86_400_000} days in all; this request would make it ${Math.round(totalMs / 3_600_000)} h`;
    }
    if (kind === 'waiveCriterion') {
      const problem = validateWaiver(this.plan, arg as WaiveRequest); // the judge's check: criteria and rollback criteria
      if (problem) return problem;
    }
    if (kind === 'acknowledgeAlert') {
      const { alertId } = arg as AcknowledgeRequest;
      const alert = this.status.alerts.find((a) => a.id === alertId);
      if (!alert) return `unknown alert "${alertId}"`;
      if (alert.state === 'resolved') return `alert "${alertId}" is already resolved`;
    }
    return null;
  }

  /** Entries for the next alert log write: those a failed write left waiting first. */
  alertLogBacklog(entries: AlertLogEntry[]): AlertLogEntry[] {
    return [...this.pendingAlertLog, ...entries];
  }

  // ── the main loop's bookkeeping ─────────────────────────────────────────────────────────────

  /** A turn of the main loop begins: requests from now on wake it again. */
  beginTurn(): void {
    this.woken = false;
  }

  /** The number of the next collection, taken before any await: collections are numbered in the order asked for. */
  nextSeq(): number {
    return ++this.seq;
  }

  /** Something that went wrong beside the wave's course (a mail not sent, a report part not rendered). */
  problem(now: number, text: string): void {
    this.status.problems = [...this.status.problems, `${iso(now)} ${text}`].slice(-20);
  }

  // ── operator messages ───────────────────────────────────────────────────────────────────────

  /** A signal cannot be refused: a bad one is recorded as not accepted, and nothing changes. */
  signalled(now: number, kind: SignalKind, req: OperatorRequest): void {
    const refused = this.refusal(kind, req);
    if (refused) return this.record(now, kind, (req ?? {}) as never, false, refused);
    let note: string | undefined;
    if (kind === 'abort') this.abort = req;
    else if (kind === 'pause') this.status.paused = true;
    else if (kind === 'resume') note = this.resume();
    else if (!this.requestRollback({ kind: 'operator', by: by(req), reason: req.reason })) note = 'rollback already requested: nothing changes';
    this.record(now, kind, req as never, true, note);
    this.woken = true;
  }

  /** Resuming automation also dismisses a hold that a human may end (not the final one, which needs a decision). */
  private resume(): string | undefined {
    this.status.paused = false;
    if (!this.status.hold || this.status.phase !== 'holding' || this.status.hold.onTimeout === 'no-go') return undefined;
    this.leaveHold();
    return 'hold dismissed: monitoring continues';
  }

  /** The rollback update: recorded; true when this request started the rollback. */
  rollbackRequested(now: number, req: OperatorRequest): boolean {
    const started = this.requestRollback({ kind: 'operator', by: by(req), reason: req.reason });
    this.record(now, 'rollback', req as never, true, started ? undefined : 'rollback already requested: nothing changes');
    return started;
  }

  /** Moves the final checkpoint later by the request's duration (plan time). */
  extend(now: number, req: ExtendRequest): { finalCheckpointDueAt: string } {
    this.extendMs += this.scaled(parseDuration(req.duration)!);
    this.refreshNext();
    this.record(now, 'extendWave', req as never, true, `final checkpoint now due ${this.status.endsAt}`);
    this.woken = true;
    return { finalCheckpointDueAt: this.status.endsAt };
  }

  /** A collection asked for by an operator: its folder, manual-N. */
  manualCollection(now: number, req: OperatorRequest): string {
    this.manualRuns += 1;
    const folder = `manual-${this.manualRuns}`;
    this.record(now, 'collectNow', req as never, true, `collection ${folder}`);
    return folder;
  }

  /** A waiver replaces an earlier one of the criterion and applies to the results so far. */
  waiveCriterion(now: number, req: WaiveRequest): { criterion: string; outcomeBefore: string | null } {
    const { criterion, reason } = req;
    this.status.waivers = [...this.status.waivers.filter((w) => w.criterion !== criterion), { criterion, reason, by: by(req), at: iso(now) }];
    let before: string | null = null;
    for (const cp of this.status.checkpoints) {
      for (const r of cp.criteria) if (r.id === criterion) before = r.outcome;
      cp.criteria = applyWaivers(cp.criteria, this.status.waivers); // the judge's rule, one copy
    }
    this.record(now, 'waiveCriterion', req as never, true, `${criterion} waived`);
    this.woken = true;
    return { criterion, outcomeBefore: before };
  }

  /** An alert acknowledged by a person: what to log. */
  acknowledged(now: number, req: AcknowledgeRequest): StepResult {
    const r = acknowledgeAlert(this.alertState, { alertId: req.alertId, by: by(req), note: req.note }, now);
    if (!r.error) this.setAlerts(r.state);
    this.record(now, 'acknowledgeAlert', { reason: req.note ?? '', by: req.by }, true, req.alertId);
    return r;
  }

  // ── monitor ticks and alerts ────────────────────────────────────────────────────────────────

  /** The tick's evaluations, with wavewatch's own alert log rule, go through the alert state machine: what to log and page. */
  tickDone(now: number, tick: TickResult): StepResult {
    const interim = this.status.interim;
    interim.ticks += 1;
    interim.lastTickAt = iso(tick.at);
    interim.agentsActive = `${tick.agentsActive}/${tick.agentsTotal}`;
    interim.lastTickNote = tick.note;
    interim.firing = [
      ...tick.rollback.map((t) => t.result),
      ...tick.evaluations
        .filter((e) => e.status === 'firing')
        .map((e): RuleResult => ({ id: e.rule, title: e.title, metric: e.metric, op: e.op, threshold: e.threshold, window: 'tick', outcome: 'pass', value: e.value, samples: 0, note: `${e.scope}${e.note ? `: ${e.note}` : ''}` })),
    ];
    this.lastTickAtMs = tick.at;
    const step = this.applyEvaluations(now, [...tick.evaluations, ...this.alertLogRule()]);
    for (const t of tick.rollback) this.decide(now, t);
    return step;
  }

  tickFailed(message: string): void {
    this.status.interim.lastTickNote = `tick failed: ${message}`;
  }

  baselineFailed(message: string): void {
    this.status.interim.lastTickNote = `T+0 baseline not collected: ${message}`;
  }

  /** Ticks whose time passed while collection ran are skipped and counted, never queued. */
  scheduleNextTick(now: number): void {
    const interval = this.scaled(this.plan.monitor.interval);
    let next = this.nextTickAtMs + interval;
    while (next <= now) {
      next += interval;
      this.status.interim.skippedTicks += 1;
    }
    this.nextTickAtMs = next;
  }

  alertLogWritten(): void {
    this.pendingAlertLog = [];
    this.alertLogProblem = null;
  }

  /**
   * Entries that could not be written wait (the newest kept) for the next write. At the first
   * failure the problem is said at once, not at the next tick (a rollback may end the wave before
   * it): returns the critical alert's own step to log and page, null after that.
   */
  alertLogFailed(now: number, entries: AlertLogEntry[], problem: string): StepResult | null {
    const first = this.alertLogProblem === null;
    this.keepAlertLog(entries, problem);
    if (!first) return null;
    this.problem(now, problem);
    const own = this.applyEvaluations(now, this.alertLogRule());
    this.keepAlertLog(own.entries, problem);
    return own;
  }

  private keepAlertLog(entries: AlertLogEntry[], problem: string): void {
    this.pendingAlertLog = [...this.pendingAlertLog, ...entries].slice(-MAX_PENDING_ALERT_LOG);
    this.alertLogProblem = problem;
  }

  private alertLogRule(): AlertEvaluation[] {
    return alertLogEvaluation({ problem: this.alertLogProblem, pending: this.pendingAlertLog.length, alerts: this.status.alerts });
  }

  private applyEvaluations(now: number, evaluations: AlertEvaluation[]): StepResult {
    const step = stepAlerts(this.alertState, evaluations, now, this.plan, { policy: this.status.policy, repeatMs: this.scaled(this.plan.monitor.alertRepeat) });
    this.setAlerts(step.state);
    return step;
  }

  private setAlerts(state: AlertState): void {
    this.alertState = state;
    this.status.alerts = alertViews(state);
  }

  // ── rollback criteria and holds ─────────────────────────────────────────────────────────────

  /** A rollback criterion fired: act on it as the plan and the policy say (the judge applied the policy). */
  private decide(now: number, t: RollbackTrigger): void {
    if (!this.rollbackFired.some((r) => r.id === t.rule)) this.rollbackFired.push(t.result);
    if (this.status.rollback.requested) return;
    if (t.action === 'observe' || t.action === 'page') return; // recorded in interim.firing and the alerts
    if (this.status.paused) return this.noteOnce(now, `automatic ${t.action} for ${t.rule} suppressed: automation paused`);
    if (t.action === 'rollback') this.requestRollback({ kind: 'criterion', by: 'wavewatch', reason: t.evidence, criterion: t.rule });
    else if (!this.status.hold) this.enterHold(now, t.evidence, this.plan.monitor.onHoldTimeout, t.rule);
  }

  /** A hold that began since the last look, to escalate by email: once per hold, also across runs. */
  holdToEscalate(): HoldStatus | null {
    const hold = this.status.hold;
    if (!hold || hold.since === this.holdNotified) return null;
    this.holdNotified = hold.since;
    return hold;
  }

  /**
   * The hold's deadline passed with no decision. A rollback needs a human while automation is
   * paused (someone is looking) or the policy is `hold` (a human decides every rollback): the hold
   * stays with a new deadline, returned to escalate again. Otherwise its onTimeout happens.
   */
  holdTimedOut(now: number): HoldStatus | null {
    const hold = this.status.hold!;
    const human = this.status.paused ? 'automation is paused' : this.status.policy === 'hold' ? 'the policy is hold' : null;
    const who = { reason: hold.reason, by: 'wavewatch' };
    if (hold.onTimeout === 'rollback' && human) {
      this.record(now, 'hold-timeout', who, true, `no decision by ${hold.deadline}; no automatic rollback because ${human}: still holding for a human`);
      this.status.hold = { ...hold, deadline: iso(now + this.scaled(this.plan.monitor.holdTimeout)) };
      return this.status.hold;
    }
    this.record(now, 'hold-timeout', who, true, `no decision by ${hold.deadline}: ${hold.onTimeout}`);
    this.leaveHold();
    if (hold.onTimeout === 'rollback') this.requestRollback({ kind: 'criterion', by: 'wavewatch', reason: `hold timed out: ${hold.reason}`, criterion: hold.criterion });
    else if (hold.onTimeout === 'no-go') this.finish('NO-GO');
    return null;
  }

  private enterHold(now: number, reason: string, onTimeout: HoldStatus['onTimeout'], criterion?: string): void {
    this.status.phase = 'holding';
    this.status.hold = { since: iso(now), deadline: iso(now + this.scaled(this.plan.monitor.holdTimeout)), reason, onTimeout, ...(criterion ? { criterion } : {}) };
  }

  private leaveHold(): void {
    this.status.hold = null;
    if (this.status.phase === 'holding') this.status.phase = 'monitoring';
  }

  // ── the rollback procedure ──────────────────────────────────────────────────────────────────

  /** Requests are idempotent: the first one wins, later ones are recorded and change nothing. */
  private requestRollback(trigger: NonNullable<WaveStatus['rollback']['trigger']>): boolean {
    const r = this.status.rollback;
    if (r.requested) return false;
    r.requested = true;
    r.trigger = trigger;
    r.steps = this.plan.rollback.steps.map((s): RollbackStepStatus => ({ name: s.name, state: 'pending', targets: [] }));
    this.woken = true;
    return true;
  }

  /** The rollback begins (or resumes after the last completed step): the indexes of the steps still to run. */
  rollbackStarted(now: number): number[] {
    const r = this.status.rollback;
    this.status.phase = 'rolling-back';
    r.executed = true;
    r.startedAt ??= iso(now);
    return r.steps.flatMap((s, i) => (s.state === 'done' ? [] : [i]));
  }

  /** A step ran on its targets; false when it failed (the rollback stops there). */
  rollbackStepRan(now: number, index: number, result: RollbackStepResult): boolean {
    const step = this.status.rollback.steps[index];
    step.targets = result.targets;
    step.finishedAt = iso(now);
    step.state = result.ok ? 'done' : 'failed';
    return result.ok;
  }

  /** A step whose activity failed after its retries: the rollback stops there. */
  rollbackStepFailed(index: number, message: string): void {
    const step = this.status.rollback.steps[index];
    step.state = 'failed';
    step.targets = [{ target: '*', outcome: 'failed', exitCode: null, message }];
  }

  /** The steps are over: the rollback is good when every step is done. */
  rollbackStepsOver(): void {
    this.status.rollback.ok = this.status.rollback.steps.every((s) => s.state === 'done');
  }

  /** The fleet after the rollback (a verification collection), or why it could not be seen; the rollback has finished. */
  rollbackFinished(now: number, after: Pick<TickResult, 'agentsActive' | 'agentsTotal' | 'note'> | { failed: string }): void {
    const r = this.status.rollback;
    r.verification =
      'failed' in after ? `verification collection failed: ${after.failed}` : `after rollback: ${after.agentsActive}/${after.agentsTotal} agent units active${after.note ? `; ${after.note}` : ''}`;
    r.finishedAt = iso(now);
  }

  // ── checkpoints and the verdict ─────────────────────────────────────────────────────────────

  checkpointDone(now: number, index: number, result: CheckpointResult): void {
    const cp = this.status.checkpoints[index];
    cp.ranAt = iso(result.ranAtMs);
    cp.verdict = result.verdict;
    cp.criteria = result.criteria;
    cp.artifactsDir = result.artifactsDir;
    this.status.artifactsDir ??= result.artifactsDir.replace(/\/[^/]+$/, '');
    this.refreshNext();
    for (const t of result.rollback) this.decide(now, t);
  }

  /**
   * Missing data is a gap, recorded as such (spec, Troubleshooting), never invented: the judge
   * records the checkpoint's criteria as errors (a WARNING), as it does any missing data.
   */
  checkpointFailed(now: number, index: number, message: string): void {
    const c = this.status.checkpoints[index];
    const note = `collection failed after retries: ${message}`;
    const j = unjudgedCheckpoint(this.plan, c.name, note, this.status.waivers);
    c.ranAt = iso(now);
    c.verdict = j.verdict;
    c.criteria = j.criteria;
    c.note = note;
    this.refreshNext();
  }

  /**
   * GO / NO-GO from the whole wave's data; undecided primaries hold for a human (a hold only a
   * decision ends). False when an abort or a rollback came while judging: it goes first.
   */
  waveJudged(now: number, j: JudgeWaveResult): boolean {
    this.judgement = j;
    if (this.abort || this.status.rollback.requested) return false;
    if (j.decision !== 'held-for-human') this.finish(j.decision);
    else if (!this.status.hold)
      this.enterHold(now, `primary criteria without a conclusive result: ${j.held.join(', ')} — waive them (waiveCriterion) or roll back`, 'no-go');
    return true;
  }

  finish(verdict: 'GO' | 'NO-GO' | 'ABORTED'): void {
    this.status.verdict = verdict;
    this.status.phase = verdict === 'ABORTED' ? 'aborted' : 'completed';
    this.status.hold = null;
    this.status.nextCheckpoint = null;
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────────

  private refreshNext(): void {
    const i = this.nextCheckpointIndex();
    this.status.nextCheckpoint = i === null ? null : { name: this.plan.checkpoints[i].name, dueAt: iso(this.dueAtMs(i)) };
    const last = this.status.checkpoints.length - 1;
    this.status.checkpoints[last].dueAt = iso(this.dueAtMs(last));
    this.status.endsAt = iso(this.dueAtMs(last));
  }

  private record(now: number, kind: string, req: Partial<OperatorRequest> & Record<string, unknown>, accepted: boolean, note?: string): void {
    this.pushAction({ at: iso(now), kind, by: typeof req.by === 'string' && req.by ? req.by : 'operator', reason: typeof req.reason === 'string' ? req.reason : '', accepted, ...(note ? { note } : {}) });
  }

  private noteOnce(now: number, note: string): void {
    const last = this.status.operatorActions[this.status.operatorActions.length - 1];
    if (last?.note === note) return;
    this.pushAction({ at: iso(now), kind: 'automation', by: 'wavewatch', reason: '', accepted: false, note });
  }

  /** The newest actions are kept (they go into every checkpoint's files and across runs); older ones are counted. */
  private pushAction(a: WaveStatus['operatorActions'][number]): void {
    const all = [...this.status.operatorActions, a];
    const drop = all.length - MAX_OPERATOR_ACTIONS;
    if (drop > 0) this.status.operatorActionsDropped = (this.status.operatorActionsDropped ?? 0) + drop;
    this.status.operatorActions = drop > 0 ? all.slice(drop) : all;
  }
}

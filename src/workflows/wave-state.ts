// The wave's state and every change to it, as a plain class (the samples-typescript pattern): the
// workflow function drives time and activities and tells this class what happened, by methods named
// for it (tickDone, checkpointDone, extend…); nothing else writes the state. It composes two parts
// that own their share: `rollback` (criteria, holds, the procedure: wave-rollback.ts) and `alerts`
// (wave-alerts.ts). Deterministic: times come from the workflow clock passed in, never from I/O.
import type { Plan } from '../plan/schema';
import { parseDuration } from '../plan/duration';
import type { RuleResult } from '../judge/rules';
import type { StepResult } from '../judge/alerts';
import { applyWaivers, unjudgedCheckpoint, validateWaiver } from '../judge/verdict';
import type { CheckpointResult, JudgeWaveResult, TickResult } from '../activities/types';
import type { AcknowledgeRequest, ExtendRequest, OperatorRequest, WaiveRequest } from './messages';
import { MAX_EXTEND_MS } from './bounds';
import { requestProblem } from './requests';
import { recordAction, requester } from './operator-log';
import { WaveAlerts, type AlertsHost } from './wave-alerts';
import { WaveRollback, type RollbackHost } from './wave-rollback';
import { firstStatus, iso, scaledMs, type Carried, type MailJob, type WaveInput } from './wave-input';
import type { WaveStatus } from '../model/status';

// Where the CLI and the client have always found the input type.
export type { Carried, MailJob, WaveInput } from './wave-input';
export type SignalKind = 'abort' | 'pause' | 'resume' | 'requestRollback';

export class WaveState implements RollbackHost, AlertsHost {
  readonly plan: Plan;
  readonly input: WaveInput;
  readonly status: WaveStatus;
  extendMs = 0;
  nextTickAtMs: number;
  lastTickAtMs: number;
  manualRuns = 0;
  /** A monitor tick's activity is running (tick.ts): a tick the watch asks for now is coalesced into it. */
  tickRunning = false;
  abort: OperatorRequest | null = null;
  /** Collections of the wave, numbered: a retried collection reuses its number. */
  seq = 0;
  /** Rollback criteria, holds and the rollback procedure. */
  readonly rollback: WaveRollback;
  /** The alert state machine and the alert log entries waiting for a write. */
  readonly alerts: WaveAlerts;
  /** Notifications carried from the previous run, to be sent again by this one. */
  carriedMail: MailJob[] = [];
  /** The whole wave's judgement, once every checkpoint ran (for the final report). */
  judgement: JudgeWaveResult | null = null;
  /** Set by every accepted request so the main loop re-evaluates at once instead of sleeping to its next timer. */
  private woken = false;

  constructor(input: WaveInput) {
    this.input = input;
    this.plan = input.plan;
    const c = input.carried;
    this.rollback = new WaveRollback(this, c);
    this.alerts = new WaveAlerts(this, c);
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
    this.carriedMail = c.pendingMail ?? [];
  }

  /** What the next run starts from; `pendingMail` is the mail still being delivered. */
  carry(pendingMail: MailJob[]): Carried {
    const { status, extendMs, nextTickAtMs, manualRuns, lastTickAtMs, abort, seq, alerts, rollback } = this;
    return { pendingMail, pendingAlertLog: alerts.pendingLog, alertLogProblem: alerts.logProblem, status, extendMs, nextTickAtMs, manualRuns, lastTickAtMs, abort, seq, alertState: alerts.state, rollbackFired: rollback.fired, holdNotified: rollback.holdNotified };
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

  // ── the main loop's bookkeeping ─────────────────────────────────────────────────────────────

  /** A turn of the main loop begins: requests from now on wake it again. */
  beginTurn(): void {
    this.woken = false;
  }

  /** A request was accepted: the main loop re-evaluates at once. */
  wakeUp(): void {
    this.woken = true;
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
    if (refused) return recordAction(this.status, now, kind, (req ?? {}) as never, false, refused);
    let note: string | undefined;
    if (kind === 'abort') this.abort = req;
    else if (kind === 'pause') this.status.paused = true;
    else if (kind === 'resume') note = this.resume();
    else if (!this.rollback.request({ kind: 'operator', by: requester(req), reason: req.reason })) note = 'rollback already requested: nothing changes';
    recordAction(this.status, now, kind, req as never, true, note);
    this.wakeUp();
  }

  /** Resuming automation also dismisses a hold that a human may end (not the final one, which needs a decision). */
  private resume(): string | undefined {
    this.status.paused = false;
    if (!this.status.hold || this.status.phase !== 'holding' || this.status.hold.onTimeout === 'no-go') return undefined;
    this.rollback.leaveHold();
    return 'hold dismissed: monitoring continues';
  }

  /** Moves the final checkpoint later by the request's duration (plan time). */
  extend(now: number, req: ExtendRequest): { finalCheckpointDueAt: string } {
    this.extendMs += this.scaled(parseDuration(req.duration)!);
    this.refreshNext();
    recordAction(this.status, now, 'extendWave', req as never, true, `final checkpoint now due ${this.status.endsAt}`);
    this.wakeUp();
    return { finalCheckpointDueAt: this.status.endsAt };
  }

  /** A collection asked for by an operator: its folder, manual-N. */
  manualCollection(now: number, req: OperatorRequest): string {
    this.manualRuns += 1;
    const folder = `manual-${this.manualRuns}`;
    recordAction(this.status, now, 'collectNow', req as never, true, `collection ${folder}`);
    return folder;
  }

  /** A waiver replaces an earlier one of the criterion and applies to the results so far. */
  waiveCriterion(now: number, req: WaiveRequest): { criterion: string; outcomeBefore: string | null } {
    const { criterion, reason } = req;
    this.status.waivers = [...this.status.waivers.filter((w) => w.criterion !== criterion), { criterion, reason, by: requester(req), at: iso(now) }];
    let before: string | null = null;
    for (const cp of this.status.checkpoints) {
      for (const r of cp.criteria) if (r.id === criterion) before = r.outcome;
      cp.criteria = applyWaivers(cp.criteria, this.status.waivers); // the judge's rule, one copy
    }
    recordAction(this.status, now, 'waiveCriterion', req as never, true, `${criterion} waived`);
    this.wakeUp();
    return { criterion, outcomeBefore: before };
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
    const step = this.alerts.step(now, tick.evaluations);
    for (const t of tick.rollback) this.rollback.decide(now, t);
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

  /**
   * The watch saw something begin: the next tick is due now, so the same code decides at once, not
   * an interval later. Asks while a tick runs or is already due are coalesced: counted, never queued.
   */
  tickAsked(now: number): void {
    const watch = this.status.interim.watch;
    if (this.finished || this.tickRunning || this.nextTickAtMs <= now) {
      watch.ticksAskedCoalesced += 1;
      return;
    }
    watch.ticksAsked += 1;
    this.nextTickAtMs = now;
    this.wakeUp();
  }

  /** The watch stopped on its own (disabled in the plan, or failed for good): why, for the status. */
  watchStopped(note: string): void {
    this.status.interim.watch.note = note;
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
    for (const t of result.rollback) this.rollback.decide(now, t);
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
    else if (!this.status.hold) this.rollback.enterHold(now, `primary criteria without a conclusive result: ${j.held.join(', ')} — waive them (waiveCriterion) or roll back`, 'no-go');
    return true;
  }

  finish(verdict: 'GO' | 'NO-GO' | 'ABORTED'): void {
    this.status.verdict = verdict;
    this.status.phase = verdict === 'ABORTED' ? 'aborted' : 'completed';
    this.status.hold = null;
    this.status.nextCheckpoint = null;
  }

  /** The next checkpoint and the wave's end, after a checkpoint ran or the wave was extended. */
  private refreshNext(): void {
    const i = this.nextCheckpointIndex();
    this.status.nextCheckpoint = i === null ? null : { name: this.plan.checkpoints[i].name, dueAt: iso(this.dueAtMs(i)) };
    const last = this.status.checkpoints.length - 1;
    this.status.checkpoints[last].dueAt = iso(this.dueAtMs(last));
    this.status.endsAt = iso(this.dueAtMs(last));
  }
}

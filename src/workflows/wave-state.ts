// The wave's state and the decisions on it, as a plain class (the samples-typescript pattern): the
// workflow function drives time and activities; this class holds what happened and what to do next.
// Deterministic: times come from the workflow clock passed in, never from I/O.
import type { Plan } from '../plan/schema';
import type { RuleResult } from '../judge/rules';
import { applyWaivers } from '../judge/verdict';
import { alertViews, emptyAlertState, stepAlerts, acknowledgeAlert, type AlertEvaluation, type AlertState, type StepResult } from '../judge/alerts';
import type { RollbackTrigger } from '../judge/rollback-decision';
import type { CheckpointResult, TickResult } from '../activities/types';
import type { OperatorRequest } from './messages';
import { MAX_OPERATOR_ACTIONS, MAX_PENDING_ALERT_LOG } from './bounds';
import type { CheckpointVerdict, Policy, RollbackStepStatus, WaveStatus } from '../model/status';

export interface WaveInput {
  plan: Plan;
  waveId: string;
  /** Monitoring start (epoch ms): the end of phase 2. Checkpoints count from it. */
  startAtMs: number;
  /** Divides every schedule duration of the plan (product.md, Semantics). 1 for real waves. */
  timeScale: number;
  policy: Policy;
  /**
   * History events after which the run continues as new (default 2,000, well before Temporal's
   * warnings at 10,240). Lower only to exercise continue-as-new in tests and benchmarks.
   */
  eventsPerRun?: number;
  /** Started beside this running wave of the same plan: its files go under waves/<waveId>/ only (StorePlanInput). */
  besideWave?: string;
  /** Set by continue-as-new: the state so far. */
  carried?: Carried;
}

/** Everything a continued run needs; all of it small and independent of fleet size. */
export interface Carried {
  status: WaveStatus;
  extendMs: number;
  nextTickAtMs: number;
  manualRuns: number;
  lastTickAtMs: number;
  abort: OperatorRequest | null;
  seq: number;
  alertState: AlertState;
  rollbackFired: RuleResult[];
  /** The hold (its `since`) already escalated by email; absent in runs carried before it existed. */
  holdNotified?: string | null;
  /** Notifications not yet delivered when the run continued as new: the next run sends them. */
  pendingMail?: MailJob[];
  /** Alert log entries not yet written (the log was failing) and why. */
  pendingAlertLog?: AlertLogEntry[];
  alertLogProblem?: string | null;
}

type AlertLogEntry = StepResult['entries'][number];

/**
 * One notification to deliver, at least once: `key` names it (its Message-ID follows from the same
 * data, so a repeat is recognisable), `kind` says which activity sends it, `args` its input beyond
 * the wave reference. Small by construction: no fleet data.
 */
export interface MailJob {
  key: string;
  what: string;
  kind: 'checkpoint' | 'incident' | 'hold' | 'final';
  args: Record<string, unknown>;
}

const iso = (ms: number) => new Date(ms).toISOString();

export class WaveState {
  readonly plan: Plan;
  readonly input: WaveInput;
  status: WaveStatus;
  extendMs: number;
  nextTickAtMs: number;
  lastTickAtMs: number;
  manualRuns: number;
  abort: OperatorRequest | null;
  /** Collections of the wave, numbered: a retried collection reuses its number. */
  seq: number;
  alertState: AlertState;
  /** Rollback criteria that fired during the wave, even when the policy or a pause softened them. */
  rollbackFired: RuleResult[];
  /** The `since` of the hold already escalated by email: a hold is escalated once, also across runs. */
  holdNotified: string | null = null;
  /** Set by handlers so the main loop re-evaluates at once instead of sleeping to its next timer. */
  wake = false;
  /** Notifications carried from the previous run, to be sent again by this one. */
  carriedMail: MailJob[] = [];
  /** Alert log entries waiting to be written, oldest first (the log failed; kept for the next write). */
  pendingAlertLog: AlertLogEntry[] = [];
  /** Why the alert log cannot be written, while it cannot: a critical alert and the Web UI say so. */
  alertLogProblem: string | null = null;

  constructor(input: WaveInput) {
    this.input = input;
    this.plan = input.plan;
    const c = input.carried;
    if (c) {
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
      return;
    }
    this.seq = 0;
    this.alertState = emptyAlertState();
    this.rollbackFired = [];
    this.extendMs = 0;
    this.manualRuns = 0;
    this.abort = null;
    this.lastTickAtMs = input.startAtMs;
    this.nextTickAtMs = input.startAtMs + this.scaled(this.plan.monitor.interval);
    this.status = {
      waveId: input.waveId,
      wave: this.plan.wave.name,
      phase: 'monitoring',
      verdict: null,
      paused: false,
      policy: input.policy,
      timeScale: input.timeScale,
      startAt: iso(input.startAtMs),
      endsAt: iso(input.startAtMs + this.scaled(this.plan.wave.duration)),
      nextCheckpoint: null,
      checkpoints: this.plan.checkpoints.map((cp) => ({
        name: cp.name,
        dueAt: iso(input.startAtMs + this.scaled(cp.at)),
        ranAt: null,
        verdict: null,
        criteria: [],
        artifactsDir: null,
      })),
      interim: { ticks: 0, skippedTicks: 0, lastTickAt: null, agentsActive: null, lastTickNote: null, firing: [] },
      alerts: [],
      rollback: { requested: false, trigger: null, executed: false, startedAt: null, finishedAt: null, ok: null, steps: [], verification: null },
      hold: null,
      waivers: [],
      operatorActions: [],
      problems: [],
      artifactsDir: null,
      runs: 1,
    };
    this.refreshNext();
  }

  carry(pendingMail: MailJob[]): Carried {
    return {
      pendingMail,
      pendingAlertLog: this.pendingAlertLog,
      alertLogProblem: this.alertLogProblem,
      status: this.status,
      extendMs: this.extendMs,
      nextTickAtMs: this.nextTickAtMs,
      manualRuns: this.manualRuns,
      lastTickAtMs: this.lastTickAtMs,
      abort: this.abort,
      seq: this.seq,
      alertState: this.alertState,
      rollbackFired: this.rollbackFired,
      holdNotified: this.holdNotified,
    };
  }

  /** A plan duration on the wave's clock. */
  scaled(ms: number): number {
    return Math.max(1, Math.round(ms / this.input.timeScale));
  }

  get finished(): boolean {
    return this.status.phase === 'completed' || this.status.phase === 'aborted';
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

  refreshNext(): void {
    const i = this.nextCheckpointIndex();
    this.status.nextCheckpoint = i === null ? null : { name: this.plan.checkpoints[i].name, dueAt: iso(this.dueAtMs(i)) };
    const last = this.status.checkpoints.length - 1;
    this.status.checkpoints[last].dueAt = iso(this.dueAtMs(last));
    this.status.endsAt = iso(this.dueAtMs(last));
  }

  /** Something that went wrong beside the wave's course (a mail not sent, a report part not rendered). */
  problem(now: number, text: string): void {
    this.status.problems = [...this.status.problems, `${iso(now)} ${text}`].slice(-20);
  }

  record(now: number, kind: string, req: Partial<OperatorRequest> & Record<string, unknown>, accepted: boolean, note?: string): void {
    this.pushAction({
      at: iso(now),
      kind,
      by: typeof req.by === 'string' && req.by ? req.by : 'operator',
      reason: typeof req.reason === 'string' ? req.reason : '',
      accepted,
      ...(note ? { note } : {}),
    });
  }

  /** The newest actions are kept (they go into every checkpoint's files and across runs); older ones are counted. */
  private pushAction(a: WaveStatus['operatorActions'][number]): void {
    const all = [...this.status.operatorActions, a];
    const drop = all.length - MAX_OPERATOR_ACTIONS;
    if (drop > 0) this.status.operatorActionsDropped = (this.status.operatorActionsDropped ?? 0) + drop;
    this.status.operatorActions = drop > 0 ? all.slice(drop) : all;
  }

  /** Alert log entries that could not be written wait here, the newest kept, for the next write. */
  alertLogFailed(entries: AlertLogEntry[], problem: string): void {
    const all = [...this.pendingAlertLog, ...entries];
    this.pendingAlertLog = all.slice(-MAX_PENDING_ALERT_LOG);
    this.alertLogProblem = problem;
  }

  alertLogWritten(): void {
    this.pendingAlertLog = [];
    this.alertLogProblem = null;
  }

  // ── ticks ────────────────────────────────────────────────────────────────────────────────────

  /** Ticks whose time passed while collection ran are skipped and counted, never queued. */
  advanceTick(now: number): void {
    const interval = this.scaled(this.plan.monitor.interval);
    let next = this.nextTickAtMs + interval;
    while (next <= now) {
      next += interval;
      this.status.interim.skippedTicks += 1;
    }
    this.nextTickAtMs = next;
  }

  /** The tick's alert evaluations go through the alert state machine; returns what to log and page. */
  applyTick(now: number, tick: TickResult): StepResult {
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
    const step = this.applyEvaluations(now, tick.evaluations);
    for (const t of tick.rollback) this.decide(now, t);
    return step;
  }

  /** Evaluations through the alert state machine: what to log and page. */
  applyEvaluations(now: number, evaluations: AlertEvaluation[]): StepResult {
    const step = stepAlerts(this.alertState, evaluations, now, this.plan, {
      policy: this.status.policy,
      repeatMs: this.scaled(this.plan.monitor.alertRepeat),
    });
    this.setAlerts(step.state);
    return step;
  }

  setAlerts(state: AlertState): void {
    this.alertState = state;
    this.status.alerts = alertViews(state);
  }

  acknowledge(now: number, req: { alertId: string; by?: string; note?: string }): StepResult & { error?: string } {
    const r = acknowledgeAlert(this.alertState, req, now);
    if (!r.error) this.setAlerts(r.state);
    return r;
  }

  /** A rollback criterion fired: act on it as the plan and the policy say (the judge applied the policy). */
  decide(now: number, t: RollbackTrigger): void {
    if (!this.rollbackFired.some((r) => r.id === t.rule)) this.rollbackFired.push(t.result);
    if (this.status.rollback.requested) return;
    if (t.action === 'observe' || t.action === 'page') return; // recorded in interim.firing and the alerts
    if (this.status.paused) {
      this.noteOnce(now, `automatic ${t.action} for ${t.rule} suppressed: automation paused`);
      return;
    }
    if (t.action === 'rollback') this.requestRollback({ kind: 'criterion', by: 'wavewatch', reason: t.evidence, criterion: t.rule });
    else if (!this.status.hold) this.enterHold(now, t.evidence, this.plan.monitor.onHoldTimeout, t.rule);
  }

  noteOnce(now: number, note: string): void {
    const last = this.status.operatorActions[this.status.operatorActions.length - 1];
    if (last?.note === note) return;
    this.pushAction({ at: iso(now), kind: 'automation', by: 'wavewatch', reason: '', accepted: false, note });
  }

  enterHold(now: number, reason: string, onTimeout: 'rollback' | 'continue' | 'no-go', criterion?: string): void {
    this.status.phase = 'holding';
    this.status.hold = {
      since: iso(now),
      deadline: iso(now + this.scaled(this.plan.monitor.holdTimeout)),
      reason,
      onTimeout,
      ...(criterion ? { criterion } : {}),
    };
  }

  leaveHold(): void {
    this.status.hold = null;
    if (this.status.phase === 'holding') this.status.phase = 'monitoring';
  }

  // ── rollback ─────────────────────────────────────────────────────────────────────────────────

  /** Requests are idempotent: the first one wins, later ones are recorded and change nothing. */
  requestRollback(trigger: NonNullable<WaveStatus['rollback']['trigger']>): boolean {
    if (this.status.rollback.requested) return false;
    this.status.rollback.requested = true;
    this.status.rollback.trigger = trigger;
    this.status.rollback.steps = this.plan.rollback.steps.map((s): RollbackStepStatus => ({ name: s.name, state: 'pending', targets: [] }));
    this.wake = true;
    return true;
  }

  // ── checkpoints and the verdict ──────────────────────────────────────────────────────────────

  applyCheckpoint(index: number, result: CheckpointResult): void {
    const cp = this.status.checkpoints[index];
    cp.ranAt = iso(result.ranAtMs);
    cp.verdict = result.verdict;
    cp.criteria = result.criteria;
    cp.artifactsDir = result.artifactsDir;
    this.status.artifactsDir ??= result.artifactsDir.replace(/\/[^/]+$/, '');
    this.refreshNext();
  }

  waive(now: number, criterion: string, reason: string, by: string): string | null {
    this.status.waivers = this.status.waivers.filter((w) => w.criterion !== criterion);
    this.status.waivers.push({ criterion, reason, by, at: iso(now) });
    let before: string | null = null;
    for (const cp of this.status.checkpoints) {
      for (const r of cp.criteria) if (r.id === criterion) before = r.outcome;
      cp.criteria = applyWaivers(cp.criteria, this.status.waivers); // the judge's rule, one copy
    }
    this.wake = true;
    return before;
  }

  checkpointVerdictLine(): string {
    return this.status.checkpoints
      .map((c) => `${c.name} ${c.verdict ?? (c.ranAt ? '?' : '…')}`)
      .join(' · ');
  }

  finish(now: number, verdict: 'GO' | 'NO-GO' | 'ABORTED'): void {
    this.status.verdict = verdict;
    this.status.phase = verdict === 'ABORTED' ? 'aborted' : 'completed';
    this.status.hold = null;
    this.status.nextCheckpoint = null;
    void now;
  }
}

export type { CheckpointVerdict, Policy };

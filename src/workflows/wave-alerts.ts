// The wave's alerts: the alert state machine's state (judge/alerts.ts moves it), fed with wavewatch's
// own alert log rule, and the alert log entries waiting while the log cannot be written. A plain
// class over the wave's status, composed by WaveState, which owns every change of the wave's state
// (the workflow reaches this part as `w.alerts`). Deterministic; no Temporal API here.
import type { Plan } from '../plan/schema';
import { alertViews, emptyAlertState, stepAlerts, acknowledgeAlert, type AlertEvaluation, type AlertState, type StepResult } from '../judge/alerts';
import { alertLogEvaluation } from '../judge/alert-log-rule';
import { MAX_PENDING_ALERT_LOG } from './bounds';
import type { AcknowledgeRequest } from './messages';
import { recordAction, requester } from './operator-log';
import type { AlertLogEntry, Carried } from './wave-input';
import type { WaveStatus } from '../model/status';

/** What the alerts need of the wave that composes them (WaveState). */
export interface AlertsHost {
  readonly status: WaveStatus;
  readonly plan: Plan;
  scaled(ms: number): number;
  /** Something that went wrong beside the wave's course, recorded in the status. */
  problem(now: number, text: string): void;
}

export class WaveAlerts {
  /** The alert state machine's state; the status shows its views. */
  state: AlertState;
  /** Alert log entries waiting to be written, oldest first (the log failed; kept for the next write). */
  pendingLog: AlertLogEntry[];
  /** Why the alert log cannot be written, while it cannot: a critical alert and the Web UI say so. */
  logProblem: string | null;

  constructor(
    private readonly wave: AlertsHost,
    carried?: Pick<Carried, 'alertState' | 'pendingAlertLog' | 'alertLogProblem'>,
  ) {
    this.state = carried ? carried.alertState : emptyAlertState();
    this.pendingLog = carried?.pendingAlertLog ?? [];
    this.logProblem = carried?.alertLogProblem ?? null;
  }

  /** Evaluations, with wavewatch's own alert log rule, go through the alert state machine: what to log and page. */
  step(now: number, evaluations: AlertEvaluation[]): StepResult {
    const { status, plan } = this.wave;
    const step = stepAlerts(this.state, [...evaluations, ...this.logRule()], now, plan, { policy: status.policy, repeatMs: this.wave.scaled(plan.monitor.alertRepeat) });
    this.set(step.state);
    return step;
  }

  /** The acknowledgeAlert update: the alert acknowledged by a person, recorded; what to log. */
  acknowledged(now: number, req: AcknowledgeRequest): StepResult {
    const r = acknowledgeAlert(this.state, { alertId: req.alertId, by: requester(req), note: req.note }, now);
    if (!r.error) this.set(r.state);
    recordAction(this.wave.status, now, 'acknowledgeAlert', { reason: req.note ?? '', by: req.by }, true, req.alertId);
    return r;
  }

  /** Entries for the next alert log write: those a failed write left waiting first. */
  logBacklog(entries: AlertLogEntry[]): AlertLogEntry[] {
    return [...this.pendingLog, ...entries];
  }

  logWritten(): void {
    this.pendingLog = [];
    this.logProblem = null;
  }

  /**
   * Entries that could not be written wait (the newest kept) for the next write. At the first
   * failure the problem is said at once, not at the next tick (a rollback may end the wave before
   * it): returns the critical alert's own step to log and page, null after that.
   */
  logFailed(now: number, entries: AlertLogEntry[], problem: string): StepResult | null {
    const first = this.logProblem === null;
    this.keep(entries, problem);
    if (!first) return null;
    this.wave.problem(now, problem);
    const own = this.step(now, []);
    this.keep(own.entries, problem);
    return own;
  }

  private keep(entries: AlertLogEntry[], problem: string): void {
    this.pendingLog = [...this.pendingLog, ...entries].slice(-MAX_PENDING_ALERT_LOG);
    this.logProblem = problem;
  }

  private logRule(): AlertEvaluation[] {
    return alertLogEvaluation({ problem: this.logProblem, pending: this.pendingLog.length, alerts: this.wave.status.alerts });
  }

  private set(state: AlertState): void {
    this.state = state;
    this.wave.status.alerts = alertViews(state);
  }
}

// Rollback criteria, holds and the rollback procedure: what a fired criterion does (as the plan and
// the policy say), a hold for a human and its deadline, and the rollback from its request to the
// fleet seen after it. A plain class over the wave's status, composed by WaveState, which owns every
// change of the wave's state (the workflow reaches this part as `w.rollback`). Deterministic: times
// come from the workflow clock passed in; no Temporal API here, so it is tested alone.
import type { Plan } from '../plan/schema';
import type { RuleResult } from '../judge/rules';
import type { RollbackTrigger } from '../judge/rollback-decision';
import type { RollbackStepResult, TickResult } from '../activities/types';
import type { OperatorRequest, RollbackOutcome } from './messages';
import { noteOnce, recordAction, requester } from './operator-log';
import { iso, type Carried } from './wave-input';
import type { HoldStatus, RollbackStepStatus, WaveStatus } from '../model/status';

/** What the rollback needs of the wave that composes it (WaveState). */
export interface RollbackHost {
  readonly status: WaveStatus;
  readonly plan: Plan;
  scaled(ms: number): number;
  /** A rollback was requested: the main loop re-evaluates at once. */
  wakeUp(): void;
  finish(verdict: 'NO-GO'): void;
}

export class WaveRollback {
  /** Rollback criteria that fired during the wave, even when the policy or a pause softened them. */
  readonly fired: RuleResult[];
  /** The `since` of the hold already escalated by email: a hold is escalated once, also across runs. */
  holdNotified: string | null;

  constructor(
    private readonly wave: RollbackHost,
    carried?: Pick<Carried, 'rollbackFired' | 'holdNotified'>,
  ) {
    this.fired = carried ? carried.rollbackFired : [];
    this.holdNotified = carried?.holdNotified ?? null;
  }

  private get status(): WaveStatus {
    return this.wave.status;
  }

  // ── rollback criteria and holds ─────────────────────────────────────────────────────────────

  /** A rollback criterion fired: act on it as the plan and the policy say (the judge applied the policy). */
  decide(now: number, t: RollbackTrigger): void {
    if (!this.fired.some((r) => r.id === t.rule)) this.fired.push(t.result);
    if (this.status.rollback.requested) return;
    if (t.action === 'observe' || t.action === 'page') return; // recorded in interim.firing and the alerts
    if (this.status.paused) return noteOnce(this.status, now, `automatic ${t.action} for ${t.rule} suppressed: automation paused`);
    if (t.action === 'rollback') this.request({ kind: 'criterion', by: 'wavewatch', reason: t.evidence, criterion: t.rule });
    else if (!this.status.hold) this.enterHold(now, t.evidence, this.wave.plan.monitor.onHoldTimeout, t.rule);
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
      recordAction(this.status, now, 'hold-timeout', who, true, `no decision by ${hold.deadline}; no automatic rollback because ${human}: still holding for a human`);
      this.status.hold = { ...hold, deadline: iso(now + this.holdTimeoutMs()) };
      return this.status.hold;
    }
    recordAction(this.status, now, 'hold-timeout', who, true, `no decision by ${hold.deadline}: ${hold.onTimeout}`);
    this.leaveHold();
    if (hold.onTimeout === 'rollback') this.request({ kind: 'criterion', by: 'wavewatch', reason: `hold timed out: ${hold.reason}`, criterion: hold.criterion });
    else if (hold.onTimeout === 'no-go') this.wave.finish('NO-GO');
    return null;
  }

  enterHold(now: number, reason: string, onTimeout: HoldStatus['onTimeout'], criterion?: string): void {
    this.status.phase = 'holding';
    this.status.hold = { since: iso(now), deadline: iso(now + this.holdTimeoutMs()), reason, onTimeout, ...(criterion ? { criterion } : {}) };
  }

  leaveHold(): void {
    this.status.hold = null;
    if (this.status.phase === 'holding') this.status.phase = 'monitoring';
  }

  private holdTimeoutMs(): number {
    return this.wave.scaled(this.wave.plan.monitor.holdTimeout);
  }

  // ── the rollback procedure ──────────────────────────────────────────────────────────────────

  /** Requests are idempotent: the first one wins (true), later ones change nothing. */
  request(trigger: NonNullable<WaveStatus['rollback']['trigger']>): boolean {
    const r = this.status.rollback;
    if (r.requested) return false;
    r.requested = true;
    r.trigger = trigger;
    r.steps = this.wave.plan.rollback.steps.map((s): RollbackStepStatus => ({ name: s.name, state: 'pending', targets: [] }));
    this.wave.wakeUp();
    return true;
  }

  /** The rollback begins (or resumes after the last completed step): the indexes of the steps still to run. */
  started(now: number): number[] {
    const r = this.status.rollback;
    this.status.phase = 'rolling-back';
    r.executed = true;
    r.startedAt ??= iso(now);
    return r.steps.flatMap((s, i) => (s.state === 'done' ? [] : [i]));
  }

  /** A step ran on its targets; false when it failed (the rollback stops there). */
  stepRan(now: number, index: number, result: RollbackStepResult): boolean {
    const step = this.status.rollback.steps[index];
    step.targets = result.targets;
    step.finishedAt = iso(now);
    step.state = result.ok ? 'done' : 'failed';
    return result.ok;
  }

  /** A step whose activity failed after its retries: the rollback stops there. */
  stepFailed(index: number, message: string): void {
    const step = this.status.rollback.steps[index];
    step.state = 'failed';
    step.targets = [{ target: '*', outcome: 'failed', exitCode: null, message }];
  }

  /** The steps are over: the rollback is good when every step is done. */
  stepsOver(): void {
    this.status.rollback.ok = this.status.rollback.steps.every((s) => s.state === 'done');
  }

  /** The fleet after the rollback (a verification collection), or why it could not be seen; the rollback has finished. */
  finished(now: number, after: Pick<TickResult, 'agentsActive' | 'agentsTotal' | 'note'> | { failed: string }): void {
    const r = this.status.rollback;
    r.verification =
      'failed' in after ? `verification collection failed: ${after.failed}` : `after rollback: ${after.agentsActive}/${after.agentsTotal} agent units active${after.note ? `; ${after.note}` : ''}`;
    r.finishedAt = iso(now);
  }

  // ── the rollback update ─────────────────────────────────────────────────────────────────────

  /** An operator's rollback update, recorded: true when this request started the rollback. */
  operatorRequest(now: number, req: OperatorRequest): boolean {
    const started = this.request({ kind: 'operator', by: requester(req), reason: req.reason });
    recordAction(this.status, now, 'rollback', req as never, true, started ? undefined : 'rollback already requested: nothing changes');
    return started;
  }

  /** Its answer comes once the rollback ran, or the wave was aborted before it could. */
  get settled(): boolean {
    return this.status.rollback.finishedAt !== null || this.status.phase === 'aborted';
  }

  outcome(startedByThisRequest: boolean): RollbackOutcome {
    const r = this.status.rollback;
    return {
      executed: r.executed,
      startedByThisRequest,
      ok: r.ok === true,
      steps: r.steps.map((s) => ({ name: s.name, state: s.state })),
      message: r.ok ? 'rolled back' : r.executed ? 'rollback stopped at a failed step' : 'rollback did not run (wave aborted)',
    };
  }
}

// One durable workflow per wave: timers for the checkpoints, a monitor loop between them, operator
// messages, the rollback procedure and the verdict. Orchestration only: every measurement,
// judgement and file is an activity's work.
import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { parseDuration } from '../plan/duration';
import { collectionBudget } from '../collect/budget';
import {
  abortSignal,
  acknowledgeAlertUpdate,
  collectNowUpdate,
  extendWaveUpdate,
  pauseSignal,
  requestRollbackSignal,
  resumeSignal,
  rollbackUpdate,
  statusQuery,
  waiveCriterionUpdate,
  type OperatorRequest,
  type RollbackOutcome,
} from './messages';
import { unjudgedCheckpoint, validateWaiver } from '../judge/verdict';
import { requestProblem } from './requests';
import { MAX_EXTEND_MS } from './bounds';
import { waveInputProblem } from './input-check';
import { SA_CHECKPOINT, SA_PHASE, SA_VERDICT, SA_WAVE_ID } from './search-attributes';
import { WaveState, type MailJob, type WaveInput } from './wave-state';

type Activities = ReturnType<typeof createActivities>;
type AlertsEntries = import('../activities/types').AlertsInput['entries'];
type AlertsNotifications = import('../activities/types').AlertsInput['notifications'];
type WaveRef = import('../activities/types').WaveRef;
export type { WaveInput } from './wave-state';

/** Continue-as-new well before Temporal's warnings (10,240 events): a 24 h wave at 5 min is ~3,200. */
const EVENTS_PER_RUN = 2000;

/** What went wrong in an activity: its own message, not the wrapper's "Activity task failed". */
function failureText(err: unknown): string {
  const e = err as { message?: string; cause?: { message?: string } };
  return e?.cause?.message ?? e?.message ?? String(err);
}

/** wavewatch's own alert rule: the alert log cannot be written. */
export const ALERT_LOG_RULE = 'wavewatch-alert-log';

export async function waveWorkflow(input: WaveInput): Promise<import('../model/status').WaveStatus> {
  // A bad input fails the workflow with one line; thrown later it would fail workflow tasks forever.
  const bad = waveInputProblem(input);
  if (bad) throw ApplicationFailure.nonRetryable(bad, bad.startsWith('invalid plan') ? 'InvalidPlan' : 'InvalidInput');
  const w = new WaveState(input);
  const plan = input.plan;
  const now = () => Date.now();

  // Activity timeouts follow the plan: the sources' worst-case collection (src/collect/budget.ts),
  // plus 30 s to record and judge a tick or the baseline, 5 min to judge, write and render a checkpoint.
  const collectMs = Math.max(collectionBudget(plan, 'baseline'), collectionBudget(plan, 'tick')) + 30_000;
  const checkpointMs = collectionBudget(plan, 'checkpoint') + 5 * 60_000;
  const tickActs = proxyActivities<Activities>({
    startToCloseTimeout: collectMs,
    // Activities heartbeat every 5 s: a worker that died mid-collection is noticed within 20 s.
    heartbeatTimeout: 20_000,
    retry: { maximumAttempts: 2, initialInterval: 1000 },
  });
  const checkpointActs = proxyActivities<Activities>({
    startToCloseTimeout: checkpointMs,
    heartbeatTimeout: 20_000,
    retry: { maximumAttempts: 5, initialInterval: 2000, maximumInterval: 60_000 },
  });
  const rollbackActs = proxyActivities<Activities>({
    startToCloseTimeout: Math.max(...plan.rollback.steps.map((s) => s.timeout)) + collectMs,
    // A step that died with its worker is retried within 20 s, not after its whole timeout.
    heartbeatTimeout: 20_000,
    retry: { maximumAttempts: 5, initialInterval: 2000, maximumInterval: 30_000 },
  });
  // The alert log is written in order, a few tries at a time: a log that cannot be written must not
  // stop the wave deciding. Entries not written wait for the next write (see alertEvents).
  const alertLogActs = proxyActivities<Activities>({
    startToCloseTimeout: 30_000,
    retry: { maximumAttempts: 3, initialInterval: 1000, maximumInterval: 5000 },
  });
  // Storing the plan and the final files must not be lost: retried until it succeeds.
  const finishActs = proxyActivities<Activities>({
    startToCloseTimeout: 5 * 60_000,
    retry: { initialInterval: 2000, maximumInterval: 5 * 60_000 },
  });
  // Mail is retried for a while (a mail server that is down delays mail) but never holds the wave:
  // sends run beside the wave's progress and are given up after an hour of plan time (at least 1 min).
  const mailActs = proxyActivities<Activities>({
    startToCloseTimeout: 60_000,
    scheduleToCloseTimeout: Math.max(60_000, w.scaled(3_600_000)),
    retry: { initialInterval: 1000, maximumInterval: 30_000 },
  });
  // Activities get the plan by reference: stored once per run, first thing (see storePlan).
  const planStored = finishActs.storePlan({ plan, waveId: input.waveId, ...(input.besideWave ? { besideWave: input.besideWave } : {}) });
  const waveRef = async (): Promise<WaveRef> => ({ planRef: await planStored, waveId: input.waveId, startAtMs: input.startAtMs, timeScale: input.timeScale });
  // Notifications are delivered at least once and never hold the wave: each is a job with a key; a
  // job still undelivered when the run continues as new is carried and sent again by the next run.
  const mailing = new Map<string, { job: MailJob; done: Promise<void> }>();
  const mailJob = async (job: MailJob): Promise<unknown> => {
    const ref = await waveRef();
    switch (job.kind) {
      case 'checkpoint':
        return mailActs.notifyCheckpoint({ ...ref, ...(job.args as { checkpoint: string; next: { name: string; dueAt: string } | null }) });
      case 'incident':
        return mailActs.notifyIncident({ ...ref, ...(job.args as Pick<import('../activities/types').AlertsInput, 'entries' | 'notifications' | 'status'>) });
      case 'hold':
        return mailActs.notifyHold({ ...ref, ...(job.args as { hold: NonNullable<typeof w.status.hold> }) });
      case 'final':
        return mailActs.notifyFinal(ref);
    }
  };
  const mail = (job: MailJob) => {
    if (mailing.has(job.key)) return;
    const done = mailJob(job)
      .catch((err: unknown) => w.problem(now(), `${job.what} not sent: ${failureText(err)}`))
      .then(() => void mailing.delete(job.key));
    mailing.set(job.key, { job, done });
  };
  for (const job of w.carriedMail) mail(job);
  /** A hold that began since the last look is escalated by email, once. */
  const escalateHold = () => {
    const hold = w.status.hold;
    if (!hold || hold.since === w.holdNotified) return;
    w.holdNotified = hold.since;
    mail({ key: `hold:${hold.since}:${hold.deadline}`, what: 'hold escalation email', kind: 'hold', args: { hold } });
  };
  /** `seq` is taken before the first await: collections are numbered in the order they are asked for. */
  const collectInput = async (seq: number) => ({ ...(await waveRef()), seq, sinceMs: input.startAtMs, endMs: w.dueAtMs(plan.checkpoints.length - 1), policy: w.status.policy, waivers: w.status.waivers });
  /**
   * Alert events go to the alert log, in order, with those a failed write left waiting; their pages
   * go out beside the wave. A log that cannot be written is recorded and the wave goes on: the
   * entries wait for the next write and the next tick raises a critical alert (alertLogEvaluation).
   */
  const alertEvents = async (step: { entries: AlertsEntries; notifications: AlertsNotifications }) => {
    page(step);
    const entries = [...w.pendingAlertLog, ...step.entries];
    if (!entries.length) return;
    try {
      await alertLogActs.recordAlerts({ ...(await waveRef()), entries, notifications: [], status: { alerts: w.status.alerts } });
      w.alertLogWritten();
    } catch (err) {
      const problem = `alert log ${plan.output.alertLog} cannot be written: ${failureText(err)}`;
      const first = w.alertLogProblem === null;
      w.alertLogFailed(step.entries, problem);
      if (!first) return;
      // Said at once, not at the next tick (a rollback may end the wave before it).
      w.problem(now(), problem);
      const own = w.applyEvaluations(now(), alertLogEvaluation());
      w.alertLogFailed(own.entries, problem);
      page(own);
    }
  };
  const page = (step: { entries: AlertsEntries; notifications: AlertsNotifications }) => {
    if (!step.notifications.length) return;
    const status = { alerts: w.status.alerts };
    mail({ key: `incident:${step.notifications[0].key}`, what: 'incident email', kind: 'incident', args: { entries: step.entries, notifications: step.notifications, status } });
  };
  /** wavewatch's own condition as an alert rule: the critical alert that says the log is failing. */
  const alertLogEvaluation = (): import('../judge/alerts').AlertEvaluation[] => {
    const open = w.status.alerts.some((a) => a.rule === ALERT_LOG_RULE && a.state !== 'resolved');
    if (w.alertLogProblem === null && !open) return [];
    return [{
      rule: ALERT_LOG_RULE,
      scope: 'wavewatch',
      status: w.alertLogProblem === null ? 'clear' : 'firing',
      severity: 'critical',
      title: 'Alert log cannot be written',
      metric: 'wavewatch.alert_log_pending',
      op: '>',
      threshold: 0,
      value: w.pendingAlertLog.length,
      note: w.alertLogProblem ?? 'written again',
    }];
  };

  // ── Web UI ──────────────────────────────────────────────────────────────────────────────────
  const show = () => {
    escalateHold();
    const s = w.status;
    const next = s.nextCheckpoint ? `${s.nextCheckpoint.name} at ${s.nextCheckpoint.dueAt}` : '—';
    const firing = s.alerts.filter((a) => a.state === 'firing').map((a) => `- ${a.severity}: ${a.message}`);
    setCurrentDetails(
      [
        `## ${plan.wave.title} — ${s.phase}${s.verdict ? ` — **${s.verdict}**` : ''}${s.paused ? ' (automation paused)' : ''}`,
        `**Checkpoints:** ${w.checkpointVerdictLine()}`,
        `**Next:** ${next}`,
        `**Agents active (last tick):** ${s.interim.agentsActive ?? 'no data yet'} · ticks ${s.interim.ticks} (skipped ${s.interim.skippedTicks})`,
        s.hold ? `**Holding for a human** until ${s.hold.deadline}: ${s.hold.reason}` : '',
        w.alertLogProblem ? `**ALERT LOG FAILING** (${w.pendingAlertLog.length} entries waiting): ${w.alertLogProblem}` : '',
        s.rollback.requested ? `**Rollback:** ${s.rollback.finishedAt ? (s.rollback.ok ? 'done' : 'FAILED') : 'in progress'} — ${s.rollback.trigger?.reason ?? ''}` : '',
        firing.length ? `**Alerts firing:**\n${firing.join('\n')}` : '',
      ]
        .filter(Boolean)
        .join('\n\n'),
    );
    upsertSearchAttributes([
      { key: SA_WAVE_ID, value: input.waveId },
      { key: SA_PHASE, value: s.phase },
      { key: SA_CHECKPOINT, value: s.checkpoints.filter((c) => c.ranAt).pop()?.name ?? 'none' },
      { key: SA_VERDICT, value: s.verdict ?? 'pending' },
    ]);
  };

  // ── operator messages ───────────────────────────────────────────────────────────────────────
  const terminalProblem = () => (w.finished ? `the wave has ended (${w.status.phase}, verdict ${w.status.verdict})` : null);
  const validate = (kind: string) => (arg: unknown) => {
    const problem = requestProblem(kind, arg) ?? terminalProblem();
    if (problem) throw new Error(problem);
  };
  const by = (req: { by?: string }) => req.by || 'operator';

  const onSignal = (kind: string, act: (req: OperatorRequest) => string | void) => (req: OperatorRequest) => {
    const problem = requestProblem(kind, req) ?? terminalProblem();
    if (problem) {
      // A signal cannot be refused; it is recorded as not accepted, and nothing changes.
      w.record(now(), kind, (req ?? {}) as never, false, problem);
      return;
    }
    const note = act(req);
    w.record(now(), kind, req as never, true, note || undefined);
    w.wake = true;
  };

  setHandler(abortSignal, onSignal('abort', (req) => void (w.abort = req)));
  setHandler(pauseSignal, onSignal('pause', () => void (w.status.paused = true)));
  setHandler(
    resumeSignal,
    onSignal('resume', () => {
      w.status.paused = false;
      if (w.status.hold && w.status.phase === 'holding' && w.status.hold.onTimeout !== 'no-go') {
        w.leaveHold();
        return 'hold dismissed: monitoring continues';
      }
    }),
  );
  setHandler(
    requestRollbackSignal,
    onSignal('requestRollback', (req) =>
      w.requestRollback({ kind: 'operator', by: by(req), reason: req.reason }) ? undefined : 'rollback already requested: nothing changes',
    ),
  );

  setHandler(
    rollbackUpdate,
    async (req): Promise<RollbackOutcome> => {
      const started = w.requestRollback({ kind: 'operator', by: by(req), reason: req.reason });
      w.record(now(), 'rollback', req as never, true, started ? undefined : 'rollback already requested: nothing changes');
      // The main loop runs a requested rollback before anything else and never ends the run with one
      // pending (not even to continue as new), so this returns once it ran or the wave was aborted.
      await condition(() => w.status.rollback.finishedAt !== null || w.status.phase === 'aborted');
      const r = w.status.rollback;
      return {
        executed: r.executed,
        startedByThisRequest: started,
        ok: r.ok === true,
        steps: r.steps.map((s) => ({ name: s.name, state: s.state })),
        message: r.ok ? 'rolled back' : r.executed ? 'rollback stopped at a failed step' : 'rollback did not run (wave aborted)',
      };
    },
    { validator: validate('rollback') },
  );

  setHandler(
    extendWaveUpdate,
    (req) => {
      const ms = parseDuration(req.duration)!;
      w.extendMs += w.scaled(ms);
      w.refreshNext();
      w.record(now(), 'extendWave', req as never, true, `final checkpoint now due ${w.status.endsAt}`);
      w.wake = true;
      return { finalCheckpointDueAt: w.status.endsAt };
    },
    {
      validator: (req) => {
        validate('extendWave')(req);
        if (w.nextCheckpointIndex() === null) throw new Error('the final checkpoint has already run');
        const totalMs = (w.extendMs + w.scaled(parseDuration(req.duration)!)) * input.timeScale;
        if (totalMs > MAX_EXTEND_MS)
          throw new Error(`a wave is extended by at most 7 days in all; this request would make it ${Math.round(totalMs / 3_600_000)} h`);
      },
    },
  );

  setHandler(
    collectNowUpdate,
    async (req) => {
      w.manualRuns += 1;
      const folder = `manual-${w.manualRuns}`;
      w.record(now(), 'collectNow', req as never, true, `collection ${folder}`);
      const next = w.nextCheckpointIndex();
      const result = await checkpointActs.runCheckpoint({
        ...(await collectInput(++w.seq)),
        checkpoint: folder,
        folder,
        criteriaOf: plan.checkpoints[next ?? plan.checkpoints.length - 1].name,
        dueAtMs: now(),
        waivers: w.status.waivers,
        status: { alerts: w.status.alerts, operatorActions: w.status.operatorActions },
        next: w.status.nextCheckpoint,
      });
      return { name: folder, verdict: result.verdict, artifactsDir: result.artifactsDir };
    },
    { validator: validate('collectNow') },
  );

  setHandler(
    waiveCriterionUpdate,
    (req) => {
      const before = w.waive(now(), req.criterion, req.reason, by(req));
      w.record(now(), 'waiveCriterion', req as never, true, `${req.criterion} waived`);
      return { criterion: req.criterion, outcomeBefore: before };
    },
    {
      validator: (req) => {
        validate('waiveCriterion')(req);
        const problem = validateWaiver(plan, req); // the judge's check: criteria and rollback criteria
        if (problem) throw new Error(problem);
      },
    },
  );

  setHandler(
    acknowledgeAlertUpdate,
    async (req) => {
      const r = w.acknowledge(now(), { alertId: req.alertId, by: by(req), note: req.note });
      w.record(now(), 'acknowledgeAlert', { reason: req.note ?? '', by: req.by }, true, req.alertId);
      await alertEvents(r);
      return { alertId: req.alertId, state: 'acknowledged' };
    },
    {
      validator: (req) => {
        validate('acknowledgeAlert')(req);
        const alert = w.status.alerts.find((a) => a.id === req.alertId);
        if (!alert) throw new Error(`unknown alert "${req.alertId}"`);
        if (alert.state === 'resolved') throw new Error(`alert "${req.alertId}" is already resolved`);
      },
    },
  );

  setHandler(statusQuery, () => w.status);

  // ── the procedure ───────────────────────────────────────────────────────────────────────────

  /** Runs once per wave, resumes after the last completed step, and cannot be cancelled halfway. */
  const runRollback = async () => {
    const r = w.status.rollback;
    w.status.phase = 'rolling-back';
    r.executed = true;
    r.startedAt ??= new Date(now()).toISOString();
    show();
    await CancellationScope.nonCancellable(async () => {
      for (let i = 0; i < r.steps.length; i++) {
        if (r.steps[i].state === 'done') continue;
        const step = r.steps[i];
        let result;
        try {
          result = await rollbackActs.runRollbackStep({ ...(await waveRef()), stepIndex: i });
        } catch (err) {
          step.state = 'failed';
          step.targets = [{ target: '*', outcome: 'failed', exitCode: null, message: failureText(err) }];
          break;
        }
        step.targets = result.targets;
        step.finishedAt = new Date(now()).toISOString();
        step.state = result.ok ? 'done' : 'failed';
        if (!result.ok) break;
      }
      r.ok = r.steps.every((s) => s.state === 'done');
      try {
        const after = await tickActs.monitorTick(await collectInput(++w.seq));
        r.verification = `after rollback: ${after.agentsActive}/${after.agentsTotal} agent units active${after.note ? `; ${after.note}` : ''}`;
      } catch (err) {
        r.verification = `verification collection failed: ${failureText(err)}`;
      }
      r.finishedAt = new Date(now()).toISOString();
    });
  };

  const runCheckpoint = async (index: number) => {
    const cp = plan.checkpoints[index];
    try {
      const result = await checkpointActs.runCheckpoint({
        ...(await collectInput(++w.seq)),
        checkpoint: cp.name,
        folder: cp.name,
        criteriaOf: cp.name,
        dueAtMs: w.dueAtMs(index),
        waivers: w.status.waivers,
        status: { alerts: w.status.alerts, operatorActions: w.status.operatorActions },
        next: index + 1 < plan.checkpoints.length ? { name: plan.checkpoints[index + 1].name, dueAt: new Date(w.dueAtMs(index + 1)).toISOString() } : null,
      });
      w.applyCheckpoint(index, result);
      for (const t of result.rollback) w.decide(now(), t);
      const next = w.status.nextCheckpoint;
      mail({ key: `checkpoint:${cp.name}`, what: `${cp.name} checkpoint email`, kind: 'checkpoint', args: { checkpoint: cp.name, next } });
    } catch (err) {
      // Missing data is a gap, recorded as such (spec, Troubleshooting), never invented: the judge
      // records the checkpoint's criteria as errors (a WARNING), as it does any missing data.
      const c = w.status.checkpoints[index];
      const j = unjudgedCheckpoint(plan, cp.name, `collection failed after retries: ${failureText(err)}`, w.status.waivers);
      c.ranAt = new Date(now()).toISOString();
      c.verdict = j.verdict;
      c.criteria = j.criteria;
      c.note = `collection failed after retries: ${failureText(err)}`;
      w.refreshNext();
    }
  };

  const runTick = async () => {
    try {
      const tick = await tickActs.monitorTick(await collectInput(++w.seq));
      await alertEvents(w.applyTick(now(), { ...tick, evaluations: [...tick.evaluations, ...alertLogEvaluation()] }));
    } catch (err) {
      w.status.interim.lastTickNote = `tick failed: ${failureText(err)}`;
    }
    w.advanceTick(now());
  };

  /** GO / NO-GO from the whole wave's data; undecided primaries hold for a human. */
  let judgement: import('../activities/types').JudgeWaveResult | null = null;
  const judgeWave = async () => {
    judgement = await checkpointActs.judgeWave({
      ...(await waveRef()),
      seq: w.seq,
      endMs: w.dueAtMs(plan.checkpoints.length - 1),
      waivers: w.status.waivers,
      checkpoints: w.status.checkpoints.filter((c) => c.ranAt).map((c) => ({ checkpoint: c.name, criteria: c.criteria })),
      rolledBack: w.status.rollback.executed,
      rollbackFired: w.rollbackFired,
    });
    return judgement;
  };

  // ── main loop ───────────────────────────────────────────────────────────────────────────────
  show();
  // storePlan validates the plan: an invalid one (InvalidPlan, not retried) fails the wave here, before
  // anything is collected, instead of every collection failing on its own until the end.
  await planStored;
  if (!input.carried) {
    // T+0: the wave's own baseline for degradation, taken when monitoring starts.
    try {
      await tickActs.collectBaseline(await collectInput(++w.seq));
    } catch (err) {
      w.status.interim.lastTickNote = `T+0 baseline not collected: ${failureText(err)}`;
    }
  }
  while (!w.finished) {
    w.wake = false;
    if (w.abort) {
      w.finish(now(), 'ABORTED');
      break;
    }
    if (w.status.rollback.requested && !w.status.rollback.finishedAt) {
      await runRollback();
      w.finish(now(), 'NO-GO');
      break;
    }
    const t = now();
    if (w.status.hold && t >= Date.parse(w.status.hold.deadline)) {
      const hold = w.status.hold;
      // A rollback needs a human while automation is paused (someone is looking) or the policy is
      // `hold` (a human decides every rollback): the hold stays, is escalated again, and waits.
      const human = w.status.paused ? 'automation is paused' : w.status.policy === 'hold' ? 'the policy is hold' : null;
      if (hold.onTimeout === 'rollback' && human) {
        w.record(t, 'hold-timeout', { reason: hold.reason, by: 'wavewatch' }, true, `no decision by ${hold.deadline}; no automatic rollback because ${human}: still holding for a human`);
        w.status.hold = { ...hold, deadline: new Date(t + w.scaled(plan.monitor.holdTimeout)).toISOString() };
        mail({ key: `hold:${hold.since}:${w.status.hold.deadline}`, what: 'hold escalation email', kind: 'hold', args: { hold: w.status.hold } });
        show();
        continue;
      }
      w.record(t, 'hold-timeout', { reason: hold.reason, by: 'wavewatch' }, true, `no decision by ${hold.deadline}: ${hold.onTimeout}`);
      w.leaveHold();
      if (hold.onTimeout === 'rollback') w.requestRollback({ kind: 'criterion', by: 'wavewatch', reason: `hold timed out: ${hold.reason}`, criterion: hold.criterion });
      else if (hold.onTimeout === 'no-go') w.finish(t, 'NO-GO');
      show();
      continue;
    }
    const cpIndex = w.nextCheckpointIndex();
    if (cpIndex === null) {
      // Every checkpoint ran: the verdict, or a hold for a human while primaries are inconclusive.
      const j = await judgeWave();
      if (w.abort || w.status.rollback.requested) continue; // a request that came while judging goes first
      if (j.decision !== 'held-for-human') w.finish(now(), j.decision);
      else if (!w.status.hold)
        w.enterHold(now(), `primary criteria without a conclusive result: ${j.held.join(', ')} — waive them (waiveCriterion) or roll back`, 'no-go');
      show();
      if (w.finished) break;
      await condition(() => w.wake, Date.parse(w.status.hold!.deadline) - t, { summary: 'holding for a human decision' });
      continue;
    }
    // Whatever is due longest runs first, so that checkpoints due back to back at a high time scale
    // never starve the monitor (and a late tick never delays a checkpoint that was due before it).
    if (t >= w.dueAtMs(cpIndex) && !(t >= w.nextTickAtMs && w.nextTickAtMs < w.dueAtMs(cpIndex))) {
      await runCheckpoint(cpIndex);
      show();
      continue;
    }
    if (t >= w.nextTickAtMs) {
      await runTick();
      show();
      const info = workflowInfo();
      if (info.continueAsNewSuggested || info.historyLength > (input.eventsPerRun ?? EVENTS_PER_RUN)) {
        // Handlers must finish before the run ends; a request that arrives meanwhile (a rollback
        // waits for its outcome) wakes the loop, which serves it first and continues as new later.
        // Undelivered mail does not wait: it is carried to the next run.
        // (`wake` is set by every request since this turn of the loop began, this tick's included.)
        await condition(() => allHandlersFinished() || w.wake);
        if (!w.wake) await continueAsNew<typeof waveWorkflow>({ ...input, carried: w.carry([...mailing.values()].map((m) => m.job)) });
      }
      continue;
    }
    const wakeAt = Math.min(w.dueAtMs(cpIndex), w.nextTickAtMs, w.status.hold ? Date.parse(w.status.hold.deadline) : Infinity);
    const label = wakeAt === w.dueAtMs(cpIndex) ? `${plan.checkpoints[cpIndex].name} checkpoint` : 'next monitor tick';
    await condition(() => w.wake, Math.max(1, wakeAt - t), { summary: label });
  }

  show();
  const ref = await waveRef();
  const finished = await finishActs.finishWave({ ...ref, status: w.status, judgement });
  for (const p of finished.problems) w.problem(now(), `report: ${p}`);
  mail({ key: 'final', what: 'final email', kind: 'final', args: {} });
  // The wave is decided: its last mail is awaited (each send gives up after an hour of plan time).
  await Promise.all([...mailing.values()].map((m) => m.done));
  await condition(allHandlersFinished);
  return w.status;
}


// Activities: thin Temporal wrappers (heartbeats, cancellation, retries, summaries) over the
// collectors, the judge, the artifact writers and the notifiers, which know nothing of Temporal.
// Built once per worker around long-lived clients (SSH pools, the mail transport, the store).
import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { ArtifactStore } from '../artifacts/store';
import { ObservationLog, type LogEntry } from '../artifacts/observation-log';
import { claimLayout, layoutPlan, waveDir } from '../artifacts/wave-folders';
import { appendAlertLog } from '../artifacts/alertlog';
import { readCheckpoint } from '../artifacts/checkpoint';
import { readWaveRecord } from '../artifacts/wave';
import { collectionOfCheckpoint } from '../artifacts/layout';
import { writeCheckpoint, writeFinalReports, writeHourlyTrend } from './write-reports';
import { collectWave, EMPTY_CARRY, type CollectionKind } from '../collect/wave-collection';
import { sourcesFor } from '../collect/sources';
import { CONTROL_SCOPE, measure, measureAll, TEST_SCOPE, tickMetrics, type JudgeContext } from '../judge/measurements';
import { evaluateAlerts } from '../judge/alert-evaluation';
import { decideRollback } from '../judge/rollback-decision';
import { checkpointVerdictReason, judgeCheckpoint, judgeWave } from '../judge/verdict';
import { analyseCheckpoint } from '../judge/checkpoint-analysis';
import { judgeHeadline } from '../judge/headline';
import { compareTestVsControl } from '../judge/comparison';
import { evaluateRule } from '../judge/rules';
import { toObservation, unitCounters, toCheckpointRecord, toMonitorSample, toWaveRecord, toControlComparison, toFindings, toHeadline, alertRecordsOf, alertLogEntryOf, operatorActionsOf } from '../observe';
import { checkpointNotification, finalNotification, incidentNotification } from '../notify/notifications';
import { MailSendError, sendNotification } from '../notify/send';
import type { MailTransport } from '../notify/transport';
import { runRollbackStep } from '../remediate/rollback-step';
import type { Plan } from '../plan/schema';
import { parseStoredPlan, PlanError } from '../plan/load';
import type { SshPools } from './ssh-pools';
import { compactList, compactNote, compactText, compactTrigger } from './compact';
import type {
  AlertsInput,
  CheckpointInput,
  CheckpointResult,
  CollectInput,
  FinishInput,
  FinishResult,
  JudgeWaveInput,
  JudgeWaveResult,
  PlanRef,
  RollbackStepInput,
  RollbackStepResult,
  StorePlanInput,
  TickResult,
  WaveRef,
} from './types';
import { instanceKey } from '../model/instance';

export interface ActivityDeps {
  store: ArtifactStore;
  pools: SshPools;
  /** null when no SMTP server is configured: notifications are then recorded as not sent. */
  mail: MailTransport | null;
}

const HOUR = 3_600_000;

/** Keeps the activity alive in the server's eyes while a long collection runs. */
function heartbeats(): { beat: (what?: string) => void; stop: () => void } {
  const ctx = Context.current();
  let last = '';
  const beat = (what?: string) => {
    if (what) last = what;
  };
  const timer = setInterval(() => ctx.heartbeat(last), 3000);
  return { beat, stop: () => clearInterval(timer) };
}

/** Measurement windows follow the time scale but never below what still yields data (product.md). */
function probeRate(plan: Plan, timeScale: number): number {
  const planned = plan.nats.probe.ratePerSecond;
  return Math.min(planned * timeScale, Math.max(planned, 100));
}

export function createActivities(deps: ActivityDeps) {
  const { store, pools } = deps;
  // The wave's own memory, never another wave's (wave-folders.ts).
  const logOf = (plan: Plan, waveId: string) => new ObservationLog(store, waveDir(plan, waveId));
  // Where this wave's checkpoint folders, hourly files, alert log and reports go: the spec's layout
  // if the wave owns it, else the same layout under waves/<waveId>/. Read per activity: a newer wave
  // may have taken the layout since (its start moved this wave's files to waves/<waveId>/).
  const humanPlan = (plan: Plan, input: WaveRef) => layoutPlan(store, plan, input.waveId);
  const judgeCtx = (plan: Plan, input: CollectInput): JudgeContext => ({ plan, startMs: input.startAtMs, endMs: input.endMs });

  // The plan travels by reference (see storePlan): read once per worker and digest, then cached.
  const plans = new Map<string, Plan>();
  async function planOf(ref: WaveRef): Promise<Plan> {
    const { file, digest } = ref.planRef;
    const cached = plans.get(digest);
    if (cached) return cached;
    const text = await store.read(file);
    // Another worker may have written it to a store this one does not share: retryable elsewhere.
    if (text === null) throw new Error(`the wave's plan ${file} is not in this worker's artifact store (workers of one task queue must share it)`);
    if (sha256(text) !== digest) throw ApplicationFailure.nonRetryable(`the wave's plan ${file} has changed since the wave stored it (digest ${digest})`, 'PlanChanged');
    // Checked once per digest and worker (then cached): the store may be shared with other writers.
    const plan = validPlan(JSON.parse(text), file);
    plans.set(digest, plan);
    return plan;
  }

  /** Collects, records the observation under its seq, and returns the wave's history up to it. */
  async function collect(plan: Plan, input: CollectInput, kind: CollectionKind, name: string | null) {
    const ctx = Context.current();
    // Every SSH command and probe listens for cancellation on this one signal.
    setMaxListeners(0, ctx.cancellationSignal);
    const hb = heartbeats();
    try {
      const log = logOf(plan, input.waveId);
      const prev = await log.before(input.seq);
      const { collection, carry } = await collectWave(plan, {
        kind,
        name,
        seq: input.seq,
        sources: sourcesFor(plan, { ssh: pools }),
        carry: prev?.carry ?? EMPTY_CARRY,
        sinceMs: prev ? prev.observation.at : input.sinceMs,
        samplingWindowMs: plan.nats.sampling.window / input.timeScale,
        probeRatePerSecond: probeRate(plan, input.timeScale),
        attempt: ctx.info.attempt,
        signal: ctx.cancellationSignal,
        onProgress: hb.beat,
      });
      const entry: LogEntry = {
        seq: input.seq,
        observation: toObservation(plan, collection, prev?.cpu ?? null),
        carry,
        cpu: unitCounters(collection),
        sample: kind === 'baseline' ? null : toMonitorSample(plan, collection, prev?.cpu ?? null),
      };
      await log.append(entry);
      const entries = await log.entries(input.seq);
      if (kind !== 'baseline') await writeHours(await humanPlan(plan, input), input, entries, prev?.observation.at ?? null, collection.finishedAt);
      return { collection, entries, history: entries.map((e) => e.observation), prev };
    } finally {
      hb.stop();
    }
  }

  /** The hourly trend files of plan hours completed since the previous collection. */
  async function writeHours(plan: Plan, input: CollectInput, entries: LogEntry[], prevAt: number | null, at: number) {
    const hourOf = (t: number) => Math.floor(((t - input.startAtMs) * input.timeScale) / HOUR);
    const planHourMs = HOUR / input.timeScale;
    const from = prevAt === null ? 0 : hourOf(prevAt);
    // Every plan hour gets its file, also hours whose ticks were skipped (the file then says so).
    for (let h = from + 1; h <= hourOf(at); h++) {
      const start = input.startAtMs + (h - 1) * planHourMs;
      const end = start + planHourMs;
      const samples = entries.map((e) => e.sample).filter((s): s is NonNullable<typeof s> => !!s && Date.parse(s.at) >= start && Date.parse(s.at) < end);
      await writeHourlyTrend(store, plan, { waveId: input.waveId, hour: h, timeScale: input.timeScale, from: new Date(start).toISOString(), to: new Date(end).toISOString(), samples });
    }
  }

  return {
    /**
     * Stores the plan in the artifact store, named by its digest, once per run: every other activity
     * gets this reference instead of the plan (at 300 hosts the plan is ~30 KB, and it would enter the
     * history with each of a wave's hundreds of activities).
     */
    async storePlan(input: StorePlanInput): Promise<PlanRef> {
      // The wave's first activity: whoever started the workflow, its plan meets the plan file's rules
      // before anything is stored, collected or run (an InvalidPlan failure ends the wave).
      const plan = validPlan(input.plan, 'the plan the workflow carries');
      const text = JSON.stringify(plan);
      const digest = sha256(text);
      let own: string;
      try {
        own = waveDir(plan, input.waveId);
      } catch (err) {
        throw ApplicationFailure.nonRetryable((err as Error).message, 'InvalidWaveId'); // no retry makes it a folder name
      }
      const file = `${own}/plans/${digest.slice(0, 16)}.json`;
      // A wave's first run (its folder has no plan yet; a run continuing as new finds it) takes the
      // spec's layout from the previous wave of the plan, unless it was started beside a running one.
      // Before the plan is written: a retry after a crash in between claims again, which is a no-op.
      if (!input.besideWave && (await store.list(`${own}/plans`)).length === 0) await claimLayout(store, plan, input.waveId);
      if ((await store.read(file)) !== text) await store.write(file, text);
      plans.set(digest, plan);
      return { file, digest };
    },

    /** T+0: probes before anything else, the wave's own baseline for degradation. */
    async collectBaseline(input: CollectInput): Promise<{ at: number; probes: number }> {
      const { collection } = await collect(await planOf(input), input, 'baseline', 'T+0');
      return { at: collection.finishedAt, probes: collection.probes?.underTest.sent ?? 0 };
    },

    /** One monitor tick: status, errors, load and memory, NATS health, a light probe; alert and rollback rules judged. */
    async monitorTick(input: CollectInput): Promise<TickResult> {
      const plan = await planOf(input);
      const { collection, history } = await collect(plan, input, 'tick', null);
      const ctx = judgeCtx(plan, input);
      const only = tickMetrics(plan);
      const test = measure(ctx, history, 'tick', TEST_SCOPE, only);
      const control = measure(ctx, history, 'tick', CONTROL_SCOPE, only);
      const evaluations = evaluateAlerts(plan, { test, control });
      const rollback = decideRollback(plan, { tick: test }, input.policy, { waivers: input.waivers });
      const agents = collection.hosts?.agents ?? [];
      const under = agents.filter((a) => a.role === 'test');
      const problems = agents
        .filter((a) => a.state !== 'active')
        .map((a) => ({ host: a.host, agent: a.agent, role: a.role, state: a.state, ...(a.error ? { error: a.error } : {}) }));
      const natsReachable = collection.health ? collection.health.reachable : null;
      const notes = [
        ...problems.map((p) => `${instanceKey(p.host, p.agent)} ${p.state}${p.error ? ` (${p.error})` : ''}`),
        ...(natsReachable === false ? ['NATS unreachable'] : []),
        // readings a rollback criterion does not count (e.g. probe loss on test and control alike)
        ...rollback.warnings,
      ];
      const listed = compactList(problems);
      return {
        at: collection.finishedAt,
        durationMs: collection.finishedAt - collection.startedAt,
        agentsTotal: under.length,
        agentsActive: under.filter((a) => a.state === 'active').length,
        hostsUnreachable: collection.hosts?.unreachable.map((u) => u.host) ?? [],
        natsReachable,
        problems: listed.items,
        problemsOmitted: listed.omitted,
        evaluations: evaluations.map(compactNote),
        rollback: rollback.triggers.map(compactTrigger),
        note: notes.length ? compactText(notes.join('; ')) : null,
      };
    },

    /** A checkpoint: collect everything, judge its criteria, write the spec's files under output.dir/<folder>/. */
    async runCheckpoint(input: CheckpointInput): Promise<CheckpointResult> {
      const plan = await planOf(input);
      const { collection, entries, history, prev } = await collect(plan, input, 'checkpoint', input.folder);
      const ctx = judgeCtx(plan, input);
      const all = measureAll(ctx, history);
      const judged = judgeCheckpoint(plan, input.criteriaOf, all.test, input.waivers);
      const decision = decideRollback(plan, all.test, input.policy, { waivers: input.waivers });
      const canary = compareTestVsControl(plan, history, input.startAtMs, 'checkpoint');
      const analysis = analyseCheckpoint(ctx, history);
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
        },
      );
      const samples = entries.map((e) => e.sample).filter((s): s is NonNullable<typeof s> => !!s);
      const written = await writeCheckpoint(store, await humanPlan(plan, input), record, { samples, monitoringStart: new Date(input.startAtMs).toISOString(), timeScale: input.timeScale });
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
      if (!deps.mail) return 'email not configured (WAVEWATCH_SMTP_HOST unset)';
      const plan = await humanPlan(await planOf(input), input);
      const record = await readCheckpoint(store, plan, input.checkpoint);
      if (!record) throw ApplicationFailure.nonRetryable(`no stored record for checkpoint ${input.checkpoint}`);
      return send(plan, checkpointNotification(plan, record, input.next));
    },

    /** Alert events into the alert log (always), then their emails. */
    async recordAlerts(input: AlertsInput): Promise<number> {
      const plan = await humanPlan(await planOf(input), input);
      const records = alertRecordsOf(input.status.alerts, plan);
      const wave = { wave: plan.wave.name, waveId: input.waveId };
      for (const e of input.entries)
        await appendAlertLog(store, plan, alertLogEntryOf(e, wave, records.find((a) => a.id === e.alertId)));
      return input.entries.length;
    },

    async notifyIncident(input: AlertsInput): Promise<string[]> {
      if (!deps.mail) return ['email not configured (WAVEWATCH_SMTP_HOST unset)'];
      const plan = await humanPlan(await planOf(input), input);
      const records = alertRecordsOf(input.status.alerts, plan);
      const out: string[] = [];
      for (const n of input.notifications) {
        const alert = records.find((a) => a.id === n.alertId);
        if (!alert) continue;
        out.push(await send(plan, incidentNotification(input.waveId, { ...alert, message: n.message }, n.kind, new Date(n.at).toISOString())));
      }
      return out;
    },

    /** A hold waits for a human: page the incident recipients once when it begins (the escalation). */
    async notifyHold(input: WaveRef & { hold: NonNullable<FinishInput['status']['hold']> }): Promise<string> {
      if (!deps.mail) return 'email not configured (WAVEWATCH_SMTP_HOST unset)';
      const h = input.hold;
      const alert = {
        id: `hold:${h.criterion ?? 'verdict'}:${h.since}`,
        rule: h.criterion ?? 'final-verdict',
        title: 'Held for a human decision',
        severity: 'critical' as const,
        scope: 'wave',
        state: 'firing' as const,
        firstFiredAt: h.since,
        lastFiredAt: h.since,
        resolvedAt: null,
        acknowledgedAt: null,
        acknowledgedBy: null,
        escalated: true,
        message: h.reason,
        value: null,
        threshold: null,
        actionTaken: `Holding until ${h.deadline}, then ${h.onTimeout}; decide with: wavewatch rollback|resume|waive ${input.waveId}`,
      };
      return send(await humanPlan(await planOf(input), input), incidentNotification(input.waveId, alert, 'escalated', h.since));
    },

    /** GO / NO-GO / held for a human, from the whole wave's data. */
    async judgeWave(input: JudgeWaveInput): Promise<JudgeWaveResult> {
      const plan = await planOf(input);
      const history = (await logOf(plan, input.waveId).entries(input.seq)).map((e) => e.observation);
      const final = measureAll({ plan, startMs: input.startAtMs, endMs: input.endMs }, history).test;
      const v = judgeWave({ plan, checkpoints: input.checkpoints, final, waivers: input.waivers, rolledBack: input.rolledBack, rollbackFired: input.rollbackFired });
      const byId = new Map(v.primaries.map((p) => [p.id, p.deciding]));
      const criteria = plan.criteria.map((c) => {
        const r = byId.get(c.id) ?? (final[c.window] ? evaluateRule(c, final[c.window]!) : evaluateRule(c, {}));
        return { ...r, primary: c.primary };
      });
      return { decision: v.decision, reasons: v.reasons.map((r) => compactText(r)), held: v.held, criteria: criteria.map(compactNote) };
    },

    async runRollbackStep(input: RollbackStepInput): Promise<RollbackStepResult> {
      const plan = await planOf(input);
      const step = plan.rollback.steps[input.stepIndex];
      const hb = heartbeats();
      try {
        const result = await runRollbackStep(pools.forPlan(plan), plan, step);
        return { name: step.name, ...result };
      } finally {
        hb.stop();
      }
    },

    /** The wave's end: wave.json, final_analysis.md and the reports with their charts. */
    async finishWave(input: FinishInput): Promise<FinishResult> {
      const plan = await humanPlan(await planOf(input), input);
      const judgement = input.judgement ?? { criteria: [], reasons: [] };
      const record = toWaveRecord(plan, input.status, { criteria: judgement.criteria, verdictReason: judgement.reasons.join('; ') || verdictText(input.status) }, collectionOfCheckpoint);
      const r = await writeFinalReports(store, plan, record);
      return { files: r.files.map((f) => store.locate(f)), reportPath: store.locate(plan.output.reportDoc), problems: r.problems };
    },

    async notifyFinal(input: WaveRef): Promise<string> {
      if (!deps.mail) return 'email not configured (WAVEWATCH_SMTP_HOST unset)';
      const plan = await humanPlan(await planOf(input), input);
      const wave = await readWaveRecord(store, plan);
      if (!wave) throw ApplicationFailure.nonRetryable('no stored wave record');
      return send(plan, finalNotification(wave));
    },
  };

  async function send(plan: Plan, n: Parameters<typeof sendNotification>[2]): Promise<string> {
    try {
      const r = await sendNotification(deps.mail!, plan, n);
      return r.sent ? `sent ${r.subject} to ${r.accepted.length} recipient(s)` : `not sent: no recipients for ${r.subject}`;
    } catch (err) {
      if (err instanceof MailSendError && !err.retryable) throw ApplicationFailure.nonRetryable(err.message, 'MailRefused');
      throw err;
    }
  }
}

/** The plan checked by the plan schema; a bad one fails the activity for good, naming the fields. */
function validPlan(data: unknown, what: string): Plan {
  try {
    return parseStoredPlan(data, what);
  } catch (err) {
    if (err instanceof PlanError) throw ApplicationFailure.nonRetryable(`invalid plan (${what}): ${err.problems.join('; ')}`, 'InvalidPlan');
    throw err;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function verdictText(s: FinishInput['status']): string {
  if (s.verdict === 'ABORTED') return `aborted by an operator`;
  if (s.rollback.executed) return `rolled back: ${s.rollback.trigger?.reason ?? ''}`;
  return s.verdict ?? '';
}

export type Activities = ReturnType<typeof createActivities>;

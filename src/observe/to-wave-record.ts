// The workflow's status (src/model/status.ts) and the wave's judgement as the WaveRecord
// (wave.json, the decision document, the report, the final email). Rollback steps become one
// record per target; what the status does not say (per-target start times) stays null. Pure.
import type { Plan } from '../plan/schema';
import type { CheckpointRef, RollbackRecord, RollbackStepRecord, TimelineEvent, WaveRecord } from '../artifacts/records/wave';
import type { CriterionResult } from '../artifacts/records/judgement';
import type { CheckpointStatus, RollbackStatus, WaveStatus } from '../model/status';
import { expectedInstances, rollbackTarget } from '../model/instance';
import { alertRecordsOf, operatorActionsOf } from './status-alerts';

export interface WaveJudgement {
  criteria: CriterionResult[];
  verdictReason: string;
  /** When monitoring ended; default for a finished wave: its last recorded event. */
  finishedAt?: string | null;
}

const TERMINAL = new Set(['completed', 'aborted']);

/** The targets a step runs on (plan: per agent under test on every host, or per host), for steps not run yet, named as remediate names them. */
function planTargets(plan: Plan, stepName: string): string[] {
  const step = plan.rollback.steps.find((s) => s.name === stepName);
  if (!step) return [];
  return step.forEach === 'host' ? plan.hosts.map((h) => rollbackTarget(h.name, null)) : expectedInstances(plan, ['test']).map((i) => rollbackTarget(i.host, i.agent));
}

export function rollbackRecordOf(plan: Plan, r: RollbackStatus): RollbackRecord | null {
  if (!r.requested && !r.executed && r.steps.every((s) => s.state === 'pending' && s.targets.length === 0)) return null;
  const steps: RollbackStepRecord[] = [];
  for (const s of r.steps) {
    if (s.targets.length === 0) {
      const targets = planTargets(plan, s.name);
      for (const target of targets.length ? targets : ['(all)'])
        steps.push({
          name: s.name,
          target,
          state: s.state === 'failed' ? 'failed' : s.state === 'done' ? 'done' : 'pending',
          startedAt: null,
          finishedAt: s.finishedAt ?? null,
          ...(s.state === 'done' ? { detail: 'no target recorded' } : {}),
        });
      continue;
    }
    for (const t of s.targets) {
      const detail = [t.exitCode !== null ? `exit ${t.exitCode}` : '', t.message ?? ''].filter(Boolean).join(': ');
      steps.push({
        name: s.name,
        target: t.target,
        state: t.outcome,
        startedAt: null,
        finishedAt: s.finishedAt ?? null,
        ...(detail ? { detail } : {}),
      });
    }
  }
  const trigger = r.trigger ? (r.trigger.kind === 'criterion' ? (r.trigger.criterion ?? 'criterion') : 'operator') : 'unknown';
  return {
    executed: r.executed,
    trigger,
    reason: r.trigger ? `${r.trigger.reason}${r.trigger.kind === 'operator' && r.trigger.by ? ` (by ${r.trigger.by})` : ''}` : '',
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    steps,
  };
}

/**
 * Which collection of a checkpoint its files are (0, or n for the n-th re-collection). The files'
 * layout knows (artifacts/layout.ts `collectionOfCheckpoint`); observe sits below the files and is
 * told, rather than reading folder names itself.
 */
export type CollectionOf = (checkpoint: Pick<CheckpointStatus, 'name' | 'artifactsDir'>) => number;

export function checkpointRefsOf(status: WaveStatus, collectionOf: CollectionOf): CheckpointRef[] {
  const terminal = TERMINAL.has(status.phase);
  return status.checkpoints.map((c) => {
    const gap = c.ranAt === null && terminal ? `not collected: ${c.note ?? (status.phase === 'aborted' ? 'wave aborted' : 'wave ended before it was due')}` : undefined;
    return {
      name: c.name,
      collection: collectionOf(c),
      dueAt: c.dueAt,
      finishedAt: c.ranAt,
      verdict: c.verdict,
      ...(gap ? { gap } : {}),
    };
  });
}

export function timelineOf(plan: Plan, status: WaveStatus, rollback: RollbackRecord | null, verdict: { at: string | null; text: string } | null): TimelineEvent[] {
  const ev: TimelineEvent[] = [{ at: status.startAt, kind: 'start', text: `monitoring started (${plan.wave.title}, time scale ${status.timeScale}, policy ${status.policy})` }];
  for (const c of status.checkpoints) {
    if (c.ranAt) ev.push({ at: c.ranAt, kind: 'checkpoint', text: `${c.name}: ${c.verdict ?? 'no verdict'}${c.note ? ` (${c.note})` : ''}` });
    else if (TERMINAL.has(status.phase) && c.dueAt <= (verdict?.at ?? c.dueAt)) ev.push({ at: c.dueAt, kind: 'gap', text: `${c.name} not collected${c.note ? `: ${c.note}` : ''}` });
  }
  for (const a of status.alerts) {
    ev.push({ at: a.firstFiredAt, kind: 'alert', text: `alert ${a.severity}: ${a.rule} (${a.scope}) — ${a.message}` });
    if (a.resolvedAt) ev.push({ at: a.resolvedAt, kind: 'alert', text: `resolved: ${a.rule} (${a.scope})` });
  }
  for (const o of status.operatorActions)
    ev.push({ at: o.at, kind: 'operator', text: `${o.kind} by ${o.by || 'unknown'}${o.reason ? `: ${o.reason}` : ''}${o.accepted ? '' : ` — not accepted${o.note ? `: ${o.note}` : ''}`}` });
  if (status.hold) ev.push({ at: status.hold.since, kind: 'hold', text: `holding for a human until ${status.hold.deadline}: ${status.hold.reason} (on timeout: ${status.hold.onTimeout})` });
  if (rollback?.startedAt) ev.push({ at: rollback.startedAt, kind: 'rollback', text: `rollback started (${rollback.trigger}): ${rollback.reason}` });
  for (const s of status.rollback.steps)
    if (s.finishedAt) ev.push({ at: s.finishedAt, kind: 'rollback', text: `rollback step ${s.name} ${s.state} (${s.targets.map((t) => `${t.target} ${t.outcome}`).join(', ') || 'no targets'})` });
  if (rollback?.finishedAt) ev.push({ at: rollback.finishedAt, kind: 'rollback', text: `rollback finished${status.rollback.ok === false ? ' with failures' : ''}${status.rollback.verification ? `: ${status.rollback.verification}` : ''}` });
  if (verdict?.at) ev.push({ at: verdict.at, kind: 'verdict', text: verdict.text });
  return ev.sort((a, b) => a.at.localeCompare(b.at) || a.kind.localeCompare(b.kind) || a.text.localeCompare(b.text));
}

/** The last event time the status knows of (for a finished wave without an explicit end time). */
function lastEvent(status: WaveStatus): string | null {
  const times = [
    ...status.checkpoints.map((c) => c.ranAt),
    ...status.alerts.flatMap((a) => [a.lastFiredAt, a.resolvedAt ?? null]),
    ...status.operatorActions.map((o) => o.at),
    status.rollback.finishedAt,
    status.rollback.startedAt,
    status.interim.lastTickAt,
  ].filter((t): t is string => typeof t === 'string');
  return times.length ? times.sort()[times.length - 1] : null;
}

export function toWaveRecord(plan: Plan, status: WaveStatus, judgement: WaveJudgement, collectionOf: CollectionOf): WaveRecord {
  const rollback = rollbackRecordOf(plan, status.rollback);
  const terminal = TERMINAL.has(status.phase);
  const finishedAt = judgement.finishedAt !== undefined ? judgement.finishedAt : terminal ? lastEvent(status) : null;
  const verdictReason = judgement.verdictReason;
  return {
    wave: plan.wave.name,
    waveId: status.waveId,
    title: plan.wave.title,
    monitoringStart: status.startAt,
    plannedEnd: status.endsAt,
    finishedAt,
    timeScale: status.timeScale,
    phase: status.phase,
    verdict: status.verdict,
    verdictReason,
    criteria: judgement.criteria,
    checkpoints: checkpointRefsOf(status, collectionOf),
    alerts: alertRecordsOf(status.alerts, plan, { operatorActions: status.operatorActions, rollback: status.rollback, policy: status.policy }),
    operatorActions: operatorActionsOf(status.operatorActions),
    rollback,
    timeline: timelineOf(plan, status, rollback, status.verdict ? { at: finishedAt, text: `verdict ${status.verdict}${verdictReason ? `: ${verdictReason}` : ''}` } : null),
    skippedTicks: status.interim.skippedTicks,
  };
}

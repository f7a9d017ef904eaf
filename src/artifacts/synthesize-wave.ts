// A wave record rebuilt from what is stored (checkpoint folders, the alert log), for documents of a
// wave whose wave.json is not written yet (a running wave) or was lost. Pure.
import type { Plan } from '../plan/schema';
import { alertsFromLog } from './alertlog';
import type { AlertLogEntry, OperatorAction } from './records/alerts';
import type { CheckpointRecord } from './records/checkpoint';
import type { WaveRecord } from './records/wave';

/** A wave record built from what is stored, when the workflow has not written wave.json (yet). */
export function synthesizeWave(plan: Plan, checkpoints: CheckpointRecord[], alertLog: AlertLogEntry[], tb: { monitoringStart?: string; timeScale?: number } = {}): WaveRecord {
  const start = tb.monitoringStart ?? ([...checkpoints.map((c) => c.windowStart)].sort()[0] || checkpoints[0]?.dueAt || new Date(0).toISOString());
  const timeScale = tb.timeScale ?? 1;
  const ops: OperatorAction[] = [];
  for (const c of checkpoints) for (const o of c.operatorActions) if (!ops.some((x) => x.at === o.at && x.kind === o.kind)) ops.push(o);
  const alerts = alertsFromLog(alertLog);
  for (const c of checkpoints) for (const a of c.alerts) if (!alerts.some((x) => x.id === a.id)) alerts.push(a);
  return {
    wave: plan.wave.name,
    waveId: checkpoints[0]?.waveId ?? alertLog[0]?.waveId ?? plan.wave.name,
    title: plan.wave.title,
    monitoringStart: start,
    plannedEnd: new Date(Date.parse(start) + plan.wave.duration / timeScale).toISOString(),
    finishedAt: null,
    timeScale,
    phase: 'monitoring',
    verdict: null,
    verdictReason: 'the wave has no recorded verdict (wave.json missing): interim report from the stored checkpoints',
    criteria: [],
    checkpoints: checkpoints.map((c) => ({ name: c.checkpoint, collection: c.collection, dueAt: c.dueAt, finishedAt: c.finishedAt, verdict: c.verdict })),
    alerts,
    operatorActions: ops.sort((a, b) => a.at.localeCompare(b.at)),
    rollback: null,
    timeline: [],
    skippedTicks: 0,
  };
}

// The wave in Temporal's Web UI: a few lines of current details on the workflow's page, and search
// attributes the list page filters by (search-attributes.ts).
import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { SA_CHECKPOINT, SA_PHASE, SA_VERDICT, SA_WAVE_ID } from './search-attributes';
import type { WaveState } from './wave-state';

/** The details shown on the workflow's page (markdown). */
export function waveDetails(w: WaveState): string {
  const s = w.status;
  const next = s.nextCheckpoint ? `${s.nextCheckpoint.name} at ${s.nextCheckpoint.dueAt}` : '—';
  const firing = s.alerts.filter((a) => a.state === 'firing').map((a) => `- ${a.severity}: ${a.message}`);
  const checkpoints = s.checkpoints.map((c) => `${c.name} ${c.verdict ?? (c.ranAt ? '?' : '…')}`).join(' · ');
  return [
    `## ${w.plan.wave.title} — ${s.phase}${s.verdict ? ` — **${s.verdict}**` : ''}${s.paused ? ' (automation paused)' : ''}`,
    `**Checkpoints:** ${checkpoints}`,
    `**Next:** ${next}`,
    `**Agents active (last tick):** ${s.interim.agentsActive ?? 'no data yet'} · ticks ${s.interim.ticks} (skipped ${s.interim.skippedTicks})`,
    s.hold ? `**Holding for a human** until ${s.hold.deadline}: ${s.hold.reason}` : '',
    s.interim.watch.note ? `**NOT WATCHING between ticks:** ${s.interim.watch.note}` : '',
    w.alerts.logProblem ? `**ALERT LOG FAILING** (${w.alerts.pendingLog.length} entries waiting): ${w.alerts.logProblem}` : '',
    s.rollback.requested ? `**Rollback:** ${s.rollback.finishedAt ? (s.rollback.ok ? 'done' : 'FAILED') : 'in progress'} — ${s.rollback.trigger?.reason ?? ''}` : '',
    firing.length ? `**Alerts firing:**\n${firing.join('\n')}` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
}

export function showWave(w: WaveState): void {
  const s = w.status;
  setCurrentDetails(waveDetails(w));
  upsertSearchAttributes([
    { key: SA_WAVE_ID, value: w.input.waveId },
    { key: SA_PHASE, value: s.phase },
    { key: SA_CHECKPOINT, value: s.checkpoints.filter((c) => c.ranAt).pop()?.name ?? 'none' },
    { key: SA_VERDICT, value: s.verdict ?? 'pending' },
  ]);
}

// The status object as a person reads it in a terminal (`status`, `watch`, the demo).
import { OUTCOME_MARK } from '../report/format';
import type { WaveStatus } from '../model/status';

export function formatStatus(s: WaveStatus): string {
  const lines = [
    `${s.waveId}  phase ${s.phase}  verdict ${s.verdict ?? '(pending)'}${s.paused ? '  [automation paused]' : ''}  policy ${s.policy}${s.timeScale !== 1 ? `  ×${s.timeScale}` : ''}`,
    `started ${s.startAt}  ends ${s.endsAt}  next ${s.nextCheckpoint ? `${s.nextCheckpoint.name} at ${s.nextCheckpoint.dueAt}` : '—'}`,
    `monitor: ${s.interim.ticks} ticks (${s.interim.skippedTicks} skipped), agents active ${s.interim.agentsActive ?? 'no data yet'}${s.interim.lastTickNote ? ` — ${s.interim.lastTickNote}` : ''}`,
    watchLine(s.interim.watch),
  ];
  for (const cp of s.checkpoints) {
    lines.push(`  ${cp.name.padEnd(6)} ${cp.verdict ?? (cp.ranAt ? '?' : 'due ' + cp.dueAt)}${cp.note ? ` — ${cp.note}` : ''}`);
    for (const r of cp.criteria)
      lines.push(`      ${OUTCOME_MARK[r.outcome] ?? r.outcome} ${r.title}: ${r.value ?? 'no data'}${r.note ? ` (${r.note})` : ''}`);
  }
  if (s.hold) lines.push(`HOLDING for a human until ${s.hold.deadline}: ${s.hold.reason} (then ${s.hold.onTimeout})`);
  const alerts = s.alerts.filter((a) => a.state !== 'resolved');
  if (alerts.length) lines.push('alerts:', ...alerts.map((a) => `  [${a.severity}] ${a.state} ${a.id}: ${a.message}`));
  if (s.rollback.requested)
    lines.push(
      `rollback (${s.rollback.trigger?.kind} ${s.rollback.trigger?.by}: ${s.rollback.trigger?.reason}) ${s.rollback.finishedAt ? (s.rollback.ok ? 'done' : 'FAILED') : 'in progress'}`,
      ...s.rollback.steps.map((st) => `  ${st.name}: ${st.state}${st.targets.length ? ` (${st.targets.map((t) => `${t.target} ${t.outcome}`).join(', ')})` : ''}`),
      ...(s.rollback.verification ? [`  ${s.rollback.verification}`] : []),
    );
  if (s.operatorActions.length)
    lines.push('operator actions:', ...s.operatorActions.map((a) => `  ${a.at} ${a.kind} by ${a.by}${a.reason ? `: ${a.reason}` : ''}${a.accepted ? '' : ' (not accepted)'}${a.note ? ` — ${a.note}` : ''}`));
  if (s.artifactsDir) lines.push(`artifacts: ${s.artifactsDir}`);
  return lines.join('\n');
}

/** The continuous watch: the ticks it asked for, or why it is not watching. */
function watchLine(w: WaveStatus['interim']['watch']): string {
  if (w.note) return `watch: NOT WATCHING between ticks — ${w.note}`;
  return `watch: ${w.ticksAsked} tick${w.ticksAsked === 1 ? '' : 's'} asked for${w.ticksAskedCoalesced ? ` (${w.ticksAskedCoalesced} more coalesced)` : ''}`;
}

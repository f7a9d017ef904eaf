// The demo's live progress for people: successive wave statuses turned into the lines worth printing
// (what changed since the last one) and a one-line bar to the next checkpoint, in plan time.
import { formatDuration } from '../../plan/duration';
import { VERDICT_MARK } from '../../report/format';
import type { AlertStatus, WaveStatus } from '../../model/status';

/** Turns successive status objects into lines for people: what changed since the last one, and a progress line. */
export class DemoProgress {
  private phase: string | null = null;
  private checkpoints = new Set<string>();
  private alerts = new Map<string, string>();
  private rollbackShown = { requested: false, started: false, finished: false, steps: new Set<string>() };
  private holdShown: string | null = null;
  private lastHour = -1;

  constructor(private readonly timeScale: number) {}

  /** Plan time since the monitoring start. */
  planMs(s: Pick<WaveStatus, 'startAt'>, nowMs: number): number {
    return Math.max(0, (nowMs - Date.parse(s.startAt)) * this.timeScale);
  }

  /** The lines worth printing for this status (changes since the previous call). */
  changes(s: WaveStatus, nowMs: number): string[] {
    const out: string[] = [];
    const t = (iso: string | null | undefined) => `T+${formatDuration(this.planMs(s, iso ? Date.parse(iso) : nowMs))}`;
    for (const cp of s.checkpoints) {
      if (!cp.verdict || this.checkpoints.has(cp.name)) continue;
      this.checkpoints.add(cp.name);
      const counts = new Map<string, number>();
      for (const r of cp.criteria) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
      const bad = cp.criteria.filter((r) => r.outcome !== 'pass' && r.outcome !== 'waived');
      const summary = [...counts].map(([o, n]) => `${n} ${o}`).join(', ') || 'no criteria';
      out.push(`${VERDICT_MARK[cp.verdict as keyof typeof VERDICT_MARK] ?? '?'} checkpoint ${cp.name}: ${cp.verdict} (${summary})${cp.note ? ` — ${cp.note}` : ''}`);
      for (const r of bad.slice(0, 6)) out.push(`    ${r.outcome.padEnd(12)} ${r.title}: ${r.value ?? 'no data'}${r.note ? ` — ${r.note.slice(0, 140)}` : ''}`);
      if (bad.length > 6) out.push(`    … and ${bad.length - 6} more`);
    }
    for (const a of s.alerts) {
      const prev = this.alerts.get(a.id);
      if (prev === a.state) continue;
      this.alerts.set(a.id, a.state);
      const scope = a.message.includes(`[${a.scope}]`) ? '' : ` [${a.scope}]`;
      if (a.state === 'firing' && prev === undefined) out.push(`${alertMark(a)} ${t(a.firstFiredAt)}  alert ${a.severity}: ${a.message}${scope}`);
      else if (a.state === 'resolved') out.push(`  ${t(a.resolvedAt ?? null)}  resolved: ${a.message}${scope}`);
      else if (a.state === 'acknowledged') out.push(`  alert acknowledged: ${a.message}${a.acknowledgedBy ? ` (by ${a.acknowledgedBy})` : ''}`);
      else if (a.state === 'firing' && prev === 'resolved') out.push(`${alertMark(a)} ${t(a.lastFiredAt)}  alert again ${a.severity}: ${a.message}${scope}`);
    }
    if (s.hold && this.holdShown !== s.hold.since) {
      this.holdShown = s.hold.since;
      out.push(`⏸ holding for a human until ${s.hold.deadline}: ${s.hold.reason} (then ${s.hold.onTimeout})`);
    }
    const rb = s.rollback;
    if (rb.requested && !this.rollbackShown.requested) {
      this.rollbackShown.requested = true;
      out.push(`↩ rollback requested (${rb.trigger?.kind ?? '?'}${rb.trigger?.criterion ? ` ${rb.trigger.criterion}` : ''}: ${rb.trigger?.reason ?? ''})`);
    }
    if (rb.executed && rb.startedAt && !this.rollbackShown.started) {
      this.rollbackShown.started = true;
      out.push(`↩ ${t(rb.startedAt)}  rollback procedure running`);
    }
    for (const st of rb.steps)
      if (st.state !== 'pending' && !this.rollbackShown.steps.has(st.name)) {
        this.rollbackShown.steps.add(st.name);
        const targets = st.targets.map((x) => `${x.target} ${x.outcome}`).join(', ');
        out.push(`    step ${st.name}: ${st.state}${targets ? ` (${targets})` : ''}`);
      }
    if (rb.finishedAt && !this.rollbackShown.finished) {
      this.rollbackShown.finished = true;
      out.push(`↩ rollback ${rb.ok ? 'done' : 'FAILED'}${rb.verification ? ` — ${rb.verification}` : ''}`);
    }
    if (s.phase !== this.phase) {
      if (this.phase !== null || s.phase !== 'monitoring') out.push(`${t(null)}  phase ${s.phase}${s.verdict ? `, verdict ${s.verdict}` : ''}`);
      this.phase = s.phase;
    }
    return out;
  }

  /** One line: a bar from the previous checkpoint (or the start) to the next one. */
  bar(s: WaveStatus, nowMs: number, width = 24): string {
    const start = Date.parse(s.startAt);
    const end = Date.parse(s.endsAt);
    const done = s.checkpoints.filter((c) => c.ranAt || c.verdict).map((c) => Date.parse(c.dueAt)).filter((x) => x <= nowMs);
    const from = Math.max(start, ...done);
    const next = s.nextCheckpoint;
    const to = next ? Date.parse(next.dueAt) : end;
    const frac = Math.min(1, Math.max(0, (nowMs - from) / Math.max(1, to - from)));
    const filled = Math.round(frac * width);
    const firing = s.alerts.filter((a) => a.state === 'firing').length;
    const left = to - nowMs;
    const wall = left >= 1000 ? `${(left / 1000).toFixed(0)} s` : `${Math.max(0, left)} ms`;
    const what = left <= 0 ? `${next ? next.name : 'final'} collecting…` : `${next ? next.name : 'end'} in ${wall}`;
    return (
      `T+${formatDuration(this.planMs(s, nowMs))} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${what}` +
      ` · ticks ${s.interim.ticks}${s.interim.skippedTicks ? ` (${s.interim.skippedTicks} skipped)` : ''} · ${firing} alert${firing === 1 ? '' : 's'} firing · ${s.phase}`
    );
  }

  /** For output that is not a terminal: a progress line every other plan hour. */
  periodic(s: WaveStatus, nowMs: number): string | null {
    const hour = Math.floor(this.planMs(s, nowMs) / 3_600_000 / 2) * 2;
    if (hour === this.lastHour) return null;
    this.lastHour = hour;
    return this.bar(s, nowMs);
  }
}

function alertMark(a: Pick<AlertStatus, 'severity'>): string {
  return a.severity === 'critical' ? '🚨' : '⚠️ ';
}

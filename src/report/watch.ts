// The terminal `watch` screen: one compact frame of text per refresh (the CLI clears and redraws).
import type { MonitorSample } from '../artifacts/records/monitor';
import { VERDICT_MARK, fmtDur, fmtMs, fmtPct, fmtTime } from './format';
import { tickSeries } from './series';
import { labelledSparkline } from './sparkline';
import { terminalSafe } from './terminal-text';

export interface WatchInput {
  title: string;
  waveId: string;
  phase: string;
  verdict: string | null;
  /** The time of this frame (the CLI passes new Date().toISOString()). */
  now: string;
  monitoringStart?: string | null;
  plannedEnd?: string | null;
  /** The wave's --time-scale, to show plan time (T+…) beside wall time. */
  timeScale?: number;
  nextCheckpoint?: { name: string; dueAt: string } | null;
  checkpoints: { name: string; verdict: string | null }[];
  alerts: { id: string; rule: string; title?: string; severity: string; scope: string; state: string; firstFiredAt: string; message: string }[];
  /** The most recent monitor samples (oldest first or any order). */
  samples: MonitorSample[];
  artifactsDir?: string;
}

function clock(iso: string): string {
  return fmtTime(iso).slice(11, 19);
}

/** One frame of the watch screen, `width` columns wide (sparklines use the room left after their labels). */
export function renderWatch(input: WatchInput, opts: { width?: number } = {}): string {
  const width = Math.max(60, opts.width ?? 100);
  const scale = input.timeScale && input.timeScale > 0 ? input.timeScale : 1;
  const now = Date.parse(input.now);
  const out: string[] = [];
  const verdict = input.verdict ?? '—';
  out.push(`wavewatch · ${input.title} · ${input.waveId} · phase ${input.phase} · verdict ${verdict} · ${clock(input.now)} UTC`);
  if (input.monitoringStart && input.plannedEnd) {
    const start = Date.parse(input.monitoringStart);
    const end = Date.parse(input.plannedEnd);
    const frac = Math.min(1, Math.max(0, (now - start) / Math.max(1, end - start)));
    const bar = 30;
    const filled = Math.round(frac * bar);
    out.push(`progress [${'█'.repeat(filled)}${'░'.repeat(bar - filled)}] ${Math.round(frac * 100)}%  T+${fmtDur((now - start) * scale)} of ${fmtDur((end - start) * scale)}`);
  }
  if (input.nextCheckpoint) {
    const due = Date.parse(input.nextCheckpoint.dueAt);
    out.push(`next ${input.nextCheckpoint.name} at ${clock(input.nextCheckpoint.dueAt)} UTC (in ${fmtDur(Math.max(0, due - now))}${scale !== 1 ? ` wall, ${fmtDur(Math.max(0, due - now) * scale)} plan time` : ''})`);
  }
  if (input.checkpoints.length)
    out.push(`checkpoints  ${input.checkpoints.map((c) => `${c.name} ${c.verdict && c.verdict in VERDICT_MARK ? `${VERDICT_MARK[c.verdict as keyof typeof VERDICT_MARK]} ${c.verdict}` : '…'}`).join('   ')}`);
  out.push('');
  const pts = tickSeries(input.samples, 'test');
  const w = Math.max(10, Math.min(pts.length || 1, width - 60));
  const row = (label: string, vals: (number | null)[], fmt: (v: number) => string, o: { min?: number; max?: number } = {}) => `${label.padEnd(16)}${labelledSparkline(vals, fmt, { width: w, ...o })}`;
  if (pts.length === 0) out.push('no monitor samples yet');
  else {
    out.push(`last ${pts.length} ticks, agents under test (latest ${clock(pts[pts.length - 1].at)} UTC)`);
    out.push(row('errors/tick', pts.map((p) => p.errors), (v) => String(Math.round(v)), { min: 0 }));
    out.push(row('latency p50', pts.map((p) => p.p50Ms), fmtMs, { min: 0 }));
    out.push(row('latency p99', pts.map((p) => p.p99Ms), fmtMs, { min: 0 }));
    out.push(row('active', pts.map((p) => p.activePct), (v) => fmtPct(v, 0), { min: 0, max: 100 }));
    out.push(row('delivery', pts.map((p) => (p.sent ? (p.received / p.sent) * 100 : null)), (v) => fmtPct(v, 1), { min: 0, max: 100 }));
    out.push(row('load (max)', pts.map((p) => p.load1Max), (v) => v.toFixed(2), { min: 0 }));
  }
  out.push('');
  const open = input.alerts.filter((a) => a.state !== 'resolved');
  out.push(`alerts: ${open.filter((a) => a.state === 'firing').length} firing, ${open.filter((a) => a.state === 'acknowledged').length} acknowledged, ${input.alerts.length - open.length} resolved`);
  for (const a of open.sort((x, y) => (x.severity === y.severity ? x.firstFiredAt.localeCompare(y.firstFiredAt) : x.severity === 'critical' ? -1 : 1)).slice(0, 8)) {
    const line = `  ${a.severity === 'critical' ? '🚨' : '⚠️ '} ${a.title ?? a.rule} · ${a.scope} · ${a.state} since ${clock(a.firstFiredAt)} — ${a.message}`;
    out.push([...line].length > width ? `${[...line].slice(0, width - 1).join('')}…` : line);
  }
  if (input.artifactsDir) out.push('', `artifacts: ${input.artifactsDir}`);
  // Alert messages and titles carry host-written text: a frame never carries a control character.
  return `${terminalSafe(out.join('\n'))}\n`;
}

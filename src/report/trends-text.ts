// The trend texts: trends.txt of a checkpoint and the hourly trend files, with their sparkline
// blocks. Pure functions of the samples and records: a retried write produces the same bytes.
import type { CheckpointRecord } from '../artifacts/records/checkpoint';
import type { MonitorSample } from '../artifacts/records/monitor';
import type { Role } from '../model/vocabulary';
import { steadyGrowth } from '../judge/wave-analysis';
import { instanceKey } from '../model/instance';
import type { Plan } from '../plan/schema';
import { compareCheckpoints, quantityFacts, rowFacts } from './compare';
import { fmtBytes, fmtMs, fmtNumber, fmtPct, fmtTime, fmtValue, textTable } from './format';
import { isNum } from '../plan/units';
import { instanceSeries, planHours, tickSeries, type TickPoint } from './series';
import { labelledSparkline } from './sparkline';
import { delta, max, mean, sum } from './stats';
import { checkpointLabel, comparisonTableLines, errorPatternLines, header, issuesLines } from './text';

/** Per-hour aggregates of tick points, hour 1 = the first hour after `startMs`. */
export function hourBuckets(points: TickPoint[], startMs: number, timeScale = 1): { hour: number; points: TickPoint[] }[] {
  const map = new Map<number, TickPoint[]>();
  for (const p of points) {
    const hour = Math.max(1, Math.ceil(planHours(startMs, p.t, timeScale) - 1e-9));
    map.set(hour, [...(map.get(hour) ?? []), p]);
  }
  return [...map.entries()].sort((a, b) => a[0] - b[0]).map(([hour, pts]) => ({ hour, points: pts }));
}

function rate(points: TickPoint[]): number | null {
  const withMsgs = points.filter((p) => isNum(p.messages) && isNum(p.errors));
  const msgs = sum(withMsgs.map((p) => p.messages));
  return msgs ? ((sum(withMsgs.map((p) => p.errors)) ?? 0) / msgs) * 100 : null;
}

/** Sparkline block for a set of samples: errors, error rate, latency, uptime, load, memory per instance. */
export function trendBlock(samples: MonitorSample[], width = 60, timeScale = 1): string[] {
  if (samples.length === 0) return ['  no monitor samples'];
  const pts = tickSeries(samples, 'test');
  const w = Math.min(width, pts.length);
  const series = instanceSeries(samples, timeScale);
  const name = (s: { key: string; role: Role }) => `${s.key}${s.role === 'control' ? ' (control)' : ''}`;
  const lw = Math.max(26, ...series.map((s) => name(s).length)) + 2;
  const row = (label: string, vals: (number | null)[], fmt: (v: number) => string, opts: { min?: number; max?: number } = {}) =>
    `  ${label.padEnd(lw)}${labelledSparkline(vals, fmt, { width: w, ...opts })}`;
  const count = (v: number) => String(Math.round(v));
  const out = [
    row('errors per tick (test)', pts.map((p) => p.errors), count, { min: 0 }),
    row('error rate (test)', pts.map((p) => p.errorRatePct), (v) => fmtPct(v, 3), { min: 0 }),
    row('latency p50 (worst agent)', pts.map((p) => p.p50Ms), fmtMs, { min: 0 }),
    row('latency p99 (worst agent)', pts.map((p) => p.p99Ms), fmtMs, { min: 0 }),
    row('instances active (test)', pts.map((p) => p.activePct), (v) => fmtPct(v, 1), { min: 0, max: 100 }),
    row('probe delivery (test)', pts.map((p) => (p.sent ? (p.received / p.sent) * 100 : null)), (v) => fmtPct(v, 1), { min: 0, max: 100 }),
    row('system load (max host)', pts.map((p) => p.load1Max), (v) => v.toFixed(2), { min: 0 }),
    row('host memory used (max)', pts.map((p) => p.memoryUsedPctMax), (v) => fmtPct(v, 1), { min: 0, max: 100 }),
    '',
    '  memory per instance (RSS), with its least-squares trend',
  ];
  for (const s of series) {
    const slope = s.memorySlopePerHour;
    const trend = slope === null ? 'n/a' : `${slope >= 0 ? '+' : '-'}${fmtBytes(Math.abs(slope))}/h (r²=${(s.memoryR2 ?? 0).toFixed(2)})`;
    out.push(`  ${name(s).padEnd(lw)}${labelledSparkline(s.points.map((p) => p.memoryBytes), fmtBytes, { width: w })}  ${trend}`);
  }
  out.push('', '  uptime per instance (share of samples active)');
  for (const s of series) out.push(`  ${name(s).padEnd(lw)}${fmtPct(s.uptimePct, 2)}`);
  return out;
}

/** What turns wall-clock times into plan time: monitoring start and the wave's --time-scale. */
export interface Timebase {
  monitoringStart: string;
  timeScale: number;
}

/** trends.txt (T+12h): trends over the wave so far, slow-developing issues, restarts, checkpoint comparison. */
export function renderTrends(r: CheckpointRecord, previous: CheckpointRecord[], samples: MonitorSample[], tb: Timebase, plan: Plan | null): string {
  const all = [...previous, r];
  const out = header('Trend analysis', r, plan);
  const inWindow = samples.filter((s) => s.at <= r.finishedAt);
  out.push('', `Trends over the wave so far (${inWindow.length} monitor samples${inWindow.length ? `, ${fmtTime(inWindow[0].at)} – ${fmtTime(inWindow[inWindow.length - 1].at)}` : ''})`);
  out.push(...trendBlock(inWindow, 60, tb.timeScale));
  const hours = hourBuckets(tickSeries(inWindow, 'test'), Date.parse(tb.monitoringStart), tb.timeScale);
  if (hours.length) {
    out.push('', 'Per hour (agents under test)');
    out.push(
      ...textTable(
        ['hour', 'samples', 'errors', 'error rate', 'p50 max', 'p99 max', 'active min', 'load max'],
        hours.map((h) => [
          `T+${h.hour}h`,
          String(h.points.length),
          fmtValue(sum(h.points.map((p) => p.errors)), 'count'),
          fmtPct(rate(h.points), 3),
          fmtMs(max(h.points.map((p) => p.p50Ms))),
          fmtMs(max(h.points.map((p) => p.p99Ms))),
          fmtPct(Math.min(...h.points.map((p) => (isNum(p.activePct) ? p.activePct : 100))), 1),
          fmtNumber(max(h.points.map((p) => p.load1Max))),
        ]),
        [false, true, true, true, true, true, true, true],
      ).map((l) => `  ${l}`),
    );
  }
  out.push('', 'Slow-developing issues (memory, disk, load)');
  const slow: string[] = [];
  const waveHours = (plan?.wave.duration ?? 86_400_000) / 3_600_000;
  for (const s of instanceSeries(inWindow, tb.timeScale)) {
    const growth = steadyGrowth(s, waveHours);
    if (growth) slow.push(`  ${s.key}${s.role === 'control' ? ' (control)' : ''}: memory growing ${fmtBytes(s.memorySlopePerHour)}/h (r²=${(s.memoryR2 ?? 0).toFixed(2)}), +${fmtPct(growth, 0)} over a whole wave at this rate`);
  }
  for (const h of r.hosts) {
    if (isNum(h.disk.usedPct.value) && h.disk.usedPct.value > 80) slow.push(`  ${h.host}: disk ${fmtPct(h.disk.usedPct.value, 1)} used at ${h.disk.path}`);
    if (isNum(h.memory.usedPct.value) && h.memory.usedPct.value > 80) slow.push(`  ${h.host}: memory ${fmtPct(h.memory.usedPct.value, 1)} used`);
  }
  for (const f of r.findings.filter((x) => x.kind === 'leak')) slow.push(`  [${f.severity}] ${f.scope}: ${f.message}`);
  out.push(...(slow.length ? slow : ['  none seen (steady memory growth of ≥ 10 % per wave, disk or memory above 80 %, leak findings)']));
  out.push('', 'Restarts (handled gracefully when the unit is active again)');
  const restarted = r.agents.filter((a) => isNum(a.restarts.value) && a.restarts.value > 0);
  if (restarted.length === 0) out.push(r.agents.some((a) => a.restarts.value === null) ? '  none seen (some instances without data)' : '  none');
  for (const a of restarted)
    out.push(
      `  ${instanceKey(a.host, a.agent)}${a.role === 'control' ? ' (control)' : ''}: ${a.restarts.value} restart(s), now ${a.state.active ?? 'unknown'}/${a.state.sub ?? '?'}, active since ${fmtTime(a.activeSince)}` +
        (a.state.active === 'active' ? ' — recovered' : ' — NOT recovered'),
    );
  out.push('', `Checkpoint comparison (${all.map(checkpointLabel).join(' → ')})`, ...comparisonTableLines(compareCheckpoints(all, plan)));
  out.push(...errorPatternLines(r));
  out.push(...issuesLines(r));
  return `${out.join('\n')}\n`;
}

/** One hourly trend file: the hour's sparklines and the hour against the one before. */
export function renderHourly(
  wave: { wave: string; title: string },
  hour: number,
  from: string,
  to: string,
  samples: MonitorSample[],
  previous: MonitorSample[] | null,
  timeScale = 1,
): string {
  const out = [
    `Hourly trend analysis — ${wave.title} (${wave.wave}), hour T+${hour}h`,
    `Window: ${fmtTime(from)} – ${fmtTime(to)}, ${samples.length} monitor samples`,
    '',
    ...trendBlock(samples, 60, timeScale),
  ];
  out.push('', previous ? `Against the previous hour (${previous.length} samples)` : 'Against the previous hour: none (first hour)');
  if (previous) {
    const a = tickSeries(previous, 'test');
    const b = tickSeries(samples, 'test');
    const rows: [string, number | null, number | null, ...ReturnType<typeof rowFacts>][] = [
      ['errors', sum(a.map((p) => p.errors)), sum(b.map((p) => p.errors)), ...rowFacts('errors.count')],
      ['error rate', rate(a), rate(b), ...rowFacts('errors.rate_pct')],
      ['latency p50 (mean of ticks)', mean(a.map((p) => p.p50Ms)), mean(b.map((p) => p.p50Ms)), ...rowFacts('probe.p50_ms')],
      ['latency p99 (max of ticks)', max(a.map((p) => p.p99Ms)), max(b.map((p) => p.p99Ms)), ...rowFacts('probe.p99_ms')],
      ['instances active (mean)', mean(a.map((p) => p.activePct)), mean(b.map((p) => p.activePct)), ...rowFacts('agents.active_pct')],
      [
        'memory per instance (mean)',
        mean(previous.flatMap((s) => s.agents.filter((x) => x.role === 'test').map((x) => x.memoryBytes))),
        mean(samples.flatMap((s) => s.agents.filter((x) => x.role === 'test').map((x) => x.memoryBytes))),
        ...quantityFacts('compare.memory_overhead_pct'),
      ],
    ];
    out.push(
      ...textTable(
        ['metric', 'previous', 'this hour', 'direction'],
        rows.map(([label, x, y, better, absMin, unit]) => [label, fmtValue(x, unit), fmtValue(y, unit), delta(x, y, better, { absMin }).direction]),
        [false, true, true],
      ).map((l) => `  ${l}`),
    );
  }
  return `${out.join('\n')}\n`;
}

// The plain-text files of a checkpoint folder and the hourly trend files. Pure functions of their
// inputs: a retried write produces the same bytes.
import { errorLine, escapeLine } from '../artifacts/errors-log';
import type { CheckpointRecord, CriterionResult, MonitorSample, Role } from '../artifacts/types';
import { steadyGrowth } from '../judge/wave-analysis';
import type { Plan } from '../plan/schema';
import { compareCheckpoints, comparisonRowFormat, quantityFacts, rowFacts, type CheckpointComparison } from './compare';
import {
  OUTCOME_MARK,
  VERDICT_MARK,
  fmtBytes,
  fmtDur,
  fmtMs,
  fmtNumber,
  fmtPct,
  fmtReading,
  fmtTime,
  fmtValue,
  isNum,
  textTable,
} from './format';
import { comparisonOf, errorsByType, probeLabel } from './rollup';
import { instanceSeries, planHours, tickSeries, type TickPoint } from './series';
import { labelledSparkline } from './sparkline';
import { delta, max, mean, sum } from './stats';
import { instanceKey } from '../model/instance';

export function checkpointLabel(r: Pick<CheckpointRecord, 'checkpoint' | 'collection'>): string {
  return r.collection ? `${r.checkpoint} (re-collection ${r.collection})` : r.checkpoint;
}

function title(plan: Plan | null, r: CheckpointRecord): string {
  return `${plan?.wave.title ?? r.wave} (${r.wave}) ${checkpointLabel(r)}`;
}

/** errors.log: a commented header with the error types, then one entry per line. */
export function renderErrorsLog(r: CheckpointRecord): string {
  const out: string[] = [];
  out.push(`# errors.log — ${r.wave} ${checkpointLabel(r)}, window ${r.windowStart} – ${r.finishedAt}`);
  out.push(`# ${r.errorLog.entries.length} entries${r.errorLog.omitted ? ` (${r.errorLog.omitted} more left out by the collector's cap)` : ''}`);
  out.push('# format: <time> <host> <agent> <role> <priority> <message>   (\\n, \\r and \\\\ escaped in the message)');
  const types = errorsByType(r.agents);
  if (types.length) {
    out.push('#', '# error types (count, agent, hosts, recurring or one-off, normalised message):');
    for (const t of types) out.push(`#   ${String(t.count).padStart(6)}  ${t.agent}  ${t.hosts.join(',')}  ${t.recurring ? 'recurring' : 'one-off'}  ${escapeLine(t.type)}`);
  }
  const missing = r.agents.filter((a) => a.errors.value === null);
  if (missing.length) {
    out.push('#', '# no error data from:');
    for (const a of missing) out.push(`#   ${instanceKey(a.host, a.agent)}: ${a.errors.value === null ? a.errors.reason : ''}`);
  }
  if (r.errorLog.entries.length === 0) out.push('#', '# no error entries in the window');
  const sorted = [...r.errorLog.entries].sort((a, b) => a.at.localeCompare(b.at) || a.host.localeCompare(b.host) || a.agent.localeCompare(b.agent));
  for (const e of sorted) out.push(errorLine(e));
  return `${out.join('\n')}\n`;
}

/** nats_sampling.txt: the spec's sampling output, with the pairing and the dual-subscription check. */
export function renderNatsSampling(r: CheckpointRecord, plan: Plan | null): string {
  const n = r.nats;
  const out: string[] = [`NATS subject sampling — ${title(plan, r)}`, ''];
  if (!n.sampled) out.push(`Not sampled: ${n.reason ?? 'no sampling at this checkpoint'}`);
  else {
    out.push(`Window: ${fmtTime(n.windowStart)} – ${fmtTime(n.windowEnd)}${isNum(n.windowMs) ? ` (${fmtDur(n.windowMs)})` : ''}`);
    if (n.reason) out.push(`Note: ${n.reason}`);
    const total = (n.legacy?.messages ?? 0) + (n.unified?.messages ?? 0);
    for (const [name, p] of [['Legacy', n.legacy], ['Unified', n.unified]] as const) {
      if (!p) out.push(`${name} pattern: not sampled`);
      else
        out.push(
          `${name} pattern messages (${p.pattern}): ${p.messages}   ${fmtReading(p.perMinute, 'plain')}/min, ${p.uniqueSubjects} unique subjects` +
            (total ? `, ${fmtPct((p.messages / total) * 100)} of traffic` : ''),
        );
    }
    out.push(`Agent-ref traffic (unified share): ${fmtReading(n.agentRefPct, 'pct', true)}`);
    out.push(`Dual publishing success: ${fmtReading(n.dualPublishPct, 'pct', true)}`);
    if (n.pairing)
      out.push(`  paired ${n.pairing.paired}, legacy only ${n.pairing.legacyOnly}, unified only ${n.pairing.unifiedOnly}, pending at window end ${n.pairing.pendingAtEnd}`);
    out.push(`Publish skew: p50 ${fmtReading(n.publishSkewP50Ms, 'ms')}, p99 ${fmtReading(n.publishSkewP99Ms, 'ms')}`);
    out.push(`Corrupt payloads: ${n.corruptPayloads}`);
  }
  out.push(`Connection drops: ${fmtReading(n.connectionDrops, 'count', true)}`);
  out.push(`NATS server reachable: ${n.serverReachable === null ? 'not checked' : n.serverReachable ? 'yes' : 'no'}`);
  out.push('', 'Dual subscription (both patterns on the agent connection):');
  if (n.dualSubscription.length === 0) out.push('  not checked');
  else {
    const mark = (b: boolean | null) => (b === null ? '?' : b ? 'yes' : 'NO');
    out.push(
      ...textTable(
        ['instance', 'legacy', 'unified', 'connection'],
        n.dualSubscription.map((d) => [instanceKey(d.host, d.agent), mark(d.legacy), mark(d.unified), d.connection ?? `none${d.reason ? ` (${d.reason})` : ''}`]),
      ).map((l) => `  ${l}`),
    );
  }
  if (n.sampled) {
    out.push('', `Subjects (busiest first${n.subjectsOmitted ? `, ${n.subjectsOmitted} more not listed` : ''}):`);
    if (n.topSubjects.length === 0) out.push('  none seen');
    else out.push(...textTable(['messages', 'pattern', 'subject'], n.topSubjects.map((s) => [String(s.messages), s.pattern, s.subject]), [true]).map((l) => `  ${l}`));
  }
  return `${out.join('\n')}\n`;
}

export function criteriaLines(criteria: CriterionResult[]): string[] {
  if (criteria.length === 0) return ['  (no criteria at this checkpoint)'];
  return textTable(
    ['', 'criterion', 'target', 'measured', 'evidence'],
    criteria.map((c) => [
      OUTCOME_MARK[c.outcome],
      `${c.title}${c.primary ? '' : ' (secondary)'}`,
      `${c.metric} ${c.op} ${c.threshold}`,
      c.value === null ? c.outcome : fmtNumber(c.value, '', 3),
      evidence(c),
    ]),
  ).map((l) => `  ${l}`);
}

/** The evidence for a criterion in one line: samples, window, note, waiver. */
export function evidence(c: CriterionResult): string {
  const parts: string[] = [];
  parts.push(c.outcome === 'inconclusive' ? 'no verdict: not enough data' : c.outcome === 'error' ? 'collection error' : c.outcome);
  if (c.samples) parts.push(`${c.samples} samples`);
  parts.push(`window: ${c.window}`);
  if (c.note) parts.push(c.note);
  if (c.waiver) parts.push(`waived by ${c.waiver.by}: ${c.waiver.reason}`);
  return parts.join('; ');
}

export function comparisonTableLines(cmp: CheckpointComparison): string[] {
  if (cmp.checkpoints.length < 2) return ['  (one checkpoint so far: nothing to compare with)'];
  return textTable(
    ['metric', ...cmp.checkpoints, 'change', 'direction', 'significance'],
    cmp.lines.map((l) => [
      l.label,
      ...l.values.map((v) => fmtValue(v, l.unit)),
      l.delta === null ? 'n/a' : `${l.delta >= 0 ? '+' : ''}${fmtValue(l.delta, l.unit)}${l.deltaPct !== null && l.delta !== 0 ? ` (${l.deltaPct >= 0 ? '+' : ''}${fmtPct(l.deltaPct, 1)})` : ''}`,
      l.direction,
      l.pValue !== null ? `p=${l.pValue.toFixed(3)}${l.significant ? ' significant' : ''}` : l.significant === false ? 'no change' : 'not tested',
    ]),
    [false, ...cmp.checkpoints.map(() => true), true],
  ).map((l) => `  ${l}`);
}

function controlLines(r: CheckpointRecord): string[] {
  const cmp = comparisonOf(r);
  const unit = comparisonRowFormat;
  const lines = textTable(
    ['metric', 'test', 'control', 'delta', 'significant', 'method'],
    cmp.rows.map((row) => [
      row.metric,
      fmtReading(row.test, unit(row.metric)),
      fmtReading(row.control, unit(row.metric)),
      row.deltaPct.value === null ? 'n/a' : `${row.deltaPct.value >= 0 ? '+' : ''}${fmtPct(row.deltaPct.value, 1)}`,
      row.significant === null ? 'not tested' : row.significant ? `yes (p=${row.pValue?.toFixed(3)})` : `no${row.pValue !== null ? ` (p=${row.pValue.toFixed(3)})` : ''}`,
      row.method,
    ]),
  ).map((l) => `  ${l}`);
  if (cmp.note) lines.push(`  note: ${cmp.note}`);
  return lines;
}

function issuesLines(r: CheckpointRecord): string[] {
  const out: string[] = [];
  out.push('', 'Findings (anomalies, leaks, degradations)');
  if (r.findings.length === 0) out.push('  none');
  for (const f of r.findings) out.push(`  [${f.severity}] ${f.kind} ${f.scope}${f.at ? ` at ${fmtTime(f.at)}` : ''}: ${f.message}`);
  out.push('', 'Alerts since the previous checkpoint');
  if (r.alerts.length === 0) out.push('  none');
  for (const a of r.alerts)
    out.push(`  [${a.severity}] ${a.title} — ${a.scope}, ${a.state}, first ${fmtTime(a.firstFiredAt)}${a.escalated ? ', escalated' : ''}: ${a.message} (action: ${a.actionTaken})`);
  out.push('', 'Operator actions since the previous checkpoint');
  if (r.operatorActions.length === 0) out.push('  none');
  for (const o of r.operatorActions) out.push(`  ${fmtTime(o.at)} ${o.kind} by ${o.by ?? 'unknown'}: ${o.reason}${o.detail ? ` (${o.detail})` : ''}${o.outcome ? ` → ${o.outcome}` : ''}`);
  out.push('', 'Data gaps');
  const gaps = [...r.gaps, ...r.hosts.filter((h) => !h.reachable).map((h) => `host ${h.host} unreachable${h.reason ? `: ${h.reason}` : ''}`)];
  if (gaps.length === 0) out.push('  none');
  for (const g of gaps) out.push(`  ${g}`);
  return out;
}

function header(kind: string, r: CheckpointRecord, plan: Plan | null): string[] {
  const out = [
    `${kind} — ${title(plan, r)}`,
    `Collected ${fmtTime(r.startedAt)} – ${fmtTime(r.finishedAt)} (due ${fmtTime(r.dueAt)}), window from ${fmtTime(r.windowStart)}`,
  ];
  if (r.collectionReason) out.push(`Re-collected: ${r.collectionReason}`);
  out.push(`Verdict: ${VERDICT_MARK[r.verdict]} ${r.verdict} — ${r.verdictReason}`, '', 'Criteria', ...criteriaLines(r.criteria));
  return out;
}

function errorPatternLines(r: CheckpointRecord): string[] {
  const types = errorsByType(r.agents);
  const out = ['', 'Error patterns'];
  if (types.length === 0) {
    out.push(r.agents.some((a) => a.errors.value === null) ? '  no error types seen (some instances without data, see errors.log)' : '  no errors in the window');
    return out;
  }
  for (const kind of ['recurring', 'one-off'] as const) {
    const list = types.filter((t) => t.recurring === (kind === 'recurring'));
    if (list.length === 0) continue;
    out.push(`  ${kind}:`);
    for (const t of list.slice(0, 20)) out.push(`    ${String(t.count).padStart(6)}  ${t.role === 'control' ? '(control) ' : ''}${t.agent} on ${t.hosts.join(', ')}: ${t.type}`);
    if (list.length > 20) out.push(`    … ${list.length - 20} more`);
  }
  return out;
}

function driftLines(r: CheckpointRecord, previous: CheckpointRecord | undefined, plan: Plan | null): string[] {
  const out = ['', `Performance drift${previous ? ` (against ${checkpointLabel(previous)})` : ''}`];
  const absMin = plan?.nats.probe.minLatencyDifferenceMs ?? 5;
  if (r.probes.length === 0) return [...out, '  no probes at this checkpoint'];
  for (const p of r.probes) {
    const prev = previous?.probes.find((q) => q.agent === p.agent && q.host === p.host);
    const d50 = delta(prev?.p50Ms.value, p.p50Ms.value, 'lower', { absMin });
    const d99 = delta(prev?.p99Ms.value, p.p99Ms.value, 'lower', { absMin });
    out.push(
      `  ${probeLabel(p)}${p.role === 'control' ? ' (control)' : ''}: p50 ${fmtReading(p.p50Ms, 'ms')}, p99 ${fmtReading(p.p99Ms, 'ms')}, delivery ${fmtReading(p.deliveryPct, 'pct')} (${p.received}/${p.sent})` +
        (prev ? `; was p50 ${fmtReading(prev.p50Ms, 'ms')}, p99 ${fmtReading(prev.p99Ms, 'ms')}: p50 ${d50.direction}, p99 ${d99.direction}` : ''),
    );
  }
  return out;
}

/** analysis.txt (T+6h): checkpoint comparison, error patterns, performance drift, test vs control. */
export function renderAnalysis(r: CheckpointRecord, previous: CheckpointRecord[], plan: Plan | null): string {
  const all = [...previous, r];
  const out = header('Checkpoint analysis', r, plan);
  out.push('', `Checkpoint comparison (${all.map(checkpointLabel).join(' → ')})`, ...comparisonTableLines(compareCheckpoints(all, plan)));
  out.push(...errorPatternLines(r));
  out.push(...driftLines(r, previous[previous.length - 1], plan));
  out.push('', 'Test vs control', ...controlLines(r));
  out.push(...issuesLines(r));
  return `${out.join('\n')}\n`;
}

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

/** trends.txt (T+12h): trends over the wave so far, slow-developing issues, restarts, checkpoint comparison. */
/** What turns wall-clock times into plan time: monitoring start and the wave's --time-scale. */
export interface Timebase {
  monitoringStart: string;
  timeScale: number;
}

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

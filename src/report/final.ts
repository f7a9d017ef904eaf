// The documents people read at the end (and, interim, while the wave runs): comparison.json,
// aggregate_metrics.json, final_analysis.md, the report and the decision document, with charts.
// Everything here is a function of the stored artifacts (wave.json, checkpoint folders, hourly data,
// the alert log), so `regenerateReports` can rebuild it at any time.
import { posix } from 'node:path';
import { alertsFromLog } from '../artifacts/alertlog';
import { chartsDir, checkpointFolder, checkpointPath, relativeLink } from '../artifacts/layout';
import { FILE_SCHEMA_VERSION } from '../artifacts/schema';
import type { ArtifactStore } from '../artifacts/store';
import type {
  AlertLogEntry,
  AlertRecord,
  CheckpointRecord,
  CriterionResult,
  MonitorSample,
  OperatorAction,
  TimelineEvent,
  WaveRecord,
} from '../artifacts/types';
import type { Plan } from '../plan/schema';
import { chartDefs, renderSvg } from './charts';
import { compareCheckpoints, comparisonRowFormat, type CheckpointComparison } from './compare';
import { unitOf } from '../plan/metrics';
import {
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
  mdTable,
  num,
  passMark,
} from './format';
import { comparisonOf, errorsByType, probeLabel, roleSummary } from './rollup';
import { instanceSeries, tickSeries } from './series';
import { max, mean, sum } from './stats';
import { checkpointLabel, evidence, steadyGrowth, trendBlock, type Timebase } from './text';
import { instanceKey } from '../model/instance';

// ---------------------------------------------------------------- data

export interface ReportData {
  plan: Plan;
  wave: WaveRecord;
  /** false when wave.json was missing and the wave was rebuilt from the checkpoints and the alert log. */
  waveFromFile: boolean;
  /** Latest collection of each checkpoint, in plan order. */
  checkpoints: CheckpointRecord[];
  /** Re-collections on disk (beside their originals). */
  recollections: { checkpoint: string; collection: number; reason: string | null }[];
  samples: MonitorSample[];
  alertLog: AlertLogEntry[];
}

export interface ChartRef {
  id: string;
  title: string;
  caption: string;
  /** Store path of the SVG. */
  path: string;
}

/** "Wave 3" after "Sprint 5.3 Wave 2"; "the next wave" when the title has no wave number. */
export function nextWaveLabel(plan: Plan): string {
  const m = /\bwave\s*(\d+)\b/i.exec(plan.wave.title) ?? /wave(\d+)$/i.exec(plan.wave.name);
  return m ? `Wave ${Number(m[1]) + 1}` : 'the next wave';
}

/** A wave record built from what is stored, when the workflow has not written wave.json (yet). */
export function synthesizeWave(plan: Plan, checkpoints: CheckpointRecord[], alertLog: AlertLogEntry[], tb: Partial<Timebase> = {}): WaveRecord {
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

/** The note of a criterion no checkpoint has judged yet (interim reports). */
export const NOT_JUDGED = 'not judged yet';
const judged = (c: CriterionResult) => c.note !== NOT_JUDGED;

/**
 * The criteria table of the wave: the wave-level results when the wave has them; otherwise, for a
 * running wave, each primary criterion's latest checkpoint result (or "not judged yet").
 */
export function waveCriteria(data: Pick<ReportData, 'plan' | 'wave' | 'checkpoints'>, primary = true): { criteria: CriterionResult[]; interim: boolean } {
  const planned = data.plan.criteria.filter((c) => c.primary === primary);
  if (data.wave.criteria.length) {
    const listed = data.wave.criteria.filter((c) => c.primary === primary);
    return { criteria: listed, interim: false };
  }
  const out: CriterionResult[] = [];
  for (const c of planned) {
    const latest = [...data.checkpoints].reverse().find((r) => r.criteria.some((x) => x.id === c.id));
    const r = latest?.criteria.find((x) => x.id === c.id);
    if (r) out.push({ ...r, note: [r.note, `interim: judged at ${latest!.checkpoint}`].filter(Boolean).join('; ') });
    else
      out.push({
        id: c.id,
        title: c.title,
        metric: c.metric,
        op: c.op,
        threshold: c.threshold,
        window: c.window,
        outcome: 'inconclusive',
        value: null,
        samples: 0,
        note: NOT_JUDGED,
        primary: c.primary,
      });
  }
  return { criteria: out, interim: true };
}

function planOffset(wave: WaveRecord, at: string): string {
  const ms = (Date.parse(at) - Date.parse(wave.monitoringStart)) * (wave.timeScale || 1);
  return isNum(ms) ? `T+${fmtDur(ms)}` : '';
}

/** The wave's timeline: the workflow's own events, completed by what the artifacts show. */
export function timeline(data: Pick<ReportData, 'wave' | 'checkpoints'>): TimelineEvent[] {
  const w = data.wave;
  const own = w.timeline;
  const has = (kind: string) => own.some((e) => e.kind === kind);
  const ev: TimelineEvent[] = [...own];
  if (!has('start')) ev.push({ at: w.monitoringStart, kind: 'start', text: 'monitoring started' });
  if (!has('checkpoint'))
    for (const c of data.checkpoints)
      ev.push({ at: c.finishedAt, kind: 'checkpoint', text: `${checkpointLabel(c)}: ${VERDICT_MARK[c.verdict]} ${c.verdict} — ${c.verdictReason}` });
  if (!has('alert'))
    for (const a of w.alerts) {
      ev.push({ at: a.firstFiredAt, kind: 'alert', text: `alert ${a.severity}: ${a.title} (${a.scope})` });
      if (a.resolvedAt) ev.push({ at: a.resolvedAt, kind: 'alert', text: `resolved: ${a.title} (${a.scope})` });
    }
  if (!has('operator')) for (const o of w.operatorActions) ev.push({ at: o.at, kind: 'operator', text: `${o.kind} by ${o.by ?? 'unknown'}: ${o.reason}` });
  if (!has('rollback') && w.rollback?.startedAt)
    ev.push({ at: w.rollback.startedAt, kind: 'rollback', text: `rollback started (${w.rollback.trigger}): ${w.rollback.reason}` });
  if (!has('rollback') && w.rollback?.finishedAt) ev.push({ at: w.rollback.finishedAt, kind: 'rollback', text: 'rollback finished' });
  if (!has('verdict') && w.verdict && w.finishedAt) ev.push({ at: w.finishedAt, kind: 'verdict', text: `verdict ${w.verdict}: ${w.verdictReason}` });
  return ev.sort((a, b) => a.at.localeCompare(b.at) || a.kind.localeCompare(b.kind) || a.text.localeCompare(b.text));
}

// ---------------------------------------------------------------- JSON files

/** comparison.json: test vs control at a checkpoint. */
export function renderComparisonJson(r: CheckpointRecord): object {
  const cmp = comparisonOf(r);
  return {
    schema: 'wavewatch.comparison',
    schemaVersion: FILE_SCHEMA_VERSION,
    wave: r.wave,
    checkpoint: r.checkpoint,
    collection: r.collection,
    collectedAt: r.finishedAt,
    source: r.comparison ? 'judge' : 'none',
    testAgents: roleSummary(r, 'test').agents,
    controlAgents: roleSummary(r, 'control').agents,
    rows: cmp.rows,
    ...(cmp.note ? { note: cmp.note } : {}),
    roles: { test: roleSummary(r, 'test'), control: roleSummary(r, 'control') },
  };
}

/** aggregate_metrics.json: all checkpoints aggregated, the wave's statistics, and the checkpoint comparison. */
export function renderAggregateMetrics(plan: Plan, checkpoints: CheckpointRecord[], samples: MonitorSample[], wave: WaveRecord | null, tb: Timebase): object {
  const monitoringStart = tb.monitoringStart;
  const cmp = compareCheckpoints(checkpoints, plan);
  const last = checkpoints[checkpoints.length - 1];
  const testRoll = checkpoints.map((c) => roleSummary(c, 'test'));
  const errors = sum(testRoll.map((r) => num(r.errors)));
  const messages = sum(testRoll.map((r) => num(r.messages)));
  const sent = sum(checkpoints.flatMap((c) => c.probes.filter((p) => p.role === 'test').map((p) => p.sent)));
  const received = sum(checkpoints.flatMap((c) => c.probes.filter((p) => p.role === 'test').map((p) => p.received)));
  const inst = instanceSeries(samples, tb.timeScale);
  const ticks = tickSeries(samples, 'test');
  return {
    schema: 'wavewatch.aggregate-metrics',
    schemaVersion: FILE_SCHEMA_VERSION,
    wave: plan.wave.name,
    waveId: wave?.waveId ?? last?.waveId ?? null,
    monitoringStart,
    through: last?.finishedAt ?? null,
    verdict: wave?.verdict ?? null,
    checkpoints: checkpoints.map((c) => ({
      checkpoint: c.checkpoint,
      collection: c.collection,
      folder: checkpointFolder(c.checkpoint, c.collection),
      finishedAt: c.finishedAt,
      verdict: c.verdict,
      headline: c.headline,
      roles: { test: roleSummary(c, 'test'), control: roleSummary(c, 'control') },
    })),
    totals: {
      note: 'sums over the checkpoint windows (each measures since the previous checkpoint); uptime and memory trends from the monitor samples; memory slopes per hour of plan time',
      timeScale: tb.timeScale,
      errors,
      messages,
      errorRatePct: errors !== null && messages ? (errors / messages) * 100 : null,
      probesSent: sent,
      probesReceived: received,
      deliveryPct: sent ? ((received ?? 0) / sent) * 100 : null,
      latencyP50MsMax: max(testRoll.map((r) => num(r.latencyP50MsMax))),
      latencyP99MsMax: max(testRoll.map((r) => num(r.latencyP99MsMax))),
      latencyP50MsMean: mean(testRoll.map((r) => num(r.latencyP50MsMax))),
      restarts: last ? num(roleSummary(last, 'test').restarts) : null,
      load1Max: max(checkpoints.flatMap((c) => c.hosts.map((h) => num(h.load1)))),
      memoryUsedPctMax: max(checkpoints.flatMap((c) => c.hosts.map((h) => num(h.memory.usedPct)))),
      dualPublishPctMin: min0(checkpoints.map((c) => num(c.nats.dualPublishPct))),
      agentRefPctMin: min0(checkpoints.map((c) => num(c.nats.agentRefPct))),
      monitorSamples: samples.length,
      tickErrors: sum(ticks.map((t) => t.errors)),
      instances: inst.map((s) => ({
        instance: s.key,
        role: s.role,
        uptimePct: s.uptimePct,
        memoryBytesMin: minOf(s.points.map((p) => p.memoryBytes)),
        memoryBytesMax: max(s.points.map((p) => p.memoryBytes)),
        memorySlopeBytesPerHour: s.memorySlopePerHour,
        memoryR2: s.memoryR2,
      })),
    },
    testVsControl: last ? comparisonOf(last) : null,
    checkpointComparison: cmp,
    criteria: wave?.criteria.length ? wave.criteria : last?.criteria ?? [],
    alerts: wave?.alerts ?? [],
  };
}

function min0(v: (number | null)[]): number | null {
  const x = v.filter(isNum);
  return x.length ? Math.min(...x) : null;
}
const minOf = min0;

// ---------------------------------------------------------------- charts

/** Renders the charts to <output.dir>/charts/*.svg. */
export async function writeCharts(
  store: ArtifactStore,
  plan: Plan,
  checkpoints: CheckpointRecord[],
  samples: MonitorSample[],
  tb: Timebase,
): Promise<ChartRef[]> {
  const refs: ChartRef[] = [];
  for (const def of chartDefs(plan, checkpoints, samples, tb)) {
    const path = posix.join(chartsDir(plan), `${def.id}.svg`);
    await store.write(path, await renderSvg(def.spec));
    refs.push({ id: def.id, title: def.title, caption: def.caption, path });
  }
  return refs;
}

// ---------------------------------------------------------------- markdown

function verdictLine(data: ReportData): string {
  const next = nextWaveLabel(data.plan);
  const w = data.wave;
  if (w.verdict === 'GO') return `**Recommendation: ✅ GO for ${next}**`;
  if (w.verdict === 'NO-GO') return `**Recommendation: ❌ NO-GO for ${next}**`;
  if (w.verdict === 'ABORTED') return `**Monitoring ABORTED by an operator — no recommendation for ${next}**`;
  return `**No decision yet: the wave is ${w.phase} (interim report)**`;
}

function criteriaTable(criteria: CriterionResult[]): string[] {
  if (criteria.length === 0) return ['_No criteria._'];
  return mdTable(
    ['', 'Criterion', 'Target', 'Measured', 'Evidence'],
    criteria.map((c) => [passMark(c.outcome), c.title, `${c.metric} ${c.op} ${c.threshold}`, c.value === null ? `— (${c.outcome})` : fmtNumber(c.value, '', 3), evidence(c)]),
  );
}

function checkpointTable(data: ReportData): string[] {
  if (data.checkpoints.length === 0) return ['_No checkpoint collected yet._'];
  return mdTable(
    ['Checkpoint', 'Verdict', 'Uptime', 'Error rate', 'Delivery', 'p50', 'p99', 'Dual publish', 'Agent-ref', 'Restarts', 'Load max'],
    data.checkpoints.map((c) => {
      const h = c.headline;
      return [
        checkpointLabel(c),
        `${VERDICT_MARK[c.verdict]} ${c.verdict}`,
        fmtReading(h.uptimePct, 'pct'),
        fmtReading(h.errorRatePct, 'pct'),
        fmtReading(h.deliveryPct, 'pct'),
        fmtReading(h.latencyP50Ms, 'ms'),
        fmtReading(h.latencyP99Ms, 'ms'),
        fmtReading(h.dualPublishPct, 'pct'),
        fmtReading(h.agentRefPct, 'pct'),
        fmtReading(roleSummary(c, 'test').restarts, 'count'),
        fmtNumber(max(c.hosts.map((x) => num(x.load1)))),
      ];
    }),
    [false, false, true, true, true, true, true, true, true, true, true],
  );
}

function comparisonTable(cmp: CheckpointComparison): string[] {
  if (cmp.checkpoints.length < 2) return ['_One checkpoint so far: nothing to compare._'];
  return mdTable(
    ['Metric', ...cmp.checkpoints, 'Last change', 'Direction', 'Over the wave', 'Significance'],
    cmp.lines.map((l) => [
      l.label,
      ...l.values.map((v) => fmtValue(v, l.unit)),
      l.delta === null ? 'n/a' : `${l.delta >= 0 ? '+' : ''}${fmtValue(l.delta, l.unit)}`,
      l.direction,
      l.overall,
      l.pValue !== null ? `p=${l.pValue.toFixed(3)}` : 'not tested',
    ]),
  );
}

function testVsControlTable(r: CheckpointRecord): string[] {
  const cmp = comparisonOf(r);
  const unit = comparisonRowFormat;
  const lines = mdTable(
    ['Metric', 'Test', 'Control', 'Δ', 'Significant'],
    cmp.rows.map((row) => [
      row.metric,
      fmtReading(row.test, unit(row.metric)),
      fmtReading(row.control, unit(row.metric)),
      row.deltaPct.value === null ? 'n/a' : `${row.deltaPct.value >= 0 ? '+' : ''}${fmtPct(row.deltaPct.value, 1)}`,
      row.significant === null ? 'not tested' : `${row.significant ? 'yes' : 'no'} (${row.method}${row.pValue !== null ? `, p=${row.pValue.toFixed(3)}` : ''})`,
    ]),
  );
  if (cmp.note) lines.push('', `_${cmp.note}_`);
  return lines;
}

function performanceTables(r: CheckpointRecord): string[] {
  const out: string[] = [];
  out.push(
    ...mdTable(
      ['Agent', 'Role', 'p50', 'p99', 'p999', 'max', 'Delivery', 'Throughput'],
      r.probes.map((p) => [
        probeLabel(p),
        p.role,
        fmtReading(p.p50Ms, 'ms'),
        fmtReading(p.p99Ms, 'ms'),
        fmtReading(p.p999Ms, 'ms', true),
        fmtReading(p.maxMs, 'ms'),
        `${fmtReading(p.deliveryPct, 'pct')} (${p.received}/${p.sent})`,
        `${fmtReading(p.throughputPerSec, 'plain')}/s`,
      ]),
    ),
  );
  out.push('', `Dual-publish skew (publish time): p50 ${fmtReading(r.nats.publishSkewP50Ms, 'ms')}, p99 ${fmtReading(r.nats.publishSkewP99Ms, 'ms')}.`, '');
  out.push(
    ...mdTable(
      ['Instance', 'Role', 'State', 'Uptime', 'Restarts', 'Memory', 'CPU', 'Errors', 'Error rate'],
      r.agents.map((a) => {
        // a reading missing for the row's own reason (host unreachable) shows as "—", the reason once
        const cell = (x: Parameters<typeof fmtReading>[0], unit: Parameters<typeof fmtReading>[1]) =>
          x && x.value === null && a.state.reason && x.reason === a.state.reason ? '—' : fmtReading(x, unit);
        return [
          instanceKey(a.host, a.agent),
          a.role,
          a.state.active === null ? `unknown: ${a.state.reason ?? 'not collected'}` : `${a.state.active}/${a.state.sub ?? '?'}`,
          cell(a.uptimePct, 'pct'),
          cell(a.restarts, 'count'),
          cell(a.memoryBytes, 'bytes'),
          cell(a.cpuPct, 'pct'),
          cell(a.errors, 'count'),
          cell(a.errorRatePct, 'pct'),
        ];
      }),
    ),
  );
  return out;
}

function waveErrorTypes(data: ReportData): { agent: string; role: string; type: string; count: number; recurring: boolean; hosts: string[]; checkpoints: string[] }[] {
  const map = new Map<string, { agent: string; role: string; type: string; count: number; recurring: boolean; hosts: string[]; checkpoints: string[] }>();
  for (const c of data.checkpoints)
    for (const t of errorsByType(c.agents)) {
      const key = `${t.agent}\u0000${t.type}`;
      const cur = map.get(key) ?? { agent: t.agent, role: t.role, type: t.type, count: 0, recurring: false, hosts: [], checkpoints: [] };
      cur.count += t.count;
      cur.recurring = cur.recurring || t.recurring || cur.checkpoints.length > 0;
      for (const h of t.hosts) if (!cur.hosts.includes(h)) cur.hosts.push(h);
      cur.checkpoints.push(c.checkpoint);
      map.set(key, cur);
    }
  return [...map.values()].sort((a, b) => b.count - a.count || a.type.localeCompare(b.type));
}

function alertsTable(alerts: AlertRecord[]): string[] {
  if (alerts.length === 0) return ['_No alerts fired._'];
  return mdTable(
    ['Alert', 'Severity', 'Scope', 'State', 'First fired', 'Resolved', 'Acknowledged', 'Action taken'],
    [...alerts]
      .sort((a, b) => a.firstFiredAt.localeCompare(b.firstFiredAt))
      .map((a) => [
        `${a.title}${a.escalated ? ' (escalated)' : ''}: ${a.message}`,
        a.severity === 'critical' ? '🚨 critical' : '⚠️ warning',
        a.scope,
        a.state,
        fmtTime(a.firstFiredAt),
        fmtTime(a.resolvedAt),
        a.acknowledgedAt ? `${fmtTime(a.acknowledgedAt)} by ${a.acknowledgedBy ?? 'unknown'}` : '—',
        a.actionTaken,
      ]),
  );
}

function operatorTable(ops: OperatorAction[]): string[] {
  if (ops.length === 0) return ['_No operator actions._'];
  return mdTable(
    ['Time', 'Action', 'By', 'Reason', 'Detail', 'Outcome'],
    ops.map((o) => [fmtTime(o.at), o.kind, o.by ?? 'unknown', o.reason, o.detail ?? '', o.outcome ?? '']),
  );
}

function rollbackSection(w: WaveRecord): string[] {
  const r = w.rollback;
  if (!r || (!r.executed && r.steps.length === 0)) return ['_No rollback was executed._'];
  const out = [
    `Rollback ${r.executed ? 'executed' : 'not completed'} — trigger: ${r.trigger}; reason: ${r.reason}; started ${fmtTime(r.startedAt)}, finished ${fmtTime(r.finishedAt)}.`,
    '',
  ];
  out.push(
    ...mdTable(
      ['Step', 'Target', 'State', 'Started', 'Finished', 'Detail'],
      r.steps.map((s) => [s.name, s.target, s.state, fmtTime(s.startedAt), fmtTime(s.finishedAt), s.detail ?? '']),
    ),
  );
  return out;
}

/**
 * A pass close to its limit: an upper limit more than 80 % used, or a lower limit passed by less than
 * a fifth of the room above it (room up to 100 for a percentage, else the limit itself).
 */
export function tightMargin(c: CriterionResult): boolean {
  if (c.value === null || c.outcome !== 'pass') return false;
  if (c.op === '<' || c.op === '<=') return c.threshold > 0 && c.value > 0.8 * c.threshold;
  if (c.op === '>' || c.op === '>=') {
    const room = unitOf(c.metric) === 'pct' ? 100 - c.threshold : Math.abs(c.threshold);
    return room > 0 && c.value - c.threshold < 0.2 * room;
  }
  return false;
}

/** What the data says held and what degraded, and what to do about it (the spec's "Lessons learned"). */
export function lessons(data: ReportData): { held: string[]; degraded: string[]; recommendations: string[] } {
  const held: string[] = [];
  const degraded: string[] = [];
  const recs: string[] = [];
  const criteria = waveCriteria(data, true).criteria.filter(judged);
  const secondary = waveCriteria(data, false).criteria.filter(judged);
  const heldSecondary: string[] = [];
  for (const c of [...criteria, ...secondary]) {
    if (c.outcome === 'pass' && c.value !== null) {
      const upper = c.op === '<' || c.op === '<=';
      const used = upper && c.threshold > 0 ? (c.value / c.threshold) * 100 : null;
      if (c.primary) held.push(`${c.title}: measured ${fmtNumber(c.value, '', 3)} against ${c.op} ${c.threshold}${used !== null ? ` (${fmtPct(used, 1)} of the limit)` : ''}.`);
      else heldSecondary.push(c.title);
      if (tightMargin(c)) recs.push(`${c.title} passed with a tight margin (${fmtNumber(c.value, '', 3)} against ${c.op} ${c.threshold}): watch it closely in ${nextWaveLabel(data.plan)}.`);
    } else if (c.outcome === 'fail') {
      degraded.push(`${c.title} ${c.primary ? '(primary)' : '(secondary)'} was not met: ${fmtNumber(c.value, '', 3)} against ${c.op} ${c.threshold}${c.note ? ` — ${c.note}` : ''}.`);
      recs.push(`Find and fix the cause of "${c.title}" before ${nextWaveLabel(data.plan)}.`);
    } else if (c.outcome === 'inconclusive' || c.outcome === 'error') {
      degraded.push(`${c.title} could not be judged (${c.outcome}${c.note ? `: ${c.note}` : ''}).`);
      recs.push(`Make "${c.metric}" measurable for ${nextWaveLabel(data.plan)} (it had no usable data).`);
    } else if (c.outcome === 'waived') {
      degraded.push(`${c.title} was waived by ${c.waiver?.by ?? 'an operator'}: ${c.waiver?.reason ?? 'no reason given'}.`);
    }
  }
  if (heldSecondary.length) held.push(`Secondary criteria met: ${heldSecondary.join('; ')}.`);
  const cmp = compareCheckpoints(data.checkpoints, data.plan);
  for (const l of cmp.lines) {
    if (l.overall === 'degrading') {
      const first = l.values.find(isNum);
      const last = [...l.values].reverse().find(isNum);
      degraded.push(`${l.label} degraded over the wave: ${fmtValue(first, l.unit)} → ${fmtValue(last, l.unit)}.`);
    }
  }
  for (const s of instanceSeries(data.samples, data.wave.timeScale)) {
    const growth = s.role === 'test' ? steadyGrowth(s, data.plan.wave.duration / 3_600_000) : null;
    if (growth !== null) {
      degraded.push(`${s.key}: memory grew steadily, ${fmtBytes(s.memorySlopePerHour)}/h (r²=${(s.memoryR2 ?? 0).toFixed(2)}), +${fmtPct(growth, 0)} per wave at this rate.`);
      recs.push(`Profile ${s.agent}'s memory before ${nextWaveLabel(data.plan)}: it grew ${fmtBytes(s.memorySlopePerHour)}/h.`);
    }
  }
  const byRule = new Map<string, AlertRecord[]>();
  for (const a of data.wave.alerts) byRule.set(a.rule, [...(byRule.get(a.rule) ?? []), a]);
  for (const [rule, list] of byRule) degraded.push(`Alert "${list[0].title}" (${rule}) fired ${list.length} time(s), on ${[...new Set(list.map((a) => a.scope))].join(', ')}.`);
  if (data.wave.alerts.length === 0) held.push('No alert fired during the wave.');
  const last = data.checkpoints[data.checkpoints.length - 1];
  if (last) {
    for (const row of comparisonOf(last).rows)
      if (row.significant && isNum(row.deltaPct.value) && row.deltaPct.value > 0 && row.metric !== 'uptime_pct')
        degraded.push(`Agents under test were significantly worse than control on ${row.metric} (${fmtPct(row.deltaPct.value, 1)}).`);
    const gaps = data.checkpoints.flatMap((c) => c.gaps.map((g) => `${c.checkpoint}: ${g}`));
    if (gaps.length) {
      degraded.push(`Data gaps: ${gaps.slice(0, 5).join('; ')}${gaps.length > 5 ? `; … ${gaps.length - 5} more` : ''}.`);
      recs.push('Close the monitoring gaps listed under Issues (collection failures) before the next wave.');
    }
  }
  const missing = data.wave.checkpoints.filter((c) => c.gap);
  for (const c of missing) degraded.push(`Checkpoint ${c.name} was not collected: ${c.gap}.`);
  if (data.wave.skippedTicks > 0) degraded.push(`${data.wave.skippedTicks} monitor tick(s) were skipped because collection took longer than a tick.`);
  if (degraded.length === 0) recs.push(`No change to the monitoring plan is needed for ${nextWaveLabel(data.plan)}: keep the thresholds and the checkpoint schedule.`);
  if (held.length === 0) held.push('Nothing can be said to have held: no criterion passed with data.');
  return { held, degraded, recommendations: [...new Set(recs)] };
}

function nextSteps(data: ReportData): { go: string[]; noGo: string[] } {
  const next = nextWaveLabel(data.plan);
  const criteria = waveCriteria(data, true).criteria.filter(judged);
  const watch = lessons(data).recommendations;
  const go = [
    `Schedule ${next} and write its plan from this one (hosts, agents, the same criteria and alert rules).`,
    'Keep this wave\'s agents running; they are the baseline for the next wave\'s comparison.',
    ...watch.map((w) => `Carry forward: ${w}`),
    'Send the final report to the stakeholders and archive the checkpoint folders with the decision.',
  ];
  const noGo: string[] = [];
  for (const c of criteria.filter((x) => x.outcome !== 'pass' && x.outcome !== 'waived'))
    noGo.push(`Resolve "${c.title}": ${c.value === null ? c.outcome : `measured ${fmtNumber(c.value, '', 3)}, target ${c.op} ${c.threshold}`}${c.note ? ` (${c.note})` : ''}.`);
  for (const a of data.wave.alerts.filter((x) => x.severity === 'critical'))
    noGo.push(`Investigate critical alert "${a.title}" on ${a.scope} (first fired ${fmtTime(a.firstFiredAt)}): ${a.message}.`);
  const r = data.wave.rollback;
  if (r?.executed) noGo.push(`Verify the rollback (${r.steps.filter((s) => s.state === 'done' || s.state === 'skipped').length}/${r.steps.length} steps done or already in place): agents under test stopped and disabled on every host.`);
  else noGo.push('Run the rollback procedure (stop and disable the agents under test on every host) unless a fix is deployed first.');
  noGo.push(`Fix, redeploy, and run this wave's 24-hour monitoring again before ${next}.`);
  return { go, noGo };
}

export interface MarkdownOptions {
  /** "Final report" (the report document) or "Final analysis" (the T+24h checkpoint file). */
  heading: string;
  /** Absolute path of the document being written (links are relative to it). */
  docAbs: string;
  charts: ChartRef[];
  locate: (path: string) => string;
}

/** The report (and final_analysis.md): the spec's five sections. */
export function renderReportMarkdown(data: ReportData, opts: MarkdownOptions): string {
  const w = data.wave;
  const link = (path: string) => relativeLink(opts.docAbs, opts.locate(path));
  const { criteria, interim } = waveCriteria(data, true);
  const secondary = waveCriteria(data, false).criteria;
  const durationMs = (Date.parse(w.finishedAt ?? data.checkpoints[data.checkpoints.length - 1]?.finishedAt ?? w.monitoringStart) - Date.parse(w.monitoringStart)) * (w.timeScale || 1);
  const out: string[] = [];
  out.push(`# ${data.plan.wave.title} — ${opts.heading}`, '');
  out.push(
    `Wave \`${w.wave}\` · workflow \`${w.waveId}\` · monitoring from ${fmtTime(w.monitoringStart)}${w.finishedAt ? ` to ${fmtTime(w.finishedAt)}` : ' (running)'} · ` +
      `${fmtDur(durationMs)} of ${fmtDur(data.plan.wave.duration)} planned${w.timeScale !== 1 ? ` (time scale ${w.timeScale}×)` : ''} · phase ${w.phase}`,
    '',
  );
  if (!data.waveFromFile) out.push('> wave.json was not found: this report is rebuilt from the checkpoint folders and the alert log alone.', '');

  out.push('## 1. Executive summary', '', verdictLine(data), '', w.verdictReason, '');
  out.push(`Agents under test: ${data.plan.agents.underTest.map((a) => `${a.name} (${a.cluster}) × ${data.plan.hosts.length}`).join(', ')}; control: ${data.plan.agents.control.map((a) => a.name).join(', ') || 'none'}; hosts: ${data.plan.hosts.map((h) => h.name).join(', ')}.`, '');
  out.push('### Deployment timeline', '');
  const tl = timeline(data);
  out.push(...mdTable(['Time (UTC)', 'Plan time', 'Event'], tl.map((e) => [fmtTime(e.at), planOffset(w, e.at), `${e.kind}: ${e.text}`])), '');
  out.push(`### Success criteria${interim ? ' (interim: the latest checkpoint result of each)' : ''}`, '', ...criteriaTable(criteria), '');
  if (secondary.length) out.push('Secondary criteria (informational):', '', ...criteriaTable(secondary), '');

  out.push('## 2. Metrics analysis', '', '### All checkpoints', '', ...checkpointTable(data), '');
  if (data.recollections.length)
    out.push(`Re-collections kept beside their originals: ${data.recollections.map((r) => `${checkpointFolder(r.checkpoint, r.collection)}${r.reason ? ` (${r.reason})` : ''}`).join(', ')}; the tables use the latest collection of each checkpoint.`, '');
  out.push('Checkpoint files:', '');
  for (const c of data.checkpoints) out.push(`- [${checkpointFolder(c.checkpoint, c.collection)}/summary.json](${link(checkpointPath(data.plan, c.checkpoint, c.collection, 'summary.json'))})`);
  out.push('', '### Trends', '');
  for (const id of ['error-rate', 'latency', 'memory', 'uptime']) {
    const ch = opts.charts.find((c) => c.id === id);
    if (ch) out.push(`![${ch.title}](${link(ch.path)})`, '', `_${ch.caption}_`, '');
  }
  out.push('Checkpoint comparison (agents under test):', '', ...comparisonTable(compareCheckpoints(data.checkpoints, data.plan)), '');
  if (data.samples.length) out.push('Monitor samples over the wave:', '', '```text', ...trendBlock(data.samples, 72, w.timeScale), '```', '');
  const last = data.checkpoints[data.checkpoints.length - 1];
  out.push('### Test vs control', '');
  const tvc = opts.charts.find((c) => c.id === 'test-vs-control');
  if (tvc) out.push(`![${tvc.title}](${link(tvc.path)})`, '', `_${tvc.caption}_`, '');
  if (last) out.push(`At ${checkpointLabel(last)}:`, '', ...testVsControlTable(last), '');
  out.push('### Performance characteristics', '');
  if (last) out.push(`At ${checkpointLabel(last)}:`, '', ...performanceTables(last), '');
  else out.push('_No checkpoint collected yet._', '');

  out.push('## 3. Issues encountered', '', '### Errors logged', '');
  const types = waveErrorTypes(data);
  const totalErrors = sum(data.checkpoints.map((c) => num(roleSummary(c, 'test').errors)));
  out.push(`Agents under test logged ${fmtValue(totalErrors, 'count')} error(s) over the checkpoint windows.`, '');
  if (types.length)
    out.push(
      ...mdTable(
        ['Count', 'Agent', 'Hosts', 'Pattern', 'Checkpoints', 'Error'],
        types.slice(0, 30).map((t) => [String(t.count), `${t.agent}${t.role === 'control' ? ' (control)' : ''}`, t.hosts.join(', '), t.recurring ? 'recurring' : 'one-off', t.checkpoints.join(', '), t.type]),
        [true],
      ),
      '',
    );
  out.push('### Anomalies observed', '');
  const findings = data.checkpoints.flatMap((c) => c.findings.map((f) => ({ ...f, checkpoint: c.checkpoint })));
  if (findings.length === 0) out.push('_None found._', '');
  else out.push(...mdTable(['Checkpoint', 'Severity', 'Kind', 'Scope', 'Finding'], findings.map((f) => [f.checkpoint, f.severity, f.kind, f.scope, f.message])), '');
  out.push('### Alerts', '', ...alertsTable(w.alerts), '');
  out.push('### Mitigations applied', '', 'Operator actions:', '', ...operatorTable(w.operatorActions), '', 'Rollback:', '', ...rollbackSection(w), '');
  const gaps = [
    ...data.checkpoints.flatMap((c) => c.gaps.map((g) => `${c.checkpoint}: ${g}`)),
    ...w.checkpoints.filter((c) => c.gap).map((c) => `${c.name}: ${c.gap}`),
  ];
  out.push('### Data gaps', '', ...(gaps.length ? gaps.map((g) => `- ${g}`) : ['_None._']), '');

  const l = lessons(data);
  out.push('## 4. Lessons learned', '', '### What worked well', '', ...l.held.map((x) => `- ${x}`), '');
  out.push('### What could be improved', '', ...(l.degraded.length ? l.degraded.map((x) => `- ${x}`) : ['- Nothing degraded in the data.']), '');
  out.push(`### Recommendations for ${nextWaveLabel(data.plan)}`, '', ...l.recommendations.map((x) => `- ${x}`), '');

  const steps = nextSteps(data);
  const applies = (v: 'GO' | 'NO-GO') => (w.verdict === v ? ' — applies' : w.verdict === null ? ' — if the wave ends so' : '');
  out.push('## 5. Next steps', '', `### If GO: ${nextWaveLabel(data.plan)} preparation${applies('GO')}`, '', ...steps.go.map((x) => `- ${x}`), '');
  out.push(`### If NO-GO: issue resolution plan${applies('NO-GO')}`, '', ...steps.noGo.map((x) => `- ${x}`), '');
  return `${out.join('\n')}\n`;
}

/** The decision document: verdict, criteria with evidence, operator actions, recommendation. */
export function renderDecisionMarkdown(data: ReportData, opts: { docAbs: string; reportPath: string; finalAnalysisPath: string | null; locate: (p: string) => string }): string {
  const w = data.wave;
  const next = nextWaveLabel(data.plan);
  const link = (path: string) => relativeLink(opts.docAbs, opts.locate(path));
  const { criteria, interim } = waveCriteria(data, true);
  const out: string[] = [];
  out.push(`# ${data.plan.wave.title} — Go/No-Go Decision for ${next}`, '');
  const decision =
    w.verdict === 'GO' ? `✅ GO for ${next}` : w.verdict === 'NO-GO' ? `❌ NO-GO for ${next}` : w.verdict === 'ABORTED' ? 'ABORTED (no decision)' : 'pending (the wave is still running)';
  out.push(`**Decision: ${decision}**`, '');
  out.push(...mdTable(['', ''], [
    ['Wave', `${w.title} (\`${w.wave}\`, workflow \`${w.waveId}\`)`],
    ['Monitoring', `${fmtTime(w.monitoringStart)} – ${w.finishedAt ? fmtTime(w.finishedAt) : 'running'}`],
    ['Phase', w.phase],
    ['Verdict', w.verdict ?? 'none yet'],
    ['Reason', w.verdictReason],
    ['Checkpoints', w.checkpoints.map((c) => `${c.name} ${c.verdict ? `${VERDICT_MARK[c.verdict]} ${c.verdict}` : c.gap ? `not collected (${c.gap})` : 'pending'}`).join(', ') || 'none'],
  ]), '');
  out.push(`## Success criteria${interim ? ' (interim)' : ''}`, '', 'GO requires every primary criterion to pass (or be waived with a reason).', '', ...criteriaTable(criteria), '');
  out.push('## Operator actions', '', ...operatorTable(w.operatorActions), '');
  out.push('## Alerts', '', ...alertsTable(w.alerts), '');
  out.push('## Rollback', '', ...rollbackSection(w), '');
  out.push('## Recommendation', '');
  const failed = criteria.filter((c) => c.outcome !== 'pass' && c.outcome !== 'waived');
  if (w.verdict === 'GO')
    out.push(`Proceed with ${next}. Every primary criterion passed${criteria.some((c) => c.outcome === 'waived') ? ' or was waived with a recorded reason' : ''}.`);
  else if (w.verdict === 'NO-GO')
    out.push(
      `Do not proceed with ${next}. ${failed.length ? `Not met: ${failed.map((c) => `${c.title} (${c.value === null ? c.outcome : fmtNumber(c.value, '', 3)})`).join('; ')}.` : ''}${w.rollback?.executed ? ' The wave was rolled back.' : ''}`,
    );
  else if (w.verdict === 'ABORTED') out.push(`Monitoring was aborted by an operator; there is no basis for ${next}. See the operator actions for the reason.`);
  else out.push('No recommendation until the wave ends; the table shows the latest checkpoint results.');
  const steps = nextSteps(data);
  const list = w.verdict === 'GO' ? steps.go : w.verdict === 'NO-GO' ? steps.noGo : null;
  if (list) out.push('', '## Next steps', '', ...list.map((x) => `- ${x}`));
  out.push('', '## Documents', '', `- Report: [${posix.basename(opts.reportPath)}](${link(opts.reportPath)})`);
  if (opts.finalAnalysisPath) out.push(`- Final analysis: [${posix.basename(opts.finalAnalysisPath)}](${link(opts.finalAnalysisPath)})`);
  out.push(`- Alert log: \`${data.plan.output.alertLog}\``, `- Checkpoints: \`${data.plan.output.dir}\``);
  return `${out.join('\n')}\n`;
}

/** final_analysis.md for the final checkpoint (charts rendered beside the checkpoints). */
export async function renderFinalAnalysisForCheckpoint(
  store: ArtifactStore,
  plan: Plan,
  record: CheckpointRecord,
  previous: CheckpointRecord[],
  samples: MonitorSample[],
  wave: WaveRecord | null,
  tb: Timebase,
  charts?: ChartRef[],
): Promise<string> {
  const checkpoints = [...previous, record];
  const data: ReportData = {
    plan,
    wave: wave ?? synthesizeWave(plan, checkpoints, [], tb),
    waveFromFile: wave !== null,
    checkpoints,
    recollections: [],
    samples,
    alertLog: [],
  };
  const refs = charts ?? (await writeCharts(store, plan, checkpoints, samples, tb));
  const path = checkpointPath(plan, record.checkpoint, record.collection, 'final_analysis.md');
  return renderReportMarkdown(data, { heading: `Final analysis (${checkpointLabel(record)})`, docAbs: store.locate(path), charts: refs, locate: (p) => store.locate(p) });
}

// The markdown tables and sections the report and the decision document share. Pure: records in,
// lines out.
import type { AlertRecord, OperatorAction } from '../artifacts/records/alerts';
import type { CheckpointRecord } from '../artifacts/records/checkpoint';
import type { CriterionResult } from '../artifacts/records/judgement';
import type { TimelineEvent, WaveRecord } from '../artifacts/records/wave';
import { nextWaveLabel } from '../plan/next-wave';
import { instanceKey } from '../model/instance';
import { comparisonRowFormat, type CheckpointComparison } from './compare';
import { VERDICT_MARK, fmtDur, fmtNumber, fmtPct, fmtReading, fmtTime, fmtValue, mdTable, num, passMark } from './format';
import { isNum } from '../plan/units';
import type { ReportData } from './report-data';
import { comparisonOf, errorsByType, probeLabel, roleSummary } from './rollup';
import { max } from './stats';
import { checkpointLabel, evidence } from './text';

export function planOffset(wave: WaveRecord, at: string): string {
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

export function verdictLine(data: ReportData): string {
  const next = nextWaveLabel(data.plan);
  const w = data.wave;
  if (w.verdict === 'GO') return `**Recommendation: ✅ GO for ${next}**`;
  if (w.verdict === 'NO-GO') return `**Recommendation: ❌ NO-GO for ${next}**`;
  if (w.verdict === 'ABORTED') return `**Monitoring ABORTED by an operator — no recommendation for ${next}**`;
  return `**No decision yet: the wave is ${w.phase} (interim report)**`;
}

export function criteriaTable(criteria: CriterionResult[]): string[] {
  if (criteria.length === 0) return ['_No criteria._'];
  return mdTable(
    ['', 'Criterion', 'Target', 'Measured', 'Evidence'],
    criteria.map((c) => [passMark(c.outcome), c.title, `${c.metric} ${c.op} ${c.threshold}`, c.value === null ? `— (${c.outcome})` : fmtNumber(c.value, '', 3), evidence(c)]),
  );
}

export function checkpointTable(data: ReportData): string[] {
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

export function comparisonTable(cmp: CheckpointComparison): string[] {
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

export function testVsControlTable(r: CheckpointRecord): string[] {
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

export function performanceTables(r: CheckpointRecord): string[] {
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

export function waveErrorTypes(data: ReportData): { agent: string; role: string; type: string; count: number; recurring: boolean; hosts: string[]; checkpoints: string[] }[] {
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

export function alertsTable(alerts: AlertRecord[]): string[] {
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

export function operatorTable(ops: OperatorAction[]): string[] {
  if (ops.length === 0) return ['_No operator actions._'];
  return mdTable(
    ['Time', 'Action', 'By', 'Reason', 'Detail', 'Outcome'],
    ops.map((o) => [fmtTime(o.at), o.kind, o.by ?? 'unknown', o.reason, o.detail ?? '', o.outcome ?? '']),
  );
}

export function rollbackSection(w: WaveRecord): string[] {
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

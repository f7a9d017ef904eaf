// The plain-text files of a checkpoint folder (errors.log, nats_sampling.txt, analysis.txt) and the
// blocks trends.txt shares. Pure functions of their inputs: a retried write produces the same bytes.
import { errorLine, escapeLine } from '../artifacts/errors-log';
import type { CheckpointRecord } from '../artifacts/records/checkpoint';
import type { CriterionResult } from '../artifacts/records/judgement';
import { instanceKey } from '../model/instance';
import type { Plan } from '../plan/schema';
import { compareCheckpoints, comparisonRowFormat, type CheckpointComparison } from './compare';
import { OUTCOME_MARK, VERDICT_MARK, fmtDur, fmtNumber, fmtPct, fmtReading, fmtTime, fmtValue, textTable } from './format';
import { isNum } from '../plan/units';
import { comparisonOf, errorsByType, probeLabel } from './rollup';
import { delta } from './stats';

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

export function issuesLines(r: CheckpointRecord): string[] {
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

export function header(kind: string, r: CheckpointRecord, plan: Plan | null): string[] {
  const out = [
    `${kind} — ${title(plan, r)}`,
    `Collected ${fmtTime(r.startedAt)} – ${fmtTime(r.finishedAt)} (due ${fmtTime(r.dueAt)}), window from ${fmtTime(r.windowStart)}`,
  ];
  if (r.collectionReason) out.push(`Re-collected: ${r.collectionReason}`);
  out.push(`Verdict: ${VERDICT_MARK[r.verdict]} ${r.verdict} — ${r.verdictReason}`, '', 'Criteria', ...criteriaLines(r.criteria));
  return out;
}

export function errorPatternLines(r: CheckpointRecord): string[] {
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

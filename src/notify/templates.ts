// The spec's three emails ("Communication Plan"): checkpoint notification, incident alert, final
// report — plain text plus HTML, rendered from the notification objects of notifications.ts, with
// stable Message-IDs and threading.
import { createHash } from 'node:crypto';
import type { RuleOutcome } from '../model/rule-result';
import { nextWaveLabel } from '../plan/next-wave';
import type { Plan } from '../plan/schema';
import { VERDICT_MARK, fmtDur, fmtNumber, fmtReading, fmtTime, passMark } from '../report/format';
import type { FinalNotification, IncidentNotification, Notification } from './notifications';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  /** "<…@…>", the same for the same notification, so a retried send is recognisable. */
  messageId: string;
  /** Threading: incident follow-ups answer the first alert email; all emails of a wave reference its thread. */
  inReplyTo?: string;
  references: string[];
}

// ---------------------------------------------------------------- ids

function domainOf(plan: Plan): string {
  const d = plan.notify.from.split('@')[1] ?? 'wavewatch.invalid';
  return d.replace(/[^A-Za-z0-9.-]/g, '') || 'wavewatch.invalid';
}

function hash(...parts: (string | number)[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 24);
}

/** What makes a notification itself: a retry of the same one has the same key. */
export function notificationKey(n: Notification): string {
  switch (n.kind) {
    case 'checkpoint': return `checkpoint/${n.checkpoint}/${n.collection}`;
    case 'incident': return `incident/${n.alert.id}/${n.event}/${n.sequence}`;
    case 'final': return `final/${n.verdict}`;
  }
}

/** "<wavewatch.checkpoint.3f2a…@cim.local>": deterministic per wave run and notification. */
export function notificationMessageId(plan: Plan, n: Notification): string {
  return `<wavewatch.${n.kind}.${hash(plan.wave.name, n.waveId, notificationKey(n))}@${domainOf(plan)}>`;
}

function threadId(plan: Plan, waveId: string): string {
  return `<wavewatch.wave.${hash(plan.wave.name, waveId)}@${domainOf(plan)}>`;
}

function firstAlertMessageId(plan: Plan, n: IncidentNotification): string {
  return notificationMessageId(plan, { ...n, event: 'fired', sequence: 0 });
}

// ---------------------------------------------------------------- rendering

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const STYLE = {
  body: 'font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;color:#1a1a1a;line-height:1.45',
  table: 'border-collapse:collapse;margin:8px 0',
  td: 'padding:4px 10px;border:1px solid #ddd;vertical-align:top',
  th: 'padding:4px 10px;border:1px solid #ddd;background:#f4f4f4;text-align:left',
  foot: 'color:#666;font-size:12px;margin-top:16px',
};

function htmlDoc(title: string, body: string[]): string {
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>${esc(title)}</title></head>\n<body style="${STYLE.body}">\n${body.join('\n')}\n</body></html>\n`;
}

function htmlTable(rows: string[][], header?: string[]): string {
  const h = header ? `<tr>${header.map((c) => `<th style="${STYLE.th}">${esc(c)}</th>`).join('')}</tr>` : '';
  return `<table style="${STYLE.table}">${h}${rows.map((r) => `<tr>${r.map((c) => `<td style="${STYLE.td}">${esc(c)}</td>`).join('')}</tr>`).join('')}</table>`;
}

function htmlList(items: string[]): string {
  return `<ul>${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`;
}

function criterionLine(c: FinalNotification['criteria'][number]): string {
  const measured = c.value === null ? `no verdict (${c.outcome}${c.note ? `: ${c.note}` : ''})` : `measured ${fmtNumber(c.value, '', 3)}`;
  const waived = c.outcome === 'waived' ? ` — waived by ${c.waiver?.by ?? 'an operator'}: ${c.waiver?.reason ?? ''}` : '';
  return `${passMark(c.outcome as RuleOutcome)} ${c.title} — ${measured}${waived}`;
}

export function renderEmail(plan: Plan, n: Notification): RenderedEmail {
  const wave = plan.wave.title;
  const messageId = notificationMessageId(plan, n);
  const thread = threadId(plan, n.waveId);
  const footer = `wavewatch · ${plan.wave.name} · workflow ${n.waveId}`;

  if (n.kind === 'checkpoint') {
    const label = n.collection ? `${n.checkpoint} (re-collection ${n.collection})` : n.checkpoint;
    const subject = `${wave} Checkpoint: ${label} Status — ${VERDICT_MARK[n.verdict]} ${n.verdict}`;
    const m = n.metrics;
    const metrics: [string, string][] = [
      ['Agent Uptime', fmtReading(m.uptimePct, 'pct')],
      ['Error Rate', fmtReading(m.errorRatePct, 'pct')],
      ['Response Latency', `${fmtReading(m.latencyP50Ms, 'ms')} (p50), ${fmtReading(m.latencyP99Ms, 'ms')} (p99)`],
      ['Dual Publishing', m.dualPublishPct.value === null ? fmtReading(m.dualPublishPct, 'pct') : `${fmtReading(m.dualPublishPct, 'pct')} success`],
      ['Message Delivery', fmtReading(m.deliveryPct, 'pct')],
    ];
    const next = n.next ? `${n.next.name} at ${fmtTime(n.next.dueAt)}` : 'none (this was the last checkpoint)';
    const text = [
      `Status: ${VERDICT_MARK[n.verdict]} ${n.verdict} — ${n.verdictReason}`,
      '',
      'Metrics:',
      ...metrics.map(([k, v]) => `- ${k}: ${v}`),
      '',
      n.issues.length ? 'Issues:' : 'Issues: None',
      ...n.issues.map((i) => `- ${i}`),
      ...(n.issues.length ? [''] : []),
      `Next Checkpoint: ${next}`,
      '',
      `Full report: ${n.summaryPath}`,
      '',
      `-- ${footer}`,
      '',
    ].join('\n');
    const html = htmlDoc(subject, [
      `<h2 style="margin:0 0 8px">${esc(wave)} — checkpoint ${esc(label)}</h2>`,
      `<p><b>Status: ${esc(`${VERDICT_MARK[n.verdict]} ${n.verdict}`)}</b> — ${esc(n.verdictReason)}</p>`,
      '<h3>Metrics</h3>',
      htmlTable(metrics),
      `<h3>Issues</h3>`,
      n.issues.length ? htmlList(n.issues) : '<p>None</p>',
      `<p><b>Next Checkpoint:</b> ${esc(next)}</p>`,
      `<p><b>Full report:</b> <code>${esc(n.summaryPath)}</code></p>`,
      `<p style="${STYLE.foot}">${esc(footer)}</p>`,
    ]);
    return { subject, text, html, messageId, references: [thread] };
  }

  if (n.kind === 'incident') {
    const a = n.alert;
    const what = n.event === 'escalated' ? ` (escalated to ${a.severity.toUpperCase()})` : n.event === 'reminder' ? ` (reminder ${n.sequence}: not acknowledged)` : '';
    const subject = `🚨 ${wave} Alert${what}: ${a.title}`;
    const lines: [string, string][] = [
      ['Alert', a.message],
      ['Severity', a.severity.toUpperCase()],
      ['Time', fmtTime(n.at)],
      ['Scope', a.scope],
      ['First fired', fmtTime(a.firstFiredAt)],
    ];
    const ack = `send the acknowledgeAlert update {"alertId": "${a.id}"} to workflow ${n.waveId}`;
    const text = [
      ...lines.map(([k, v]) => `${k}: ${v}`),
      '',
      'Metrics:',
      ...(n.metrics.length ? n.metrics.map((x) => `- ${x.label}: ${x.value}`) : ['- none recorded']),
      '',
      `Action Taken: ${n.actionTaken}`,
      '',
      `Status Page: ${plan.output.alertLog}`,
      `To acknowledge (stops the reminders): ${ack}`,
      '',
      `-- ${footer} · alert ${a.id}`,
      '',
    ].join('\n');
    const html = htmlDoc(subject, [
      `<h2 style="margin:0 0 8px;color:${a.severity === 'critical' ? '#b00020' : '#a66300'}">🚨 ${esc(a.title)}${esc(what)}</h2>`,
      htmlTable(lines),
      '<h3>Metrics</h3>',
      n.metrics.length ? htmlTable(n.metrics.map((x) => [x.label, x.value])) : '<p>none recorded</p>',
      `<p><b>Action Taken:</b> ${esc(n.actionTaken)}</p>`,
      `<p><b>Status Page:</b> <code>${esc(plan.output.alertLog)}</code></p>`,
      `<p>To acknowledge (stops the reminders): ${esc(ack)}</p>`,
      `<p style="${STYLE.foot}">${esc(footer)} · alert ${esc(a.id)}</p>`,
    ]);
    const first = firstAlertMessageId(plan, n);
    return n.event === 'fired'
      ? { subject, text, html, messageId, references: [thread] }
      : { subject, text, html, messageId, inReplyTo: first, references: [thread, first] };
  }

  // final
  const next = nextWaveLabel(plan);
  const subject =
    n.verdict === 'ABORTED' ? `${wave} Monitoring Aborted: no GO/NO-GO for ${next}` : `${wave} Monitoring Complete: ${n.verdict} for ${next}`;
  const durationMs = (Date.parse(n.finishedAt) - Date.parse(n.monitoringStart)) * (n.timeScale || 1);
  const agents = plan.agents.underTest.map((x) => `${x.name} (${plan.hosts.length})`).join(', ');
  const allMet = n.criteria.length > 0 && n.criteria.every((c) => c.outcome === 'pass' || c.outcome === 'waived');
  const status = n.verdict === 'ABORTED' ? `Aborted${n.abortedBy ? ` by ${n.abortedBy}` : ''}` : allMet && n.verdict === 'GO' ? 'All success criteria met' : 'Issues identified';
  const recommendation = n.verdict === 'ABORTED' ? `none (monitoring aborted)` : `${n.verdict} for ${next}`;
  const summary: [string, string][] = [
    ['Duration', `${fmtDur(durationMs, { wholeHoursInWords: true })}${n.timeScale !== 1 ? ` (plan time; ${fmtDur(durationMs / n.timeScale)} at time scale ${n.timeScale}×)` : ''}`],
    ['Agents', agents],
    ['Status', status],
  ];
  const text = [
    'Summary:',
    ...summary.map(([k, v]) => `- ${k}: ${v}`),
    '',
    'Success Criteria:',
    ...(n.criteria.length ? n.criteria.map(criterionLine) : ['(no criteria judged)']),
    '',
    ...(n.issues.length ? ['Issues:', ...n.issues.map((i) => `- ${i}`), ''] : []),
    `Recommendation: ${recommendation}`,
    `Reason: ${n.verdictReason}`,
    '',
    `Full Report: ${plan.output.reportDoc}`,
    `Decision: ${plan.output.decisionDoc}`,
    '',
    `-- ${footer}`,
    '',
  ].join('\n');
  const html = htmlDoc(subject, [
    `<h2 style="margin:0 0 8px">${esc(subject)}</h2>`,
    '<h3>Summary</h3>',
    htmlTable(summary),
    '<h3>Success Criteria</h3>',
    n.criteria.length
      ? htmlTable(
          n.criteria.map((c) => [passMark(c.outcome as RuleOutcome), c.title, c.value === null ? c.outcome : fmtNumber(c.value, '', 3), c.outcome === 'waived' ? `waived by ${c.waiver?.by ?? '?'}: ${c.waiver?.reason ?? ''}` : c.note ?? '']),
          ['', 'Criterion', 'Measured', 'Note'],
        )
      : '<p>(no criteria judged)</p>',
    ...(n.issues.length ? ['<h3>Issues</h3>', htmlList(n.issues)] : []),
    `<p><b>Recommendation: ${esc(recommendation)}</b><br>${esc(n.verdictReason)}</p>`,
    `<p><b>Full Report:</b> <code>${esc(plan.output.reportDoc)}</code><br><b>Decision:</b> <code>${esc(plan.output.decisionDoc)}</code></p>`,
    `<p style="${STYLE.foot}">${esc(footer)}</p>`,
  ]);
  return { subject, text, html, messageId, references: [thread] };
}

/** The plan's recipients for a notification. */
export function recipientsFor(plan: Plan, n: Notification): string[] {
  return n.kind === 'checkpoint' ? plan.notify.checkpoint : n.kind === 'incident' ? plan.notify.incident : plan.notify.final;
}

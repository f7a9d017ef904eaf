// The alert log at plan.output.alertLog: JSON lines, one per alert event (fired, escalated,
// reminder, acknowledged, resolved, email sent or failed). It has everything, whether or not mail
// went out. Each line has an id; a retried append of the same event is not written twice, and a
// reader drops repeats and torn lines anyway.
import { createHash } from 'node:crypto';
import type { Plan } from '../plan/schema';
import { alertLogEntrySchema, type AlertLogEntry, type AlertRecord } from './records/alerts';
import type { ArtifactStore } from './store';
import { check } from './validate';

/** A deterministic event id: the same alert event (alert, event kind, time) always gets the same id. */
export function alertEventId(alertId: string, event: string, at: string): string {
  return createHash('sha256').update(`${alertId}\u0000${event}\u0000${at}`).digest('hex').slice(0, 16);
}

/** An alert log entry for an event of an alert record (id filled in deterministically). */
export function alertLogEntry(
  wave: { wave: string; waveId: string },
  alert: AlertRecord,
  event: string,
  at: string,
  extra: { by?: string; actionTaken?: string; message?: string } = {},
): AlertLogEntry {
  const e: AlertLogEntry = {
    id: alertEventId(alert.id, event, at),
    at,
    wave: wave.wave,
    waveId: wave.waveId,
    event,
    alertId: alert.id,
    rule: alert.rule,
    title: alert.title,
    severity: alert.severity,
    scope: alert.scope,
    state: alert.state,
    message: extra.message ?? alert.message,
    ...(alert.metric !== undefined ? { metric: alert.metric } : {}),
    ...(alert.op !== undefined ? { op: alert.op } : {}),
    value: alert.value,
    threshold: alert.threshold,
  };
  const action = extra.actionTaken ?? alert.actionTaken;
  if (action) e.actionTaken = action;
  if (extra.by) e.by = extra.by;
  return e;
}

/** Appends one event unless a line with its id is already there. Returns false when it was. */
export async function appendAlertLog(store: ArtifactStore, plan: Plan, entry: AlertLogEntry): Promise<boolean> {
  const e = check(alertLogEntrySchema, entry, 'alert log entry');
  const existing = await store.read(plan.output.alertLog);
  if (existing !== null && existing.includes(`"id":${JSON.stringify(e.id)}`) && parseLog(existing).some((x) => x.id === e.id)) return false;
  await store.appendLine(plan.output.alertLog, JSON.stringify(e));
  return true;
}

function parseLog(text: string): AlertLogEntry[] {
  const seen = new Set<string>();
  const out: AlertLogEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue; // a line torn by a crash
    }
    const r = alertLogEntrySchema.safeParse(parsed);
    if (!r.success || seen.has(r.data.id)) continue;
    seen.add(r.data.id);
    out.push(r.data);
  }
  return out;
}

/** The events of the log, in file order, each once; unreadable lines are skipped. */
export async function readAlertLog(store: ArtifactStore, plan: Plan): Promise<AlertLogEntry[]> {
  const text = await store.read(plan.output.alertLog);
  return text === null ? [] : parseLog(text);
}

/** The latest state of each alert, rebuilt from the log (when no wave.json has them). */
export function alertsFromLog(entries: AlertLogEntry[]): AlertRecord[] {
  const map = new Map<string, AlertRecord>();
  for (const e of entries) {
    const cur: AlertRecord = map.get(e.alertId) ?? {
      id: e.alertId,
      rule: e.rule,
      title: e.title ?? e.rule,
      severity: e.severity,
      scope: e.scope,
      state: e.state,
      firstFiredAt: e.at,
      lastFiredAt: null,
      resolvedAt: null,
      acknowledgedAt: null,
      acknowledgedBy: null,
      escalated: false,
      message: e.message,
      ...(e.metric !== undefined ? { metric: e.metric } : {}),
      ...(e.op !== undefined ? { op: e.op } : {}),
      value: e.value,
      threshold: e.threshold,
      actionTaken: e.actionTaken ?? 'None',
    };
    if (e.event === 'email-sent' || e.event === 'email-failed') {
      map.set(e.alertId, cur);
      continue;
    }
    cur.state = e.state;
    cur.severity = e.severity;
    if (e.event === 'fired' || e.event === 'escalated' || e.event === 'reminder') {
      cur.lastFiredAt = e.at;
      cur.message = e.message;
      cur.value = e.value;
    }
    if (e.event === 'escalated') cur.escalated = true;
    if (e.event === 'acknowledged') {
      cur.acknowledgedAt = e.at;
      cur.acknowledgedBy = e.by ?? null;
    }
    if (e.event === 'resolved') cur.resolvedAt = e.at;
    if (e.actionTaken) cur.actionTaken = e.actionTaken;
    map.set(e.alertId, cur);
  }
  return [...map.values()];
}

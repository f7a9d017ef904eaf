// `journalctl -o json` → typed entries, and the error analysis of section 2 of the spec: errors are
// entries with priority ≤ err (3) plus entries whose message matches the plan's pattern (agents log
// errors to stdout at info); messages are normalised (numbers, ids, addresses masked) into types;
// a type seen more than once in the window is recurring, else one-off.
import { ERROR_MATCH_CHARS, ERROR_PATTERN_FLAGS } from '../../../plan/error-pattern';

/** A journal field as journalctl prints it: string, byte array, array of either (repeated field), or null. */
export type JournalValue = string | string[] | null;

export interface JournalEntry {
  cursor: string | null;
  /** epoch microseconds (journal precision) */
  realtimeUs: number | null;
  priority: number | null;
  message: string | null;
  pid: number | null;
  unit: string | null;
  identifier: string | null;
  bootId: string | null;
  fields: Record<string, JournalValue>;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

function isByteArray(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 255);
}

/**
 * Decodes one field value. journalctl prints non-UTF-8 or control-character values as an array of
 * byte values, a field that occurs several times as an array of values (each a string or a byte
 * array), and a value too large to show (without --all) as null.
 */
export function decodeJournalValue(v: unknown): JournalValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (isByteArray(v) && v.length > 0) return utf8.decode(Uint8Array.from(v));
  if (Array.isArray(v)) {
    const out: string[] = [];
    for (const x of v) {
      const d = decodeJournalValue(x);
      if (typeof d === 'string') out.push(d);
      else if (Array.isArray(d)) out.push(...d);
    }
    return out;
  }
  return null;
}

/** The first (or only) value of a field, as a string. */
export function firstValue(v: JournalValue | undefined): string | null {
  if (v === null || v === undefined) return null;
  return Array.isArray(v) ? (v[0] ?? null) : v;
}

function int(v: JournalValue | undefined): number | null {
  const s = firstValue(v);
  if (s === null || !/^\d+$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}

export interface ParsedJournal {
  entries: JournalEntry[];
  /** Lines that were not JSON objects (reported, never guessed at). */
  badLines: number;
  lastCursor: string | null;
}

/** Parses journalctl's -o json output: one JSON object per line. Empty output is no entries. */
export function parseJournalJson(text: string): ParsedJournal {
  const entries: JournalEntry[] = [];
  let badLines = 0;
  for (const line of text.split('\n')) {
    const l = line.trim();
    if (l === '') continue;
    let obj: unknown;
    try {
      obj = JSON.parse(l);
    } catch {
      badLines++;
      continue;
    }
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) {
      badLines++;
      continue;
    }
    const fields: Record<string, JournalValue> = {};
    for (const [k, v] of Object.entries(obj as Record<string, unknown>)) fields[k] = decodeJournalValue(v);
    const msg = fields.MESSAGE;
    entries.push({
      cursor: firstValue(fields.__CURSOR),
      realtimeUs: int(fields.__REALTIME_TIMESTAMP),
      priority: int(fields.PRIORITY),
      message: msg === undefined || msg === null ? null : Array.isArray(msg) ? msg.join('\n') : msg,
      pid: int(fields._PID),
      unit: firstValue(fields._SYSTEMD_UNIT) ?? firstValue(fields.UNIT),
      identifier: firstValue(fields.SYSLOG_IDENTIFIER),
      bootId: firstValue(fields._BOOT_ID),
      fields,
    });
  }
  const lastCursor = entries.length ? entries[entries.length - 1].cursor : null;
  return { entries, badLines, lastCursor };
}

/** Compiles the plan's error pattern (case-insensitive; the plan validated it). Throws with a clear message when invalid. */
export function errorPatternOf(pattern: string): RegExp {
  try {
    return new RegExp(pattern, ERROR_PATTERN_FLAGS);
  } catch (err) {
    throw new Error(`invalid agents.errorPattern ${JSON.stringify(pattern)}: ${(err as Error).message}`);
  }
}

/**
 * Why an entry is an error: its priority (≤ err), the plan's message pattern, or null when it is not.
 * The pattern reads only the message's first ERROR_MATCH_CHARS characters: hosts write the text, and
 * the bound is what keeps a validated pattern's worst case small (plan/error-pattern.ts).
 */
export function errorReason(e: JournalEntry, pattern: RegExp): 'priority' | 'pattern' | null {
  if (e.priority !== null && e.priority <= 3) return 'priority';
  if (e.message !== null && pattern.test(e.message.length > ERROR_MATCH_CHARS ? e.message.slice(0, ERROR_MATCH_CHARS) : e.message)) return 'pattern';
  return null;
}

/**
 * A message with its variable parts masked, so that the same error with different numbers, ids or
 * addresses is one type: timestamps, UUIDs, IPv4/IPv6 (with port), MAC addresses, hex ids, long
 * digit runs and other numbers; whitespace collapsed; capped at 200 characters.
 */
export function normaliseMessage(message: string): string {
  let s = message;
  s = s.replace(/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<ts>');
  s = s.replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>');
  s = s.replace(/\b(?:[0-9a-f]{2}:){5}[0-9a-f]{2}\b/gi, '<mac>');
  s = s.replace(/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b/g, '<ip>');
  s = s.replace(/(?<![\w:])(?=[0-9a-f:]*::|(?:[0-9a-f]{1,4}:){3})[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?![\w:])/gi, '<ip>');
  s = s.replace(/\b0x[0-9a-f]+\b/gi, '<hex>');
  s = s.replace(/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, '<id>');
  s = s.replace(/\d+(?:\.\d+)?/g, '<n>');
  s = s.replace(/\s+/g, ' ').trim();
  return s.length > 200 ? `${s.slice(0, 199)}…` : s;
}

export interface ErrorType {
  /** The normalised message. */
  type: string;
  count: number;
  recurring: boolean;
  firstSeen: number | null; // epoch ms
  lastSeen: number | null;
  /** One original message of this type. */
  example: string;
  priority: number | null;
}

export interface ErrorAnalysis {
  /** Journal entries seen in the window. */
  entries: number;
  errors: number;
  byPriority: number;
  byPattern: number;
  types: ErrorType[];
  recurring: number;
  oneOff: number;
  errorEntries: JournalEntry[];
}

/** Errors of a set of entries; types sorted by count (most first), then by first seen. */
export function analyseErrors(entries: JournalEntry[], pattern: RegExp): ErrorAnalysis {
  const types = new Map<string, ErrorType>();
  const errorEntries: JournalEntry[] = [];
  let byPriority = 0;
  let byPattern = 0;
  for (const e of entries) {
    const why = errorReason(e, pattern);
    if (!why) continue;
    errorEntries.push(e);
    if (why === 'priority') byPriority++;
    else byPattern++;
    const msg = e.message ?? '(no message)';
    const key = normaliseMessage(msg);
    const at = e.realtimeUs === null ? null : Math.floor(e.realtimeUs / 1000);
    const t = types.get(key);
    if (!t) types.set(key, { type: key, count: 1, recurring: false, firstSeen: at, lastSeen: at, example: msg.slice(0, 500), priority: e.priority });
    else {
      t.count++;
      if (at !== null) {
        t.firstSeen = t.firstSeen === null ? at : Math.min(t.firstSeen, at);
        t.lastSeen = t.lastSeen === null ? at : Math.max(t.lastSeen, at);
      }
      if (e.priority !== null && (t.priority === null || e.priority < t.priority)) t.priority = e.priority;
    }
  }
  const list = [...types.values()];
  for (const t of list) t.recurring = t.count > 1;
  list.sort((a, b) => b.count - a.count || (a.firstSeen ?? 0) - (b.firstSeen ?? 0));
  return {
    entries: entries.length,
    errors: errorEntries.length,
    byPriority,
    byPattern,
    types: list,
    recurring: list.filter((t) => t.recurring).length,
    oneOff: list.filter((t) => !t.recurring).length,
    errorEntries,
  };
}

/**
 * One error as the collector hands it over: what the records' error log (and so errors.log) needs, decided
 * here once (the time as ISO, a syslog priority 0–7 or null, the message as text), so no reader has
 * to parse a formatted line back.
 */
export interface ErrorLogEntry {
  /** The entry's time (ISO); null when the journal gave none. */
  at: string | null;
  unit: string;
  pid: number | null;
  /** syslog priority 0–7; null when the journal gave none (or a value that is not one). */
  priority: number | null;
  /** The message with its line breaks ("\n"); "(no message)" when the journal gave none. */
  message: string;
}

export function errorLogEntry(unit: string, e: JournalEntry): ErrorLogEntry {
  return {
    at: e.realtimeUs === null ? null : new Date(Math.floor(e.realtimeUs / 1000)).toISOString(),
    unit,
    pid: e.pid,
    priority: e.priority !== null && Number.isInteger(e.priority) && e.priority >= 0 && e.priority <= 7 ? e.priority : null,
    message: (e.message ?? '(no message)').replace(/\r\n/g, '\n'),
  };
}

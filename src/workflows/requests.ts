// Checks of operator requests, shared by the update validators (which must be synchronous), the
// signal handlers (which cannot reject, so they record a refused action) and the CLI (which refuses
// before sending). Pure functions: safe in the workflow sandbox.
// The limits are in bounds.ts; the workflow adds the checks that need the wave's state (WaveState.refusal).
import { parseDuration } from '../plan/duration';
import { MAX_EXTEND_MS, MAX_TEXT } from './bounds';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function text(v: unknown, field: string, required: boolean): string | null {
  if (v === undefined && !required) return null;
  if (typeof v !== 'string' || v.trim() === '') return `"${field}" must be a non-empty string`;
  if (v.length > MAX_TEXT) return `"${field}" is longer than ${MAX_TEXT} characters`;
  return null;
}

function only(arg: Record<string, unknown>, allowed: string[]): string | null {
  const extra = Object.keys(arg).filter((k) => !allowed.includes(k));
  return extra.length ? `unknown field(s): ${extra.join(', ')} (expected ${allowed.join(', ')})` : null;
}

/** Returns the first problem of an operator request, or null when it is well formed. */
export function requestProblem(kind: string, arg: unknown): string | null {
  if (!isObject(arg)) return `${kind} takes one JSON object, e.g. {"reason": "…", "by": "…"}`;
  switch (kind) {
    case 'extendWave': {
      const bad = only(arg, ['duration', 'reason', 'by']) ?? text(arg.duration, 'duration', true) ?? text(arg.reason, 'reason', true) ?? text(arg.by, 'by', false);
      if (bad) return bad;
      const ms = parseDuration(arg.duration as string);
      if (ms === null || ms <= 0) return `"duration" must be a positive duration like "2h", got "${String(arg.duration)}"`;
      // Past this, the new end date is out of range and the handler throws (a workflow-task failure).
      return ms > MAX_EXTEND_MS ? `"duration" must be at most 7d per request, got "${String(arg.duration)}"` : null;
    }
    case 'waiveCriterion':
      return only(arg, ['criterion', 'reason', 'by']) ?? text(arg.criterion, 'criterion', true) ?? text(arg.reason, 'reason', true) ?? text(arg.by, 'by', false);
    case 'acknowledgeAlert':
      return only(arg, ['alertId', 'by', 'note']) ?? text(arg.alertId, 'alertId', true) ?? text(arg.by, 'by', false) ?? text(arg.note, 'note', false);
    default:
      return only(arg, ['reason', 'by']) ?? text(arg.reason, 'reason', true) ?? text(arg.by, 'by', false);
  }
}

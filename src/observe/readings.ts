// Small pure helpers shared by the mappings: ISO times, Readings (a number or null with the reason,
// never an invented zero). The plan's roles, clusters and instance keys are the model's (src/model/instance.ts).
import type { Reading } from '../artifacts/records/common';
import { isNum } from '../plan/units';

export const iso = (ms: number): string => new Date(ms).toISOString();

/** An ISO time for a number of epoch ms, or null when there is none (or it is not a real time). */
export const isoOrNull = (ms: number | null | undefined): string | null => (isNum(ms) && ms > 0 ? iso(ms) : null);

export { isNum };

/** A Reading: the value when it is a finite number, else null with `reasonIfMissing`. `caveat` goes with a value. */
export function reading(value: number | null | undefined, reasonIfMissing: string, opts: { samples?: number; caveat?: string } = {}): Reading {
  const samples = opts.samples !== undefined && Number.isInteger(opts.samples) && opts.samples >= 0 ? { samples: opts.samples } : {};
  if (isNum(value)) return { value, ...(opts.caveat ? { reason: opts.caveat } : {}), ...samples };
  return { value: null, reason: reasonIfMissing || 'no data', ...samples };
}

export const missing = (reason: string): Reading => ({ value: null, reason: reason || 'no data' });

export const round = (x: number, digits = 3): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** Keeps the first `n` distinct strings, in order. */
export function distinct(items: readonly string[]): string[] {
  return [...new Set(items.filter((s) => s !== ''))];
}

// The few numeric helpers every layer needs, defined once (the bottom layer, importable from anywhere).

/** A finite number (not NaN, not ±Infinity, not null). */
export function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Bytes in a mebibyte. */
export const MiB = 1024 * 1024;

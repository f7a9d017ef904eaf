// Compact text charts for trends.txt, the hourly trend files and the terminal watch.
import { isNum } from '../plan/units';

const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/**
 * One character per value: ▁…█ scaled between `min` and `max` (default: the data's own range; a flat
 * series draws ▁ or, when all equal and above zero, ▄), and "·" for a missing value.
 * With more values than `width`, consecutive values are bucketed (the bucket's maximum: a spike stays visible).
 */
export function sparkline(values: (number | null | undefined)[], opts: { width?: number; min?: number; max?: number } = {}): string {
  let vals = values.map((v) => (isNum(v) ? v : null));
  if (opts.width && vals.length > opts.width) vals = bucket(vals, opts.width);
  const present = vals.filter((v): v is number => v !== null);
  if (present.length === 0) return '·'.repeat(vals.length);
  const lo = opts.min ?? Math.min(...present);
  const hi = opts.max ?? Math.max(...present);
  return vals
    .map((v) => {
      if (v === null) return '·';
      if (hi === lo) return v === 0 ? BARS[0] : BARS[3];
      const i = Math.round(((Math.min(Math.max(v, lo), hi) - lo) / (hi - lo)) * (BARS.length - 1));
      return BARS[i];
    })
    .join('');
}

function bucket(vals: (number | null)[], width: number): (number | null)[] {
  const out: (number | null)[] = [];
  for (let i = 0; i < width; i++) {
    const from = Math.floor((i * vals.length) / width);
    const to = Math.floor(((i + 1) * vals.length) / width);
    const part = vals.slice(from, Math.max(to, from + 1)).filter((v): v is number => v !== null);
    out.push(part.length ? Math.max(...part) : null);
  }
  return out;
}

/** "▁▂▃█▂  min 0  max 12  last 3" — a sparkline with its scale, so a flat line is not misread. */
export function labelledSparkline(
  values: (number | null | undefined)[],
  fmt: (v: number) => string,
  opts: { width?: number; min?: number; max?: number } = {},
): string {
  const present = values.filter(isNum);
  if (present.length === 0) return `${'·'.repeat(Math.min(values.length, opts.width ?? values.length)) || '·'}  no data`;
  const last = [...values].reverse().find(isNum);
  return `${sparkline(values, opts)}  min ${fmt(Math.min(...present))}  max ${fmt(Math.max(...present))}  last ${last === undefined ? 'n/a' : fmt(last)}`;
}

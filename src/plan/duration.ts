// Durations in plans are written as humans write them: "500ms", "3s", "5m", "1h30m", "24h", "2d".
// One parser for the whole project; it never accepts a negative, empty or unit-less value.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;

/** Parses "1h30m" into milliseconds; returns null when the text is not a duration. */
export function parseDuration(text: string): number | null {
  const s = text.trim();
  if (s === '') return null;
  let total = 0;
  PART.lastIndex = 0;
  let pos = 0;
  while (pos < s.length) {
    PART.lastIndex = pos;
    const m = PART.exec(s);
    if (!m) return null;
    total += Number(m[1]) * UNIT_MS[m[2]];
    pos = PART.lastIndex;
  }
  return Number.isFinite(total) ? Math.round(total) : null;
}

/**
 * Formats milliseconds compactly ("25h", "1h30m", "250ms"), as plans and scenario files write them:
 * hours are not folded into days (a wave is counted in hours), nothing below zero ("0s"). The
 * inverse of parseDuration for whole units. The one duration formatter outside the reports.
 */
export function formatDuration(ms: number): string {
  const v = Math.round(ms);
  if (!(v > 0)) return '0s';
  if (v < 1000) return `${v}ms`;
  let rest = Math.round(v / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [['h', 3600], ['m', 60], ['s', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join('');
}

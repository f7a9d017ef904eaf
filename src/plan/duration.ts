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

/** Formats milliseconds compactly ("1h30m", "250ms"); the inverse of parseDuration for whole units. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  let rest = Math.round(ms / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join('') || '0s';
}

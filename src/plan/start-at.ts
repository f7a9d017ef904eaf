// `--start-at`, the monitoring start as an operator writes it (`start`, `sim`, `demo`): an ISO time,
// "now", or a duration ago such as "-2h" (the end of phase 2). One parser for every command.
import { parseDuration } from './duration';

/** The forms parseStartAt takes, for error messages. */
export const START_AT_FORMS = 'an ISO time, "now" or "-2h"';

/** Parses --start-at into epoch ms: an ISO time, "now" (or nothing), or "-2h" (that long before `now`). Null when malformed. */
export function parseStartAt(text: string | undefined, now = Date.now()): number | null {
  if (!text || text === 'now') return now;
  const ago = /^-(.+)$/.exec(text);
  if (ago) {
    const ms = parseDuration(ago[1]);
    return ms === null ? null : now - ms;
  }
  const t = Date.parse(text);
  return Number.isNaN(t) ? null : t;
}

// Activity results are written into the wave's history: Temporal refuses a payload over 2 MiB, and
// every byte is kept for the wave's life. Notes that name every instance grow with the fleet (at
// 300 hosts × 10 agents one checkpoint's result came near 1.1 MB), so results carry a bounded note
// and a bounded list; the full text and every instance stay in the checkpoint's files.
import type { RollbackTrigger } from '../judge/rollback-decision';

/** Characters of a note kept in history: enough for a dozen names and the gist. */
export const NOTE_MAX = 600;
/** Items of a per-instance list kept in history. */
export const LIST_MAX = 50;

/** The text, or its head cut at a list separator, with how many items were left out. */
export function compactText(text: string, max = NOTE_MAX): string {
  if (text.length <= max) return text;
  const head = text.slice(0, max);
  const cut = Math.max(head.lastIndexOf(', '), head.lastIndexOf('; '));
  const kept = cut > max / 2 ? head.slice(0, cut) : head;
  const rest = text.slice(kept.length);
  const more = (rest.match(/, |; /g) ?? []).length;
  return `${kept} … ${more ? `and ${more} more` : `${rest.length} more characters`} (in full in the checkpoint's files)`;
}

export function compactNote<T extends { note?: string | null }>(r: T): T {
  return r.note ? { ...r, note: compactText(r.note) } : r;
}

export function compactTrigger(t: RollbackTrigger): RollbackTrigger {
  return { ...t, evidence: compactText(t.evidence), result: compactNote(t.result) };
}

/** The first LIST_MAX items and how many were left out. */
export function compactList<T>(items: T[], max = LIST_MAX): { items: T[]; omitted: number } {
  return items.length <= max ? { items, omitted: 0 } : { items: items.slice(0, max), omitted: items.length - max };
}

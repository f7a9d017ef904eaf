// What the next wave is called, from the plan (the reports' and emails' "GO for Wave 3").
import type { Plan } from './schema';

/** "Wave 3" after "Sprint 5.3 Wave 2"; "the next wave" when the title has no wave number. */
export function nextWaveLabel(plan: Pick<Plan, 'wave'>): string {
  const m = /\bwave\s*(\d+)\b/i.exec(plan.wave.title) ?? /wave(\d+)$/i.exec(plan.wave.name);
  return m ? `Wave ${Number(m[1]) + 1}` : 'the next wave';
}

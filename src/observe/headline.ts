// The judge's headline (judge/headline.ts) as the record's Readings: a value keeps the judge's note as
// its caveat ("over the wave so far" when a criterion measured it over the wave); a missing value
// carries the judge's reason. Pure.
import type { Headline } from '../artifacts/records/checkpoint';
import { HEADLINE_METRICS, type HeadlineKey, type HeadlineValue, type JudgedHeadline } from '../judge/headline';
import { reading } from './readings';

function readingOf(h: HeadlineValue) {
  const caveat = [h.window === 'wave' ? 'over the wave so far' : '', h.value !== null ? (h.note ?? '') : ''].filter(Boolean).join('; ');
  return reading(h.value, h.note ?? 'no data', { samples: h.samples, caveat: caveat || undefined });
}

export function toHeadline(h: JudgedHeadline): Headline {
  const out = {} as Headline;
  for (const key of Object.keys(HEADLINE_METRICS) as HeadlineKey[]) out[key] = readingOf(h[key]);
  return out;
}

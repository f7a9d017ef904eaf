// Raw latencies back from a probe's encoded HDR histogram (DistributionSummary.histogram: compressed
// base64, values in µs, 3 significant digits). The judge's degradation test and the canary
// comparison need raw values; the probe keeps only the histogram, which holds every sample at
// microsecond resolution below 2 ms and within 0.1 % above. Pure and deterministic: values come out
// sorted ascending, each bucket's value repeated by its count.
import { decodeFromCompressedBase64, type JsHistogram } from 'hdr-histogram-js';

/** Latencies in ms (sorted), or null when there is no histogram, it does not decode, or it holds more than `max` samples. */
export function latenciesFromHistogram(encoded: string | undefined, max = 100_000): number[] | null {
  if (!encoded) return null;
  let h: JsHistogram;
  try {
    h = decodeFromCompressedBase64(encoded) as unknown as JsHistogram;
  } catch {
    return null;
  }
  if (!h || typeof h.totalCount !== 'number' || h.totalCount > max || !h.recordedValuesIterator) return null;
  const out: number[] = [];
  const it = h.recordedValuesIterator;
  it.reset();
  while (it.hasNext()) {
    const v = it.next();
    const us = h.medianEquivalentValue(v.valueIteratedTo);
    const ms = Math.round(us) / 1000;
    for (let i = 0; i < v.countAtValueIteratedTo; i++) out.push(ms);
  }
  return out.length === h.totalCount ? out : null;
}

// Latency and skew distributions: an HDR histogram (microsecond resolution, 3 significant digits)
// summarised in milliseconds, always with the sample count. No samples → nulls and a note, never 0.
import { build, type Histogram } from 'hdr-histogram-js';

/** p99.9 rests on at least this many samples; below it the summary says so. */
export const P999_MIN_SAMPLES = 1000;

export interface DistributionSummary {
  /** Samples the percentiles rest on. */
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  p999: number | null;
  max: number | null;
  min: number | null;
  mean: number | null;
  /** Whether p999 rests on ≥ 1000 samples. */
  p999Reliable: boolean;
  /** Why values are missing or weak, for people. */
  note?: string;
  /** The histogram itself (compressed base64, values in µs), for merging across checkpoints. */
  histogram?: string;
}

/** Records values given in milliseconds (fractions allowed) at microsecond resolution. */
export class MsRecorder {
  private h: Histogram = build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, autoResize: true });
  private sum = 0;

  record(ms: number): void {
    if (!Number.isFinite(ms)) return;
    const us = Math.max(0, Math.round(ms * 1000));
    this.h.recordValue(us);
    this.sum += us;
  }

  get count(): number {
    return this.h.totalCount;
  }

  summary(opts: { includeHistogram?: boolean } = {}): DistributionSummary {
    return summarizeHistogram(this.h, this.sum, opts.includeHistogram ?? false);
  }

  /** Merges a histogram encoded by `summary({ includeHistogram: true })`. */
  addEncoded(encoded: string): void {
    const { decodeFromCompressedBase64 } = require('hdr-histogram-js') as typeof import('hdr-histogram-js');
    const other = decodeFromCompressedBase64(encoded);
    this.h.add(other);
    this.sum += other.mean * other.totalCount;
  }
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

function summarizeHistogram(h: Histogram, sumUs: number, includeHistogram: boolean): DistributionSummary {
  const count = h.totalCount;
  if (count === 0)
    return { count: 0, p50: null, p90: null, p99: null, p999: null, max: null, min: null, mean: null, p999Reliable: false, note: 'no samples' };
  const ms = (us: number) => round3(us / 1000);
  const out: DistributionSummary = {
    count,
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    max: ms(h.maxValue),
    // minNonZeroValue skips zeros; a 0 µs sample is possible only on a broken clock.
    min: ms(h.getValueAtPercentile(0)),
    mean: ms(sumUs / count),
    p999Reliable: count >= P999_MIN_SAMPLES,
  };
  if (count < P999_MIN_SAMPLES) out.note = `p99.9 rests on ${count} samples (< ${P999_MIN_SAMPLES}): it is the maximum region, not a reliable p99.9`;
  if (includeHistogram) {
    const { encodeIntoCompressedBase64 } = require('hdr-histogram-js') as typeof import('hdr-histogram-js');
    out.histogram = encodeIntoCompressedBase64(h);
  }
  return out;
}

/** Summary of plain millisecond values (for crafted data and small sets). */
export function summarizeMs(values: readonly number[]): DistributionSummary {
  const r = new MsRecorder();
  for (const v of values) r.record(v);
  return r.summary();
}

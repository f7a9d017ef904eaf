// Accounting of the sampling window: per pattern the messages, bytes and distinct subjects (capped),
// a capped sample for nats_sampling.txt, empty and corrupt payloads; then the counts as shares and
// rates over the time actually measured. Only messages inside the window are counted here.
import type { Msg } from '../client';
import { round2, type PatternKey } from '../pairing';
import { wildcardPart } from '../subjects';
import { checkPayload } from './payload';
import type { PatternStats, SampledMessage } from './result';

interface PatternAcc {
  pattern: string;
  key: PatternKey;
  count: number;
  bytes: number;
  subjects: Map<string, number>;
  capped: boolean;
  /** Fast path: "prefix.>" patterns give the suffix by slicing. */
  prefix: string | null;
}

function newAcc(pattern: string, key: PatternKey): PatternAcc {
  const simple = pattern.endsWith('.>') && !pattern.slice(0, -2).split('.').includes('*');
  return { pattern, key, count: 0, bytes: 0, subjects: new Map(), capped: false, prefix: simple ? pattern.slice(0, -1) : null };
}

export class SamplingWindow {
  readonly legacy: PatternAcc;
  readonly unified: PatternAcc;
  readonly sample: SampledMessage[] = [];
  sampleCapped = false;
  corrupt = 0;
  empty = 0;

  constructor(
    patterns: { legacy: string; unified: string },
    private readonly limits: { maxDistinctSubjects: number; maxSample: number },
  ) {
    this.legacy = newAcc(patterns.legacy, 'legacy');
    this.unified = newAcc(patterns.unified, 'unified');
  }

  /** The part of `subject` the pattern's wildcards matched; null when it does not match. */
  suffix(key: PatternKey, subject: string): string | null {
    const a = this[key];
    return a.prefix !== null ? (subject.startsWith(a.prefix) ? subject.slice(a.prefix.length) : null) : wildcardPart(a.pattern, subject);
  }

  /** Counts one message of the window (`offsetMs` since it opened); returns its parsed JSON payload, if any. */
  count(key: PatternKey, m: Pick<Msg, 'subject' | 'data' | 'string'>, offsetMs: number): unknown {
    const a = this[key];
    const { subject, data } = m;
    a.count++;
    a.bytes += data.length;
    const n = a.subjects.get(subject);
    if (n !== undefined) a.subjects.set(subject, n + 1);
    else if (a.subjects.size < this.limits.maxDistinctSubjects) a.subjects.set(subject, 1);
    else a.capped = true;
    if (this.sample.length < this.limits.maxSample) this.sample.push({ t: Math.round(offsetMs), pattern: key, subject, size: data.length });
    else this.sampleCapped = true;
    const p = checkPayload(m);
    if (p.kind === 'empty') this.empty++;
    else if (p.kind === 'corrupt') this.corrupt++;
    return p.kind === 'json' ? p.payload : undefined;
  }

  /** Shares and rates over `measuredMs`; the `listed` most frequent subjects per pattern. */
  totals(measuredMs: number, listed: number): {
    patterns: { legacy: PatternStats; unified: PatternStats };
    total: { count: number; ratePerMinute: number };
    agentRefPct: number | null;
  } {
    const minutes = measuredMs / 60_000;
    const totalCount = this.legacy.count + this.unified.count;
    const patternStats = (a: PatternAcc): PatternStats => ({
      pattern: a.pattern,
      count: a.count,
      bytes: a.bytes,
      sharePct: totalCount ? round2((a.count / totalCount) * 100) : null,
      ratePerMinute: minutes > 0 ? Math.round((a.count / minutes) * 100) / 100 : 0,
      uniqueSubjects: a.subjects.size,
      subjectsCapped: a.capped,
      subjects: [...a.subjects.entries()]
        .sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))
        .slice(0, listed)
        .map(([subject, count]) => ({ subject, count })),
    });
    return {
      patterns: { legacy: patternStats(this.legacy), unified: patternStats(this.unified) },
      total: { count: totalCount, ratePerMinute: minutes > 0 ? Math.round((totalCount / minutes) * 100) / 100 : 0 },
      agentRefPct: totalCount ? round2((this.unified.count / totalCount) * 100) : null,
    };
  }
}

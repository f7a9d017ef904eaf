// The text of nats_sampling.txt: the counts as comment lines, then the capped sample.
import type { SamplingResult } from './result';

/** The text of nats_sampling.txt: the counts, then the capped sample (one message a line). */
export function formatSamplingText(r: SamplingResult): string {
  const lines: string[] = [];
  lines.push(`# NATS subject sampling — wave ${r.wave}, attempt ${r.attempt}`);
  lines.push(`# window ${r.startedAt} .. ${r.endedAt}, measured ${r.measuredMs} of ${r.windowMs} ms, ${r.complete ? 'complete' : 'INCOMPLETE: ' + r.incompleteReasons.join('; ')}`);
  if (r.fault) lines.push(`# fault: ${r.fault.kind}: ${r.fault.message}`);
  if (r.patterns && r.total) {
    for (const p of [r.patterns.legacy, r.patterns.unified])
      lines.push(`# ${p.pattern}: ${p.count} messages (${p.sharePct ?? 'n/a'} %), ${p.ratePerMinute}/min, ${p.uniqueSubjects}${p.subjectsCapped ? '+' : ''} unique subjects`);
    lines.push(`# total: ${r.total.count} messages, ${r.total.ratePerMinute}/min`);
  }
  if (r.dualPublish)
    lines.push(`# dual publishing: ${r.dualPublish.paired} of ${r.dualPublish.events} events on both patterns (${r.dualPublish.pairedPct ?? 'n/a'} %), skew p99 ${r.dualPublish.skew.p99 ?? 'n/a'} ms`);
  if (r.corruptPayloads !== null) lines.push(`# payloads not valid JSON: ${r.corruptPayloads}`);
  for (const n of r.notes) lines.push(`# note: ${n}`);
  lines.push(`# sample: ${r.sample.length} messages${r.sampleCapped ? ' (capped)' : ''}: offset_ms pattern subject bytes`);
  for (const m of r.sample) lines.push(`${m.t}\t${m.pattern}\t${m.subject}\t${m.size}`);
  return lines.join('\n') + '\n';
}

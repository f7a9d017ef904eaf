// What a sampling window reports (spec §3), and the result of a window that never reached NATS.
import type { PairingResult, PatternKey } from '../pairing';

export interface SamplingProgress {
  phase: 'lead-in' | 'window' | 'grace';
  elapsedMs: number;
  windowMs: number;
  legacy: number;
  unified: number;
}

export interface PatternStats {
  pattern: string;
  count: number;
  bytes: number;
  /** Share of all sampled messages, %; null when nothing was sampled. */
  sharePct: number | null;
  ratePerMinute: number;
  uniqueSubjects: number;
  /** True when more distinct subjects were seen than tracked (uniqueSubjects is then a lower bound). */
  subjectsCapped: boolean;
  /** Most frequent subjects with their counts. */
  subjects: { subject: string; count: number }[];
}

export interface SampledMessage {
  /** ms since the window opened. */
  t: number;
  pattern: PatternKey;
  subject: string;
  size: number;
}

export type SamplingFaultKind = 'nats-unreachable' | 'nats-disconnected' | 'slow-consumer' | 'cancelled';

export interface SamplingResult {
  wave: string;
  connectionName: string;
  attempt: number;
  startedAt: string;
  endedAt: string;
  /** The window asked for and the window actually measured, ms. */
  windowMs: number;
  measuredMs: number;
  /** False when the numbers do not cover the whole window (see incompleteReasons). */
  complete: boolean;
  incompleteReasons: string[];
  fault: { kind: SamplingFaultKind; message: string } | null;
  /** null when never connected (no data). */
  patterns: { legacy: PatternStats; unified: PatternStats } | null;
  total: { count: number; ratePerMinute: number } | null;
  /** The unified pattern's share of all sampled messages (agent-ref traffic), %. */
  agentRefPct: number | null;
  dualPublish: PairingResult | null;
  /** Non-empty payloads that are not valid JSON. */
  corruptPayloads: number | null;
  emptyPayloads: number | null;
  sample: SampledMessage[];
  sampleCapped: boolean;
  slowConsumer: { client: boolean; closedAsSlowByServer: boolean; serverSlowConsumersDelta: number | null };
  connection: { disconnects: number; reconnects: number };
  /** Round trip of a ping at the window's end: how far the sampler was behind the server, ms (null when not measured, -1 no answer). */
  lagAtEndMs: number | null;
  notes: string[];
}

/** The window of a sampler that could not connect: no data, and why. */
export function unreachableWindow(
  base: Pick<SamplingResult, 'wave' | 'connectionName' | 'attempt' | 'startedAt' | 'windowMs'>,
  message: string,
  notes: string[],
): SamplingResult {
  return {
    ...base,
    endedAt: new Date().toISOString(),
    measuredMs: 0,
    complete: false,
    incompleteReasons: ['NATS unreachable: no window sampled'],
    fault: { kind: 'nats-unreachable', message },
    patterns: null,
    total: null,
    agentRefPct: null,
    dualPublish: null,
    corruptPayloads: null,
    emptyPayloads: null,
    sample: [],
    sampleCapped: false,
    slowConsumer: { client: false, closedAsSlowByServer: false, serverSlowConsumersDelta: null },
    connection: { disconnects: 0, reconnects: 0 },
    lagAtEndMs: null,
    notes,
  };
}

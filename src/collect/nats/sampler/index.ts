// The NATS sampling window (spec §3): sample-traffic.ts subscribes and holds the window open,
// window.ts counts what falls inside it, payload.ts checks each message, slow-consumers.ts and
// completeness.ts decide whether the numbers cover the whole window, text.ts writes nats_sampling.txt.
export { sampleTraffic } from './sample-traffic';
export type { SampleOptions } from './sample-traffic';
export { formatSamplingText } from './text';
export { attributeAgent } from './payload';
export type { SamplingResult, SamplingProgress, PatternStats, SampledMessage, SamplingFaultKind } from './result';

// NATS collection for wavewatch: sampling, dual-publish pairing, latency probes, server statistics
// and the monitor tick's quick health check. No Temporal imports here: activities wrap these.
export { connectForWave, waveConnectionName, resolveCredentialsPath, watchConnection, withTimeout, CREDS_ENV } from './connect';
export type { WaveConnectOptions, ConnectionWatch } from './connect';
export { sampleTraffic, formatSamplingText, attributeAgent } from './sampler';
export type { SampleOptions, SamplingResult, SamplingProgress, PatternStats, SampledMessage, SamplingFaultKind } from './sampler';
export { DualPublishPairer, pairObservations, round2 } from './pairing';
export type { Observation, PairingOptions, PairingResult, AgentPairing, PatternKey } from './pairing';
export { runProbe, probeAgents, mergeLatency } from './probes';
export type { ProbeOptions, ProbeResult, ProbeRunResult, ProbeFaultKind } from './probes';
export { collectServerStats, computeServerStats, expectedInstances, fetchJson, parseGoDuration } from './server';
export type { ServerStatsResult, ServerSnapshot, AgentInstanceStats, MessageDelta, ConnzEntry, VarzData, ExpectedInstance } from './server';
export { natsHealth } from './health';
export type { NatsHealth } from './health';
export { MsRecorder, summarizeMs, P999_MIN_SAMPLES } from './stats';
export type { DistributionSummary } from './stats';
export { agentConnectionName, probeSubject, wildcardPart, subjectMatches, fillPattern, subscriptionWithin } from './subjects';

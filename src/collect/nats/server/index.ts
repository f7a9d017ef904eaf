// NATS server statistics from the monitoring endpoint: endpoint.ts reads it, counters.ts finds each
// agent's connections, deltas.ts turns running counters into messages since the last collection,
// statistics.ts assembles one collection (pure), collect.ts fetches and never throws.
export { collectServerStats } from './collect';
export { computeServerStats } from './statistics';
export type { ServerStatsResult } from './statistics';
export { expectedInstances } from './counters';
export type { AgentInstanceStats, AgentTotals, ExpectedInstance } from './counters';
export type { ServerSnapshot, MessageDelta } from './deltas';
export { fetchJson, parseGoDuration } from './endpoint';
export type { ConnzEntry, VarzData, FetchResult } from './endpoint';

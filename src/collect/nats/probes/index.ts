// Latency probes (spec §4): run-probe.ts paces one agent's requests (open loop, from the intended
// send time), connection-faults.ts tells NATS faults from agent losses, reprobe.ts confirms a loss
// with a second look, summary.ts turns tallies into results, probe-agents.ts runs the whole fleet.
export { runProbe } from './run-probe';
export type { ProbeOptions } from './run-probe';
export { probeAgents } from './probe-agents';
export { REPROBE_REQUESTS } from '../limits';
export { mergeLatency } from './summary';
export type { ProbeResult, ProbeRunResult, ProbeFaultKind, ReprobeResult } from './summary';

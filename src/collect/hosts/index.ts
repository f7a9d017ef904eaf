// Host collection over SSH: the public API (see each module for details).
export { SshPool, sshPoolOptionsFromPlan, targetOf, REMOTE_TIMEOUT_EXIT } from './ssh-pool';
export type { SshTarget, SshPoolOptions, ExecResult, ExecOptions } from './ssh-pool';
export { quote, wrapRemote, unitName, assertName, shellWords } from './shell';
export { collectAgentStatus, planAgents, agentStatusFromResult } from './agent-status';
export type { AgentStatus, PlanAgent, CollectOptions } from './agent-status';
export { collectHosts } from './collect';
export type { HostsCollection, CollectHostsOptions, AgentRecord, AgentErrors, HostSystem, Sampled } from './collect';
export type { ErrorLogEntry, ErrorType } from './parse/journal';
export type { GpuInfo } from './parse/nvidia';
export { compareUnitSamples, compareStatusSets } from './samples';
export type { UnitDelta } from './samples';
export { runHealthCheck, formatHealthReport } from './health-check';
export type { HealthReport, HealthHost, HealthAgent, HealthCheckOptions } from './health-check';
export { fingerprintOf, parseKnownHosts, verifyHostKey, hashHostName } from './known-hosts';

// The record types: what the artifacts, reports and emails are made from, plain JSON-able records
// independent of the collectors. Each is inferred from its zod schema under ./records/ (the single
// definition, with the field docs and the conventions in ./records/common.ts); this list keeps the
// names importers use.
export type { CheckpointVerdict, Reading, Role } from './records/common';
export type { ComparisonRow, ControlComparison, CriterionResult, Finding } from './records/judgement';
export type { AgentInstanceRecord, ErrorEntry, ErrorTypeRecord } from './records/agents';
export type { DualSubscriptionRecord, NatsRecord, PatternTraffic, ProbeRecord } from './records/nats';
export type { GpuRecord, HostRecord } from './records/hosts';
export type { AlertLogEntry, AlertRecord, AlertStateName, OperatorAction } from './records/alerts';
export type { CheckpointRecord, Headline } from './records/checkpoint';
export type { MonitorSample } from './records/monitor';
export type { CheckpointRef, RollbackRecord, RollbackStepRecord, TimelineEvent, WavePhase, WaveRecord, WaveVerdict } from './records/wave';

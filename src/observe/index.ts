// The glue between the collectors, the judge, the artifacts and the workflow's status: pure mappings.
//   to-observation.ts        Collection → the judge's TickObservation / CheckpointObservation
//   to-checkpoint-record.ts  Collection + judged verdict → CheckpointRecord (writeCheckpoint's input)
//     their parts, each for the judge and for the record:
//     agents.ts  errors.ts  hosts.ts (gpus.ts)  probes.ts  nats.ts  gaps.ts (record only)
//     previous.ts            the previous collection or its UnitCounters: CPU %, network rates
//   to-monitor-sample.ts     Collection → MonitorSample (hourly trend files)
//   to-wave-record.ts        WaveStatus + wave judgement → WaveRecord (wave.json, final reports)
//   status-alerts.ts         status alerts / operator actions ⇄ AlertRecord / OperatorAction; judge's alert log entries → AlertLogEntry
//   control-comparison.ts    the judge's CanaryJudgement → ControlComparison
//   findings.ts              the judge's trends, anomalies, leaks, restarts → Finding[]
//   headline.ts              the judge's headline metrics → the record's Readings
//   latencies.ts             raw latencies from a probe's encoded HDR histogram
//   watch.ts                 the watch's reports → the judge's watch part of a window, and the record's
export * from './to-observation';
export * from './agents';
export * from './errors';
export * from './hosts';
export * from './gpus';
export * from './probes';
export * from './nats';
export * from './gaps';
export * from './previous';
export * from './to-checkpoint-record';
export * from './to-monitor-sample';
export * from './to-wave-record';
export * from './status-alerts';
export * from './control-comparison';
export * from './findings';
export * from './headline';
export * from './latencies';
export * from './watch';

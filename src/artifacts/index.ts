// Artifacts: the checkpoint folders, hourly trends, wave.json and the alert log, behind ArtifactStore.
export type * from './types';
export { type ArtifactStore, LocalArtifactStore, MemoryArtifactStore } from './store';
export { writeCheckpointFolder, readCheckpoint, readLatestCheckpoints, listCollections, nextRecollection } from './checkpoint';
export { writeHourlyData, readMonitorSamples, type HourlyInput } from './hourly';
export { synthesizeWave } from './synthesize-wave';
export { appendAlertLog, readAlertLog, alertLogEntry, alertEventId, alertsFromLog } from './alertlog';
export { writeWaveRecord, readWaveRecord } from './wave';
export { checkpointFiles, extraFiles, checkpointDir, checkpointFolder, hourlyPath, waveFilePath, chartsDir, BASE_FILES } from './layout';
export { ArtifactValidationError } from './validate';
export { SUMMARY_SCHEMA_VERSION, jsonSchemas } from './schema';

// wave.json: the wave record (verdict, criteria, alerts, operator actions, rollback, timeline) beside
// the checkpoints. The workflow writes it when the wave's state changes and at the end; the reports
// are built from it and the checkpoint folders.
import type { Plan } from '../plan/schema';
import { readJson, toJson } from './json';
import { waveFilePath } from './layout';
import { FILE_SCHEMA_VERSION } from './records/common';
import { waveFileSchema, waveRecordSchema, type WaveRecord } from './records/wave';
import type { ArtifactStore } from './store';
import { check } from './validate';

export async function writeWaveRecord(store: ArtifactStore, plan: Plan, wave: WaveRecord): Promise<string> {
  const record = check(waveRecordSchema, wave, 'wave record');
  const path = waveFilePath(plan);
  await store.write(path, toJson(check(waveFileSchema, { schema: 'wavewatch.wave', schemaVersion: FILE_SCHEMA_VERSION, ...record }, 'wave.json')));
  return path;
}

export async function readWaveRecord(store: ArtifactStore, plan: Plan): Promise<WaveRecord | null> {
  const raw = await readJson(store, waveFilePath(plan));
  if (raw === null) return null;
  const { schema: _s, schemaVersion: _v, ...wave } = check(waveFileSchema, raw, 'wave.json');
  return wave;
}

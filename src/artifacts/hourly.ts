// The spec's hourly trend data: the hour's monitor samples, hourly/T+NNh.json, beside the hour's text
// file (report/text renderHourly, written by the activity). The data files are also what the charts
// and trends.txt are drawn from, so regenerating the reports needs nothing else.
import type { Plan } from '../plan/schema';
import { readJson, toJson } from './json';
import { hourlyDir, hourlyPath, parseHourName } from './layout';
import { FILE_SCHEMA_VERSION } from './records/common';
import { hourlyFileSchema, type MonitorSample } from './records/monitor';
import type { ArtifactStore } from './store';
import { check } from './validate';

export interface HourlyInput {
  waveId: string;
  /** 1 for the first hour after monitoring start (its file is T+01h): plan hours, whatever the time scale. */
  hour: number;
  /** The wave's --time-scale (default 1): an hour of plan time lasts 1/timeScale of an hour of wall time. */
  timeScale?: number;
  /** The hour's bounds (scaled wall-clock times). */
  from: string;
  to: string;
  /** The monitor samples taken in [from, to). */
  samples: MonitorSample[];
}

export interface HourData {
  hour: number;
  timeScale: number;
  from: string;
  to: string;
  samples: MonitorSample[];
}

/** Writes hourly/T+NNh.json (the hour's samples, in time order). Idempotent. Returns what it wrote and its path. */
export async function writeHourlyData(store: ArtifactStore, plan: Plan, input: HourlyInput): Promise<{ path: string; hour: HourData }> {
  const file = check(
    hourlyFileSchema,
    {
      schema: 'wavewatch.hourly',
      schemaVersion: FILE_SCHEMA_VERSION,
      wave: plan.wave.name,
      waveId: input.waveId,
      hour: input.hour,
      timeScale: input.timeScale ?? 1,
      from: input.from,
      to: input.to,
      samples: [...input.samples].sort((a, b) => a.at.localeCompare(b.at)),
    },
    `hourly trend T+${input.hour}h`,
  );
  const path = hourlyPath(plan, input.hour, 'json');
  await store.write(path, toJson(file));
  return { path, hour: { hour: file.hour, timeScale: file.timeScale, from: file.from, to: file.to, samples: file.samples } };
}

export async function readHour(store: ArtifactStore, plan: Plan, hour: number): Promise<HourData | null> {
  const raw = await readJson(store, hourlyPath(plan, hour, 'json'));
  if (raw === null) return null;
  const f = check(hourlyFileSchema, raw, `hourly/T+${hour}h.json`);
  return { hour: f.hour, timeScale: f.timeScale, from: f.from, to: f.to, samples: f.samples };
}

/** The hours stored, ascending. */
export async function listHours(store: ArtifactStore, plan: Plan): Promise<number[]> {
  const hours = new Set<number>();
  for (const n of await store.list(hourlyDir(plan))) {
    const h = parseHourName(n);
    if (h !== null && n.endsWith('.json')) hours.add(h);
  }
  return [...hours].sort((a, b) => a - b);
}

/** All stored monitor samples of the wave, in time order, without duplicates (same `at`). */
export async function readMonitorSamples(store: ArtifactStore, plan: Plan): Promise<MonitorSample[]> {
  const seen = new Map<string, MonitorSample>();
  for (const h of await listHours(store, plan)) {
    const hour = await readHour(store, plan, h);
    for (const s of hour?.samples ?? []) seen.set(s.at, s);
  }
  return [...seen.values()].sort((a, b) => a.at.localeCompare(b.at));
}

/** The time base the hourly files were written with (monitoring start = the first hour's start), or null when there are none. */
export async function storedTimebase(store: ArtifactStore, plan: Plan): Promise<{ monitoringStart: string; timeScale: number } | null> {
  const hours = await listHours(store, plan);
  if (hours.length === 0) return null;
  const h = await readHour(store, plan, hours[0]);
  if (!h) return null;
  const hourMs = 3_600_000 / h.timeScale;
  return { monitoringStart: new Date(Date.parse(h.from) - (h.hour - 1) * hourMs).toISOString(), timeScale: h.timeScale };
}

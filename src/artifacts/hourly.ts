// The spec's hourly trend analysis: one text file per hour (sparklines, hour over hour) and its data
// (the hour's monitor samples) beside it, under <output.dir>/hourly/. The data files are also what
// the charts and trends.txt are drawn from, so `regenerateReports` needs nothing else.
import type { Plan } from '../plan/schema';
import { renderHourly } from '../report/text';
import { readJson, toJson } from './json';
import { hourlyDir, hourlyPath, parseHourName } from './layout';
import { FILE_SCHEMA_VERSION } from './records/common';
import { hourlyFileSchema } from './records/monitor';
import type { ArtifactStore } from './store';
import type { MonitorSample } from './types';
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

/** Writes hourly/T+NNh.json (data) and hourly/T+NNh.txt (the trend analysis, against the previous hour). Idempotent. */
export async function writeHourlyTrend(store: ArtifactStore, plan: Plan, input: HourlyInput): Promise<{ text: string; data: string }> {
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
  const data = hourlyPath(plan, input.hour, 'json');
  const text = hourlyPath(plan, input.hour, 'txt');
  await store.write(data, toJson(file));
  const previous = input.hour > 1 ? await readHour(store, plan, input.hour - 1) : null;
  await store.write(text, renderHourly({ wave: plan.wave.name, title: plan.wave.title }, input.hour, input.from, input.to, file.samples, previous?.samples ?? null, file.timeScale));
  return { text, data };
}

export async function readHour(store: ArtifactStore, plan: Plan, hour: number): Promise<{ hour: number; timeScale: number; from: string; to: string; samples: MonitorSample[] } | null> {
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

/** Rewrites every hourly text file from its data file (for regenerateReports). */
export async function rewriteHourlyTexts(store: ArtifactStore, plan: Plan): Promise<string[]> {
  const out: string[] = [];
  const hours = await listHours(store, plan);
  for (const h of hours) {
    const cur = await readHour(store, plan, h);
    if (!cur) continue;
    const prev = hours.includes(h - 1) ? await readHour(store, plan, h - 1) : null;
    const path = hourlyPath(plan, h, 'txt');
    await store.write(path, renderHourly({ wave: plan.wave.name, title: plan.wave.title }, h, cur.from, cur.to, cur.samples, prev?.samples ?? null, cur.timeScale));
    out.push(path);
  }
  return out;
}

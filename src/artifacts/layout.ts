// Where each file goes under the plan's output folder: exactly the spec's "Data Storage Structure"
// per checkpoint, plus (beside the checkpoints) the hourly trend files, the charts and wave.json.
//
//   <output.dir>/T+1h/summary.json, agent_status.json, errors.log, nats_sampling.txt, system_metrics.json
//   <output.dir>/T+6h/…  + analysis.txt, comparison.json       (actions compare-checkpoints / error-patterns, compare-control)
//   <output.dir>/T+12h/… + trends.txt                          (action trends)
//   <output.dir>/T+24h/… + final_analysis.md, aggregate_metrics.json   (action aggregate or final-decision)
//   <output.dir>/T+6h.recollect-1/…                            (a re-collection, beside the original)
//   <output.dir>/hourly/T+01h.txt, T+01h.json                  (hourly trend analysis and its data)
//   <output.dir>/charts/*.svg                                  (the reports' charts)
//   <output.dir>/wave.json                                     (the wave record the reports are built from)
import { posix } from 'node:path';
import type { Plan } from '../plan/schema';

export const BASE_FILES = ['summary.json', 'agent_status.json', 'errors.log', 'nats_sampling.txt', 'system_metrics.json'] as const;

/**
 * The extra files a checkpoint writes, from its plan actions. A final checkpoint ('aggregate' or
 * 'final-decision') writes final_analysis.md and aggregate_metrics.json, which carry the checkpoint
 * and control comparisons; otherwise 'trends' writes trends.txt (which carries the checkpoint
 * comparison); otherwise 'compare-checkpoints' or 'error-patterns' write analysis.txt and
 * 'compare-control' writes comparison.json. For plans/wave2.yaml this is exactly the spec's layout.
 */
export function extraFiles(actions: readonly string[]): string[] {
  const has = (a: string) => actions.includes(a);
  if (has('aggregate') || has('final-decision')) return ['final_analysis.md', 'aggregate_metrics.json'];
  if (has('trends')) return ['trends.txt'];
  const out: string[] = [];
  if (has('compare-checkpoints') || has('error-patterns') || has('compare-control')) out.push('analysis.txt');
  if (has('compare-control')) out.push('comparison.json');
  return out;
}

export function checkpointFiles(actions: readonly string[]): string[] {
  return [...BASE_FILES, ...extraFiles(actions)];
}

const RECOLLECT = /^(.+)\.recollect-([1-9]\d*)$/;

/** "T+6h" for collection 0, "T+6h.recollect-2" for the second re-collection. */
export function checkpointFolder(checkpoint: string, collection = 0): string {
  if (!Number.isInteger(collection) || collection < 0) throw new Error(`invalid collection number ${collection}`);
  return collection === 0 ? checkpoint : `${checkpoint}.recollect-${collection}`;
}

/** Which collection of the checkpoint `name` the folder `artifactsDir` holds: n for "<name>.recollect-n", else 0. */
export function collectionOfCheckpoint(c: { name: string; artifactsDir: string | null }): number {
  const folder = c.artifactsDir ? (c.artifactsDir.replace(/\/+$/, '').split('/').pop() ?? '') : '';
  const parsed = folder ? parseCheckpointFolder(folder) : null;
  return parsed && parsed.checkpoint === c.name ? parsed.collection : 0;
}

/** The inverse of checkpointFolder; null for a folder that is not a checkpoint's ("hourly", "charts"). */
export function parseCheckpointFolder(folder: string): { checkpoint: string; collection: number } | null {
  const m = RECOLLECT.exec(folder);
  if (m) return { checkpoint: m[1], collection: Number(m[2]) };
  // waves/ and plans/ hold waves' own data (wave-folders.ts), dot files the layout's owner marker.
  if (['hourly', 'charts', 'waves', 'plans'].includes(folder) || folder.startsWith('.') || folder.includes('.tmp-') || /\.jsonl?$/.test(folder)) return null;
  return { checkpoint: folder, collection: 0 };
}

export function checkpointDir(plan: Plan, checkpoint: string, collection = 0): string {
  return posix.join(plan.output.dir, checkpointFolder(checkpoint, collection));
}

export function checkpointPath(plan: Plan, checkpoint: string, collection: number, file: string): string {
  return posix.join(checkpointDir(plan, checkpoint, collection), file);
}

export function hourlyDir(plan: Plan): string {
  return posix.join(plan.output.dir, 'hourly');
}

/** Hour n (1-based: the hour ending n hours after monitoring start) → "T+01h". */
export function hourName(hour: number): string {
  if (!Number.isInteger(hour) || hour < 1) throw new Error(`invalid hour ${hour}`);
  return `T+${String(hour).padStart(2, '0')}h`;
}

export function parseHourName(name: string): number | null {
  const m = /^T\+(\d+)h\.(txt|json)$/.exec(name);
  return m ? Number(m[1]) : null;
}

export function hourlyPath(plan: Plan, hour: number, ext: 'txt' | 'json'): string {
  return posix.join(hourlyDir(plan), `${hourName(hour)}.${ext}`);
}

export function chartsDir(plan: Plan): string {
  return posix.join(plan.output.dir, 'charts');
}

export function waveFilePath(plan: Plan): string {
  return posix.join(plan.output.dir, 'wave.json');
}

/** A markdown link from the document at `fromDocAbs` to `targetAbs` (absolute paths, e.g. from store.locate). */
export function relativeLink(fromDocAbs: string, targetAbs: string): string {
  const rel = posix.relative(posix.dirname(fromDocAbs), targetAbs);
  return rel.split('/').map(encodeURIComponent).join('/');
}

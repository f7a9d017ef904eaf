// The continuous watch's records in the wave's own folder: one object per watcher
// (`waves/<waveId>/watch/<watcher>.json`, rewritten whole as it goes — the store's atomic write, so a
// reader never sees half a report), never in the observation log. A restarted watch (another worker,
// the next run after continue-as-new) writes its own object; readers take them all.
import { posix } from 'node:path';
import { watchReportSchema, type WatchReport } from '../model/watch';
import type { Plan } from '../plan/schema';
import type { ArtifactStore } from './store';
import { waveDir } from './wave-folders';

export const WATCH_FOLDER = 'watch';

/** A watcher id as a file name: `<runId>/<attempt>` → `<runId>-<attempt>`. */
function fileOf(watcher: string): string {
  const name = watcher.replace(/[^A-Za-z0-9._-]/g, '-');
  if (!name || name.startsWith('.')) throw new Error(`watcher "${watcher}" cannot name a file`);
  return `${name}.json`;
}

export function watchDir(plan: Plan, waveId: string): string {
  return posix.join(waveDir(plan, waveId), WATCH_FOLDER);
}

export async function saveWatchReport(store: ArtifactStore, plan: Plan, report: WatchReport): Promise<void> {
  await store.write(posix.join(watchDir(plan, report.waveId), fileOf(report.watcher)), JSON.stringify(report));
}

/**
 * Every watcher's report of the wave, oldest start first. One that cannot be read or does not match
 * the schema is named in `unreadable`, never guessed at: its time counts as unwatched.
 */
export async function readWatchReports(store: ArtifactStore, plan: Plan, waveId: string): Promise<{ reports: WatchReport[]; unreadable: string[] }> {
  const dir = watchDir(plan, waveId);
  const reports: WatchReport[] = [];
  const unreadable: string[] = [];
  for (const name of await store.list(dir)) {
    if (!name.endsWith('.json')) continue;
    const text = await store.read(posix.join(dir, name));
    if (text === null) continue; // gone since the listing
    try {
      const r = watchReportSchema.safeParse(JSON.parse(text));
      if (r.success) reports.push(r.data);
      else unreadable.push(`${name}: ${r.error.issues[0]?.path.join('.')} ${r.error.issues[0]?.message}`);
    } catch (err) {
      unreadable.push(`${name}: ${(err as Error).message}`);
    }
  }
  reports.sort((a, b) => a.startedAtMs - b.startedAtMs);
  return { reports, unreadable };
}

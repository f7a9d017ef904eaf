// Which files belong to which wave of a plan. Two waves of one plan share its output folder, so
// without this they would read each other's observations and cursors (the next collection
// continues from the entry before its seq) and write into each other's checkpoint folders.
//
//   <output.dir>/waves/<waveId>/observations.jsonl, plans/…   the wave's own data, always here
//   <output.dir>/.current-wave                                 which wave owns the spec's layout
//   <output.dir>/T+1h/…, hourly/, charts/, wave.json + the plan's alert log, report and decision
//                                                              the spec's layout: the owner's
//   <output.dir>/waves/<waveId>/T+1h/…, alerts.log, …          the same files of any other wave
//
// A wave claims the spec's layout when it starts (unless started beside a running wave of the plan):
// the previous owner's files move to waves/<previousWaveId>/, where that wave's writes go from then on.
import { posix } from 'node:path';
import type { Plan } from '../plan/schema';
import type { ArtifactStore } from './store';

export const WAVES_FOLDER = 'waves';
export const CURRENT_WAVE_FILE = '.current-wave';

/** What .current-wave holds. */
export interface LayoutOwner {
  waveId: string;
  /** When it took the layout (ISO). */
  since: string;
}

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._:+-]{0,127}$/;

/** The wave's own folder: its observations and stored plan, never shared with another wave. */
export function waveDir(plan: Plan, waveId: string): string {
  // The id becomes a folder name: no separators, no "..".
  if (!SAFE_ID.test(waveId)) throw new Error(`wave id "${waveId}" cannot name a folder (letters, digits and . _ : + - only)`);
  return posix.join(plan.output.dir, WAVES_FOLDER, waveId);
}

export async function readLayoutOwner(store: ArtifactStore, plan: Plan): Promise<LayoutOwner | null> {
  const text = await store.read(posix.join(plan.output.dir, CURRENT_WAVE_FILE));
  if (text === null) return null;
  try {
    const o = JSON.parse(text) as LayoutOwner;
    return typeof o.waveId === 'string' ? o : null;
  } catch {
    return null; // unreadable: treated as unowned, and the next claim rewrites it
  }
}

/**
 * The spec's paths a wave not owning the layout writes to instead: the same layout under its own
 * folder. Paths inside output.dir keep their place relative to it; the alert log, report and
 * decision documents elsewhere keep their file name.
 */
export function ownFolderOutput(store: ArtifactStore, plan: Plan, waveId: string): Plan['output'] {
  const dir = waveDir(plan, waveId);
  const base = store.locate(plan.output.dir);
  const place = (p: string) => {
    const rel = posix.relative(base, store.locate(p));
    return rel && !rel.startsWith('..') && !posix.isAbsolute(rel) ? posix.join(dir, rel) : posix.join(dir, posix.basename(p));
  };
  return { ...plan.output, dir, alertLog: place(plan.output.alertLog), decisionDoc: place(plan.output.decisionDoc), reportDoc: place(plan.output.reportDoc) };
}

/** The plan whose output paths this wave's human files go to: the spec's layout if it owns it, else its own folder. */
export async function layoutPlan(store: ArtifactStore, plan: Plan, waveId: string): Promise<Plan> {
  const owner = await readLayoutOwner(store, plan);
  return owner?.waveId === waveId ? plan : { ...plan, output: ownFolderOutput(store, plan, waveId) };
}

/**
 * Makes `waveId` the owner of the spec's layout: the files there (a previous wave's) move to that
 * wave's folder first, then .current-wave names the new owner. Idempotent: a retry after a crash
 * moves what is left and writes the marker; once the marker names this wave, nothing happens.
 * Returns the previous owner whose files moved, or null.
 */
export async function claimLayout(store: ArtifactStore, plan: Plan, waveId: string, now = new Date()): Promise<string | null> {
  const owner = await readLayoutOwner(store, plan);
  if (owner?.waveId === waveId) return null;
  const top = (await store.list(plan.output.dir)).filter((n) => n !== WAVES_FOLDER && n !== CURRENT_WAVE_FILE);
  const outside: ('alertLog' | 'decisionDoc' | 'reportDoc')[] = [];
  for (const key of ['alertLog', 'decisionDoc', 'reportDoc'] as const)
    if (!insideDir(store, plan, plan.output[key]) && (await store.exists(plan.output[key]))) outside.push(key);
  const previous = top.length || outside.length ? (owner?.waveId ?? (await unmarkedOwner(store, plan, waveId))) : null;
  if (previous) {
    const target = ownFolderOutput(store, plan, previous);
    for (const name of top) await store.move(posix.join(plan.output.dir, name), posix.join(target.dir, name));
    for (const key of outside) await store.move(plan.output[key], target[key]);
  }
  const marker: LayoutOwner = { waveId, since: now.toISOString() };
  await store.write(posix.join(plan.output.dir, CURRENT_WAVE_FILE), JSON.stringify(marker) + '\n');
  return previous;
}

function insideDir(store: ArtifactStore, plan: Plan, path: string): boolean {
  const rel = posix.relative(store.locate(plan.output.dir), store.locate(path));
  return !!rel && !rel.startsWith('..') && !posix.isAbsolute(rel);
}

/**
 * Files in the spec's layout but no marker (written before waves were kept apart): their wave is
 * the one wave.json or the alert log names; if neither does, they are kept as "earlier-than-<new id>".
 */
async function unmarkedOwner(store: ArtifactStore, plan: Plan, waveId: string): Promise<string> {
  const named = (text: string | null): string | null => {
    for (const line of (text ?? '').split('\n').reverse()) {
      try {
        const id = (JSON.parse(line) as { waveId?: unknown }).waveId;
        if (typeof id === 'string' && SAFE_ID.test(id) && id !== waveId) return id;
      } catch {
        /* not JSON: look further */
      }
    }
    return null;
  };
  const wave = await store.read(posix.join(plan.output.dir, 'wave.json'));
  return named(wave === null ? null : wave.replace(/\n/g, ' ')) ?? named(await store.read(plan.output.alertLog)) ?? `earlier-than-${waveId}`;
}

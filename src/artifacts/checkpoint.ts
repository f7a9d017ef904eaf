// Checkpoint folders: the spec's layout of one collection's files (the record's data files, and the
// files report/checkpoint-files.ts renders, written as given) and reading them back into a
// CheckpointRecord, which is what the reports and the later checkpoints' comparisons are built from.
import type { Plan } from '../plan/schema';
import { parseErrorsLog } from './errors-log';
import { readJson, toJson } from './json';
import { checkpointFolder, checkpointPath, parseCheckpointFolder } from './layout';
import { FILE_SCHEMA_VERSION } from './records/common';
import { agentStatusFileSchema, summarySchema, systemMetricsFileSchema } from './records/summary';
import { checkpointRecordSchema, type CheckpointRecord } from './records/checkpoint';
import type { ArtifactStore } from './store';
import { check } from './validate';

/** The plan's actions for a checkpoint name; a manual collection not in the plan uses the record's own. */
export function actionsFor(plan: Plan, record: Pick<CheckpointRecord, 'checkpoint' | 'actions'>): string[] {
  return plan.checkpoints.find((c) => c.name === record.checkpoint)?.actions ?? record.actions;
}

/** A checkpoint record checked against its schema: nothing is rendered or written from a bad one. */
export function validCheckpointRecord(input: CheckpointRecord): CheckpointRecord {
  return check(checkpointRecordSchema, input, `checkpoint record ${input?.checkpoint ?? '?'}`) as CheckpointRecord;
}

/**
 * Writes one collection of a checkpoint: the record's data files (agent_status.json,
 * system_metrics.json), then the rendered files in the order given — summary.json last (a folder
 * with summary.json is complete). Idempotent: the same record and files write the same bytes. A
 * re-collection (record.collection ≥ 1) goes to "<checkpoint>.recollect-n/", beside the original.
 * Returns the folder (store path).
 */
export async function writeCheckpointFolder(store: ArtifactStore, plan: Plan, input: CheckpointRecord, rendered: readonly (readonly [string, string])[]): Promise<string> {
  const record = validCheckpointRecord(input);
  const path = (f: string) => checkpointPath(plan, record.checkpoint, record.collection, f);
  await writeDataFiles(store, plan, record);
  const last = rendered.filter(([f]) => f === 'summary.json');
  for (const [f, content] of [...rendered.filter(([x]) => x !== 'summary.json'), ...last]) await store.write(path(f), content);
  return checkpointPath(plan, record.checkpoint, record.collection, '').replace(/\/$/, '');
}

/** Rewrites some rendered files of a stored collection (the documents rebuilt from it), leaving its data and summary.json as they are. */
export async function rewriteCheckpointFiles(store: ArtifactStore, plan: Plan, record: Pick<CheckpointRecord, 'checkpoint' | 'collection'>, rendered: readonly (readonly [string, string])[]): Promise<void> {
  for (const [f, content] of rendered) await store.write(checkpointPath(plan, record.checkpoint, record.collection, f), content);
}

async function writeDataFiles(store: ArtifactStore, plan: Plan, record: CheckpointRecord): Promise<void> {
  const path = (f: string) => checkpointPath(plan, record.checkpoint, record.collection, f);
  // the detail files' shared header (records/summary.ts detailFileHeader), after each file's name
  const header = { schemaVersion: FILE_SCHEMA_VERSION, wave: record.wave, checkpoint: record.checkpoint, collection: record.collection, collectedAt: record.finishedAt };
  await store.write(
    path('agent_status.json'),
    toJson(check(agentStatusFileSchema, { schema: 'wavewatch.agent-status', ...header, agents: record.agents }, 'agent_status.json')),
  );
  await store.write(
    path('system_metrics.json'),
    toJson(
      check(
        systemMetricsFileSchema,
        { schema: 'wavewatch.system-metrics', ...header, natsServerReachable: record.nats.serverReachable, hosts: record.hosts },
        'system_metrics.json',
      ),
    ),
  );
}

/** Every checkpoint collection stored under the output folder, in plan order then collection. */
export async function listCollections(store: ArtifactStore, plan: Plan): Promise<{ checkpoint: string; collection: number }[]> {
  const out: { checkpoint: string; collection: number }[] = [];
  for (const name of await store.list(plan.output.dir)) {
    const parsed = parseCheckpointFolder(name);
    if (!parsed) continue;
    if (await store.exists(checkpointPath(plan, parsed.checkpoint, parsed.collection, 'summary.json'))) out.push(parsed);
  }
  const order = (name: string) => {
    const i = plan.checkpoints.findIndex((c) => c.name === name);
    return i < 0 ? plan.checkpoints.length : i;
  };
  return out.sort((a, b) => order(a.checkpoint) - order(b.checkpoint) || a.checkpoint.localeCompare(b.checkpoint) || a.collection - b.collection);
}

/** The collection number for the next re-collection of a checkpoint (1 when none exists yet). */
export async function nextRecollection(store: ArtifactStore, plan: Plan, checkpoint: string): Promise<number> {
  const names = await store.list(plan.output.dir);
  let maxN = 0;
  for (const n of names) {
    const p = parseCheckpointFolder(n);
    if (p && p.checkpoint === checkpoint) maxN = Math.max(maxN, p.collection);
  }
  return maxN + 1;
}

/** Reads one collection back; null when its summary.json does not exist (never collected, or a write in progress). */
export async function readCheckpoint(store: ArtifactStore, plan: Plan, checkpoint: string, collection = 0): Promise<CheckpointRecord | null> {
  const p = (f: string) => checkpointPath(plan, checkpoint, collection, f);
  const raw = await readJson(store, p('summary.json'));
  if (raw === null) return null;
  const summary = check(summarySchema, raw, `${checkpointFolder(checkpoint, collection)}/summary.json`);
  const statusRaw = await readJson(store, p('agent_status.json'));
  const systemRaw = await readJson(store, p('system_metrics.json'));
  const agents = statusRaw === null ? [] : check(agentStatusFileSchema, statusRaw, 'agent_status.json').agents;
  const hosts = systemRaw === null ? [] : check(systemMetricsFileSchema, systemRaw, 'system_metrics.json').hosts;
  const errorsText = await store.read(p('errors.log'));
  const gaps = [...summary.gaps];
  if (statusRaw === null) gaps.push('agent_status.json missing from the checkpoint folder');
  if (systemRaw === null) gaps.push('system_metrics.json missing from the checkpoint folder');
  const record: CheckpointRecord = {
    wave: summary.wave,
    waveId: summary.waveId,
    checkpoint: summary.checkpoint,
    collection: summary.collection,
    ...(summary.collectionReason !== undefined ? { collectionReason: summary.collectionReason } : {}),
    offsetMs: summary.offsetMs,
    dueAt: summary.dueAt,
    startedAt: summary.startedAt,
    finishedAt: summary.finishedAt,
    windowStart: summary.windowStart,
    verdict: summary.verdict,
    verdictReason: summary.verdictReason,
    actions: summary.actions,
    criteria: summary.criteria,
    headline: summary.headline,
    agents,
    probes: summary.probes,
    nats: summary.nats,
    hosts,
    errorLog: { entries: errorsText === null ? [] : parseErrorsLog(errorsText), omitted: summary.errors.omitted },
    comparison: summary.comparison,
    findings: summary.findings,
    alerts: summary.alerts,
    operatorActions: summary.operatorActions,
    gaps,
  };
  return record;
}

/**
 * The latest stored collection of every checkpoint (a re-collection supersedes the original for
 * comparisons and reports; the original stays on disk), in plan order.
 */
export async function readLatestCheckpoints(store: ArtifactStore, plan: Plan): Promise<CheckpointRecord[]> {
  const latest = new Map<string, number>();
  for (const c of await listCollections(store, plan)) latest.set(c.checkpoint, Math.max(latest.get(c.checkpoint) ?? 0, c.collection));
  const out: CheckpointRecord[] = [];
  for (const [name, collection] of latest) {
    const r = await readCheckpoint(store, plan, name, collection);
    if (r) out.push(r);
  }
  return out.sort((a, b) => a.offsetMs - b.offsetMs || a.finishedAt.localeCompare(b.finishedAt));
}

/** The checkpoints before this one (latest collection of each), oldest first. */
export async function previousCheckpoints(store: ArtifactStore, plan: Plan, record: CheckpointRecord): Promise<CheckpointRecord[]> {
  const all = await readLatestCheckpoints(store, plan);
  return all.filter((r) => r.checkpoint !== record.checkpoint && (r.offsetMs < record.offsetMs || (r.offsetMs === record.offsetMs && r.finishedAt < record.finishedAt)));
}

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalArtifactStore, MemoryArtifactStore } from '../../src/artifacts/store';
import { listCollections, nextRecollection, readCheckpoint } from '../../src/artifacts/checkpoint';
import { writeCheckpoint } from '../../src/activities/write-reports';
import { checkpointFiles, BASE_FILES } from '../../src/artifacts/layout';
import { ArtifactValidationError } from '../../src/artifacts/validate';
import * as text from '../../src/report/text';
import { makeRecord, wave2Plan } from './fixtures';

const plan = wave2Plan();
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ww-cp-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function tree(root: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const d of readdirSync(root)) if (statSync(join(root, d)).isDirectory()) out[d] = readdirSync(join(root, d)).sort();
  return out;
}

function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(p.slice(root.length), readFileSync(p, 'utf8'));
    }
  };
  walk(root);
  return out;
}

describe('checkpoint layout', () => {
  it('plans/wave2.yaml gives exactly the spec\'s Data Storage Structure', () => {
    const files = Object.fromEntries(plan.checkpoints.map((c) => [c.name, checkpointFiles(c.actions).sort()]));
    const base = [...BASE_FILES];
    expect(files).toEqual({
      'T+1h': [...base].sort(),
      'T+6h': [...base, 'analysis.txt', 'comparison.json'].sort(),
      'T+12h': [...base, 'trends.txt'].sort(),
      'T+24h': [...base, 'final_analysis.md', 'aggregate_metrics.json'].sort(),
    });
  });

  it('writes every checkpoint folder with exactly those files under plan.output.dir', async () => {
    const store = new LocalArtifactStore(dir);
    for (const cp of ['T+1h', 'T+6h', 'T+12h', 'T+24h']) await writeCheckpoint(store, plan, makeRecord(plan, cp, cp === 'T+6h' ? { errors: 3 } : {}));
    const t = tree(join(dir, plan.output.dir));
    for (const c of plan.checkpoints) expect(t[c.name]).toEqual(checkpointFiles(c.actions).sort());
    // beside the checkpoints: only the charts (rendered for final_analysis.md)
    expect(Object.keys(t).sort()).toEqual(['T+12h', 'T+1h', 'T+24h', 'T+6h', 'charts']);
    const summary = JSON.parse(readFileSync(join(dir, plan.output.dir, 'T+6h/summary.json'), 'utf8'));
    expect(summary).toMatchObject({ schema: 'wavewatch.checkpoint-summary', schemaVersion: 1, checkpoint: 'T+6h', verdict: 'PASS' });
    expect(summary.files.sort()).toEqual(t['T+6h']);
    expect(summary.errors).toMatchObject({ logFile: 'errors.log', entries: 3 });
    expect(summary.roles.test.instances).toBe(6);
    expect(summary.roles.control.instances).toBe(6);
    expect(summary.headline.errorRatePct.value).toBeGreaterThan(0);
  });

  it('a retried write rewrites the same bytes, and leaves no temporary files', async () => {
    const store = new LocalArtifactStore(dir);
    const recs = ['T+1h', 'T+6h', 'T+12h', 'T+24h'].map((cp) => makeRecord(plan, cp, { errors: 2 }));
    for (const r of recs) await writeCheckpoint(store, plan, r);
    const first = snapshot(dir);
    for (const r of recs) await writeCheckpoint(store, plan, r);
    const second = snapshot(dir);
    expect([...second.keys()].sort()).toEqual([...first.keys()].sort());
    for (const [k, v] of first) expect({ k, same: second.get(k) === v }).toEqual({ k, same: true });
    expect([...second.keys()].some((k) => k.includes('.tmp-'))).toBe(false);
  });

  it('a re-collection is kept beside the original, never over it', async () => {
    const store = new LocalArtifactStore(dir);
    await writeCheckpoint(store, plan, makeRecord(plan, 'T+1h'));
    await writeCheckpoint(store, plan, makeRecord(plan, 'T+6h', { unreachableHost: 'dgx-2' }));
    const original = readFileSync(join(dir, plan.output.dir, 'T+6h/summary.json'), 'utf8');
    expect(await nextRecollection(store, plan, 'T+6h')).toBe(1);
    const { dir: rdir, files } = await writeCheckpoint(store, plan, makeRecord(plan, 'T+6h', {}, 1));
    expect(rdir).toBe(`${plan.output.dir}/T+6h.recollect-1`);
    expect(files).toEqual(checkpointFiles(plan.checkpoints[1].actions));
    expect(readFileSync(join(dir, plan.output.dir, 'T+6h/summary.json'), 'utf8')).toBe(original);
    expect(await nextRecollection(store, plan, 'T+6h')).toBe(2);
    expect(await listCollections(store, plan)).toEqual([
      { checkpoint: 'T+1h', collection: 0 },
      { checkpoint: 'T+6h', collection: 0 },
      { checkpoint: 'T+6h', collection: 1 },
    ]);
    const back = await readCheckpoint(store, plan, 'T+6h', 1);
    expect(back?.collectionReason).toMatch(/manual re-collection/);
  });

  it('reads a checkpoint back into the record it was written from', async () => {
    const store = new MemoryArtifactStore();
    const rec = makeRecord(plan, 'T+12h', { errors: 3, restarts: 1, unreachableHost: 'dgx-3' });
    await writeCheckpoint(store, plan, makeRecord(plan, 'T+1h'));
    await writeCheckpoint(store, plan, rec);
    const back = await readCheckpoint(store, plan, 'T+12h');
    expect(back).toEqual(rec);
    expect(await readCheckpoint(store, plan, 'T+24h')).toBeNull();
  });

  it('errors.log keeps one entry per line; multi-line messages are escaped and read back', async () => {
    const store = new MemoryArtifactStore();
    await writeCheckpoint(store, plan, makeRecord(plan, 'T+1h', { errors: 2 }));
    const log = (await store.read(`${plan.output.dir}/T+1h/errors.log`))!;
    const entries = log.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatch(/^2026-01-23T\S+Z dgx-1 network-expert test - ERROR connection reset by peer 0\\nstack: at foo/);
    expect(entries[1]).toMatch(/ err ERROR connection reset by peer 1$/);
    expect(log).toMatch(/# +2 +network-expert +dgx-1 +one-off +connection reset by peer <n>/);
  });

  it('records missing data as a gap with its reason, never as zero', async () => {
    const store = new MemoryArtifactStore();
    await writeCheckpoint(store, plan, makeRecord(plan, 'T+1h', { unreachableHost: 'dgx-2' }));
    const status = JSON.parse((await store.read(`${plan.output.dir}/T+1h/agent_status.json`))!);
    const down = status.agents.find((a: { host: string; agent: string }) => a.host === 'dgx-2' && a.agent === 'network-expert');
    expect(down.memoryBytes).toEqual({ value: null, reason: 'host dgx-2 unreachable: connect ECONNREFUSED' });
    const summary = JSON.parse((await store.read(`${plan.output.dir}/T+1h/summary.json`))!);
    expect(summary.roles.test.errors).toMatchObject({ value: 0, reason: '2 of 6 without data' });
    expect(summary.gaps[0]).toMatch(/dgx-2 unreachable/);
    const errorsLog = (await store.read(`${plan.output.dir}/T+1h/errors.log`))!;
    expect(errorsLog).toMatch(/# no error data from:\n#   network-expert@dgx-2: host dgx-2 unreachable/);
    const nats = (await store.read(`${plan.output.dir}/T+1h/nats_sampling.txt`))!;
    expect(nats).toMatch(/Not sampled: no nats-sampling at this checkpoint/);
    expect(nats).toMatch(/network-expert@dgx-1 +yes +yes/);
  });

  it('refuses a malformed record before writing anything', async () => {
    const store = new MemoryArtifactStore();
    const rec = makeRecord(plan, 'T+1h');
    (rec.agents[0].memoryBytes as { value: number | null }).value = Number.NaN;
    (rec as { verdict: string }).verdict = 'OK';
    await expect(writeCheckpoint(store, plan, rec)).rejects.toThrow(ArtifactValidationError);
    await expect(writeCheckpoint(store, plan, rec)).rejects.toThrow(/verdict/);
    expect(store.files.size).toBe(0);
    const missingReason = makeRecord(plan, 'T+1h');
    (missingReason.agents[0] as unknown as { cpuPct: unknown }).cpuPct = { value: null };
    await expect(writeCheckpoint(store, plan, missingReason)).rejects.toThrow(/agents\.0\.cpuPct/);
  });
});

describe('a report bug never costs the checkpoint', () => {
  afterEach(() => jest.restoreAllMocks());
  it('writes a note in place of a file that cannot be rendered, and the data and summary.json as usual', async () => {
    const store = new MemoryArtifactStore();
    await writeCheckpoint(store, plan, makeRecord(plan, 'T+1h'));
    jest.spyOn(text, 'renderAnalysis').mockImplementation(() => {
      throw new Error('boom');
    });
    const res = await writeCheckpoint(store, plan, makeRecord(plan, 'T+6h'));
    expect(res.problems).toEqual(['analysis.txt could not be rendered: boom']);
    expect(await store.read(`${plan.output.dir}/T+6h/analysis.txt`)).toMatch(/^analysis.txt could not be rendered: boom\n/);
    const summary = JSON.parse((await store.read(`${plan.output.dir}/T+6h/summary.json`))!);
    expect(summary.renderProblems).toEqual(['analysis.txt could not be rendered: boom']);
    expect(JSON.parse((await store.read(`${plan.output.dir}/T+6h/comparison.json`))!).schema).toBe('wavewatch.comparison');
    expect(await readCheckpoint(store, plan, 'T+6h')).toEqual(makeRecord(plan, 'T+6h'));
  });
});

describe('LocalArtifactStore', () => {
  it('never shows a torn file: a failed write keeps the old content and leaves no temporary file', async () => {
    const store = new LocalArtifactStore(dir);
    await store.write('a/b.txt', 'old');
    const bad = { [Symbol.iterator]: null } as unknown as string; // writeFile rejects this
    await expect(store.write('a/b.txt', bad)).rejects.toThrow();
    expect(readFileSync(join(dir, 'a/b.txt'), 'utf8')).toBe('old');
    expect(readdirSync(join(dir, 'a'))).toEqual(['b.txt']);
  });

  it('hides temporary files left by a crash from list()', async () => {
    const store = new LocalArtifactStore(dir);
    mkdirSync(join(dir, 'x'));
    writeFileSync(join(dir, 'x', 'summary.json.tmp-123-abcd'), '{"torn');
    writeFileSync(join(dir, 'x', 'summary.json'), '{}');
    expect(await store.list('x')).toEqual(['summary.json']);
  });

  it('appendLine starts a fresh line after a line torn by a crash', async () => {
    const store = new LocalArtifactStore(dir);
    writeFileSync(join(dir, 'log.jsonl'), '{"id":"1"}\n{"id":"2", "tor');
    await store.appendLine('log.jsonl', '{"id":"3"}');
    expect(readFileSync(join(dir, 'log.jsonl'), 'utf8')).toBe('{"id":"1"}\n{"id":"2", "tor\n{"id":"3"}\n');
  });

  it('keeps relative paths inside its root', () => {
    const store = new LocalArtifactStore(dir);
    expect(() => store.locate('../etc/passwd')).toThrow(/escapes/);
    expect(() => new MemoryArtifactStore().locate('../x')).toThrow(/escapes/);
  });
});

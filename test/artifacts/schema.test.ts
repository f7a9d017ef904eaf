import { mkdtempSync, readFileSync, writeFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonSchemas } from '../../src/artifacts/json-schemas';
import { LocalArtifactStore } from '../../src/artifacts/store';
import { writeCheckpoint } from '../../src/activities/write-reports';
import { writeWaveRecord } from '../../src/artifacts/wave';
import { appendAlertLog, alertLogEntry } from '../../src/artifacts/alertlog';
import { validate } from './jsonschema';
import { makeRecord, makeWave, wave2Plan } from './fixtures';

const SCHEMAS = join(__dirname, '../../schemas');

describe('JSON Schema files under schemas/', () => {
  const generated = jsonSchemas();

  if (process.env.WAVEWATCH_UPDATE_SCHEMAS === '1')
    for (const [name, schema] of Object.entries(generated)) writeFileSync(join(SCHEMAS, name), `${JSON.stringify(schema, null, 2)}\n`);

  it.each(Object.keys(generated))('%s is checked in and equals the zod schema it is generated from', (name) => {
    const onDisk = JSON.parse(readFileSync(join(SCHEMAS, name), 'utf8'));
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(generated[name])));
  });

  it('has no stray schema files', () => {
    expect(readdirSync(SCHEMAS).filter((f) => f.endsWith('.json')).sort()).toEqual(Object.keys(generated).sort());
  });

  it('summary.json is versioned', () => {
    const s = generated['summary.schema.json'] as { properties: Record<string, { const?: unknown }>; required: string[] };
    expect(s.properties.schemaVersion.const).toBe(1);
    expect(s.properties.schema.const).toBe('wavewatch.checkpoint-summary');
    expect(s.required).toEqual(expect.arrayContaining(['schema', 'schemaVersion', 'verdict', 'criteria', 'headline']));
  });
});

describe('written files validate against the checked-in schemas', () => {
  const plan = wave2Plan();
  let dir: string;
  let store: LocalArtifactStore;
  const schema = (name: string) => JSON.parse(readFileSync(join(SCHEMAS, name), 'utf8'));
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ww-schema-'));
    store = new LocalArtifactStore(dir);
    const recs = [makeRecord(plan, 'T+1h'), makeRecord(plan, 'T+6h', { errors: 4, unreachableHost: 'dgx-2' }), makeRecord(plan, 'T+12h', { restarts: 1, lost: 2 })];
    for (const r of recs) await writeCheckpoint(store, plan, r);
    await writeWaveRecord(store, plan, makeWave(plan, recs, 'NO-GO'));
    await appendAlertLog(store, plan, alertLogEntry({ wave: 'wave2', waveId: 'w' }, recs[2].alerts[0], 'fired', recs[2].alerts[0].firstFiredAt));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['T+1h', 'T+6h', 'T+12h'])('%s: summary.json, agent_status.json, system_metrics.json', async (cp) => {
    for (const [file, sch] of [
      ['summary.json', 'summary.schema.json'],
      ['agent_status.json', 'agent_status.schema.json'],
      ['system_metrics.json', 'system_metrics.schema.json'],
    ]) {
      const doc = JSON.parse((await store.read(`monitoring/checkpoints/wave2/${cp}/${file}`))!);
      expect({ file, errors: validate(schema(sch), doc) }).toEqual({ file, errors: [] });
    }
  });

  it('wave.json and the alert log lines', async () => {
    expect(validate(schema('wave.schema.json'), JSON.parse((await store.read('monitoring/checkpoints/wave2/wave.json'))!))).toEqual([]);
    const lines = (await store.read(plan.output.alertLog))!.trim().split('\n');
    for (const l of lines) expect(validate(schema('alert_log_entry.schema.json'), JSON.parse(l))).toEqual([]);
  });

  it('the validator is not a rubber stamp', async () => {
    const doc = JSON.parse((await store.read('monitoring/checkpoints/wave2/T+6h/summary.json'))!);
    const s = schema('summary.schema.json');
    expect(validate(s, { ...doc, schemaVersion: 2 })).not.toEqual([]);
    expect(validate(s, { ...doc, verdict: 'OK' })).not.toEqual([]);
    expect(validate(s, { ...doc, extra: 1 })).not.toEqual([]);
    const { criteria: _c, ...missing } = doc;
    expect(validate(s, missing)).not.toEqual([]);
    // a missing value must say why
    const bad = structuredClone(doc);
    bad.headline.uptimePct = { value: null };
    expect(validate(s, bad).join('\n')).toMatch(/headline\.uptimePct/);
    bad.headline.uptimePct = { value: 'high' };
    expect(validate(s, bad)).not.toEqual([]);
  });
});

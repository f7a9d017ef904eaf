// The records' one model: the zod schemas of src/artifacts/records/ are what every writer checks
// against, so what a writer writes parses with them, and a record with a wrong field is refused with
// the field's path and nothing is written.
import { alertLogEntry, appendAlertLog } from '../../src/artifacts/alertlog';
import { writeCheckpoint, writeHourlyTrend } from '../../src/activities/write-reports';
import { alertLogEntrySchema } from '../../src/artifacts/records/alerts';
import { agentStatusFileSchema, summarySchema, systemMetricsFileSchema } from '../../src/artifacts/records/summary';
import { waveFileSchema } from '../../src/artifacts/records/wave';
import { criterionSchema } from '../../src/artifacts/records/judgement';
import { MemoryArtifactStore } from '../../src/artifacts/store';
import { ArtifactValidationError } from '../../src/artifacts/validate';
import { writeWaveRecord } from '../../src/artifacts/wave';
import { evaluateRule } from '../../src/judge/rules';
import { ruleResultSchema } from '../../src/model/rule-result';
import { makeRecord, makeSamples, makeWave, START, wave2Plan } from './fixtures';

const plan = wave2Plan();
const dir = plan.output.dir;

/** The refusal's problems (path: message) — fails the test when the call does not refuse. */
async function refusal(p: Promise<unknown>): Promise<string[]> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ArtifactValidationError);
  return (err as ArtifactValidationError).problems;
}

describe('what the writers write parses with the records’ schemas', () => {
  it('checkpoint files, wave.json and an alert log line', async () => {
    const store = new MemoryArtifactStore();
    const rec = makeRecord(plan, 'T+6h', { errors: 4, unreachableHost: 'dgx-2' });
    await writeCheckpoint(store, plan, rec);
    await writeWaveRecord(store, plan, makeWave(plan, [rec], 'NO-GO'));
    const alert = makeRecord(plan, 'T+12h', { restarts: 1 }).alerts[0];
    await appendAlertLog(store, plan, alertLogEntry({ wave: 'wave2', waveId: 'w' }, alert, 'fired', alert.firstFiredAt));

    const json = async (path: string) => JSON.parse((await store.read(path))!);
    for (const [file, schema] of [
      ['summary.json', summarySchema],
      ['agent_status.json', agentStatusFileSchema],
      ['system_metrics.json', systemMetricsFileSchema],
    ] as const) {
      const r = schema.safeParse(await json(`${dir}/T+6h/${file}`));
      expect({ file, issues: r.error?.issues ?? [] }).toEqual({ file, issues: [] });
    }
    expect(waveFileSchema.safeParse(await json(`${dir}/wave.json`)).error?.issues ?? []).toEqual([]);
    // the shared header comes first, in this order (records/common.ts fileHeader, records/summary.ts detailFileHeader)
    const detailHeader = ['schema', 'schemaVersion', 'wave', 'checkpoint', 'collection', 'collectedAt'];
    expect(Object.keys(await json(`${dir}/T+6h/agent_status.json`))).toEqual([...detailHeader, 'agents']);
    expect(Object.keys(await json(`${dir}/T+6h/system_metrics.json`))).toEqual([...detailHeader, 'natsServerReachable', 'hosts']);
    expect(Object.keys(await json(`${dir}/T+6h/summary.json`)).slice(0, 2)).toEqual(['schema', 'schemaVersion']);
    const line = (await store.read(plan.output.alertLog))!.trim();
    expect(alertLogEntrySchema.safeParse(JSON.parse(line)).error?.issues ?? []).toEqual([]);
  });

  it("the judge's criterion result is the model's: evaluateRule's output parses strictly", () => {
    const rule = plan.criteria[0];
    const judged = [
      evaluateRule(rule, { [rule.metric]: { value: 0.2, samples: 120 } }),
      evaluateRule(rule, {}),
      evaluateRule(rule, { [rule.metric]: { value: null, samples: 0, error: 'host dgx-2 unreachable' } }),
    ];
    expect(judged.map((j) => j.outcome)).toEqual([expect.stringMatching(/^(pass|fail)$/), 'inconclusive', 'error']);
    for (const j of judged) {
      expect(ruleResultSchema.strict().safeParse(j).error?.issues ?? []).toEqual([]);
      expect(criterionSchema.safeParse({ ...j, primary: true }).error?.issues ?? []).toEqual([]);
    }
  });
});

describe('a record with a wrong field is refused, naming the field, before anything is written', () => {
  it('wave.json: a wrong value, a wrong enum deep inside, an unknown key', async () => {
    const store = new MemoryArtifactStore();
    const rec = makeRecord(plan, 'T+1h');
    const wave = makeWave(plan, [rec], 'NO-GO', {
      rollback: {
        executed: true, trigger: 'operator', reason: 'test', startedAt: START, finishedAt: null,
        steps: [{ name: 'stop', target: 'dgx-1', state: 'done', startedAt: START, finishedAt: START }],
      },
    });
    await writeWaveRecord(store, plan, wave); // the crafted wave itself is valid
    const store2 = new MemoryArtifactStore();

    expect(await refusal(writeWaveRecord(store2, plan, { ...wave, timeScale: 0 }))).toEqual([expect.stringMatching(/^timeScale: /)]);
    const badStep = structuredClone(wave);
    (badStep.rollback!.steps[0] as { state: string }).state = 'half-done';
    expect(await refusal(writeWaveRecord(store2, plan, badStep))).toEqual([expect.stringMatching(/^rollback\.steps\.0\.state: /)]);
    const extra = { ...wave, verdictBy: 'me' } as typeof wave;
    expect((await refusal(writeWaveRecord(store2, plan, extra))).join('\n')).toMatch(/verdictBy/);
    const badCriterion = structuredClone(wave);
    (badCriterion.criteria[0] as { outcome: string }).outcome = 'passed';
    expect(await refusal(writeWaveRecord(store2, plan, badCriterion))).toEqual([expect.stringMatching(/^criteria\.0\.outcome: /)]);
    expect(store2.files.size).toBe(0);
  });

  it('an alert log line with a wrong severity or a time that is not ISO UTC', async () => {
    const store = new MemoryArtifactStore();
    const alert = makeRecord(plan, 'T+12h', { restarts: 1 }).alerts[0];
    const entry = alertLogEntry({ wave: 'wave2', waveId: 'w' }, alert, 'fired', alert.firstFiredAt);
    expect(await refusal(appendAlertLog(store, plan, { ...entry, severity: 'fatal' as 'critical' }))).toEqual([expect.stringMatching(/^severity: /)]);
    expect(await refusal(appendAlertLog(store, plan, { ...entry, at: '23/01/2026 10:00' }))).toEqual(['at: expected an ISO 8601 UTC time']);
    expect(store.files.size).toBe(0);
  });

  it('an hourly trend with a monitor sample of an unknown role', async () => {
    const store = new MemoryArtifactStore();
    const samples = makeSamples(plan, 1);
    (samples[0].agents[0] as { role: string }).role = 'canary';
    const to = new Date(Date.parse(START) + 3_600_000).toISOString();
    expect(await refusal(writeHourlyTrend(store, plan, { waveId: 'w', hour: 1, from: START, to, samples }))).toEqual([
      expect.stringMatching(/^samples\.\d+\.agents\.0\.role: /),
    ]);
    expect(store.files.size).toBe(0);
  });
});

// A workflow carries its plan as data, and anything that can start a workflow on the task queue can
// put any plan there: the first activity (storePlan) holds it to the plan file's rules and fails the
// wave for good (InvalidPlan) before anything is stored or collected; planOf checks what it loads.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/activity';
import { createActivities } from '../../src/activities';
import { SshPools } from '../../src/activities/ssh-pools';
import { MemoryArtifactStore } from '../../src/artifacts/store';
import { loadPlan } from '../../src/plan/load';
import type { CollectInput } from '../../src/activities/types';

const plan = loadPlan(join(__dirname, '../../plans/local.yaml'));
const setup = () => {
  const store = new MemoryArtifactStore();
  return { store, acts: createActivities({ store, pools: new SshPools(), mail: null }) };
};
const copy = (change: (p: any) => void) => {
  const p = JSON.parse(JSON.stringify(plan));
  change(p);
  return p;
};

async function failureOf(run: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

describe('storePlan validates the plan a workflow carries', () => {
  test('a valid plan is stored as it is, and reads back equal', async () => {
    const { store, acts } = setup();
    const ref = await acts.storePlan({ plan, waveId: 'w1' });
    expect(JSON.parse((await store.read(ref.file))!)).toEqual(plan);
  });

  test.each([
    ['a rollback step with a quoted placeholder', (p: any) => (p.rollback.steps[0].run = 'systemctl stop "{unit}"'), /rollback\.steps\.0\.run: placeholder \{unit\} is inside quotes/],
    ['an error pattern that matches every line', (p: any) => (p.agents.errorPattern = ''), /agents\.errorPattern: expected a pattern/],
    ['a password in a NATS URL', (p: any) => (p.nats.servers = ['nats://u:pw@127.0.0.1:4222']), /nats\.servers\.0: credentials in a URL are refused/],
    ['a plan with no hosts key at all', (p: any) => delete p.hosts, /hosts: Invalid input: expected array/],
    ['a duration as text (a plan file, not a parsed plan)', (p: any) => (p.monitor.interval = '5m'), /monitor\.interval: Invalid input: expected number/],
    ['an unknown key', (p: any) => (p.rollback.steps[0].shell = '/bin/bash'), /rollback\.steps\.0: Unrecognized key: "shell"/],
  ])('%s: InvalidPlan, not retried, naming the field; nothing stored', async (_what, change, expected) => {
    const { store, acts } = setup();
    const f = await failureOf(acts.storePlan({ plan: copy(change), waveId: 'w1' }));
    expect(f.type).toBe('InvalidPlan');
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toMatch(expected);
    expect(f.message).not.toContain('\n');
    expect(store.files.size).toBe(0);
  });
});

describe('planOf checks the plan it loads from the store', () => {
  test('a stored plan that breaks the rules fails the activity with InvalidPlan before anything is collected', async () => {
    const { store, acts } = setup();
    const text = JSON.stringify(copy((p) => (p.rollback.steps[0].skipIf = "! systemctl is-active --quiet '{unit}'")));
    const digest = createHash('sha256').update(text).digest('hex');
    const file = `${plan.output.dir}/plans/${digest.slice(0, 16)}.json`;
    await store.write(file, text);
    const input: CollectInput = { planRef: { file, digest }, waveId: 'w', startAtMs: 0, timeScale: 1, seq: 1, sinceMs: 0, endMs: 1, policy: 'auto' } as CollectInput;
    const f = await failureOf(acts.collectBaseline(input));
    expect(f.type).toBe('InvalidPlan');
    expect(f.message).toMatch(/rollback\.steps\.0\.skipIf: placeholder \{unit\} is inside quotes/);
    expect([...store.files.keys()]).toEqual([store.locate(file)]);
  });
});

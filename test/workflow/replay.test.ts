// Determinism guard: recorded histories of real waves must replay on the current workflow code.
// A change that breaks this needs `patched()` (after the first release) or, before it, fixtures
// regenerated on purpose with `npx tsx scripts/record-histories.ts`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { temporal as proto } from '@temporalio/proto';
import { workflowBundle } from '../helpers/wave-env';

const DIR = join(__dirname, '../fixtures/histories');
const files = readdirSync(DIR).filter((f) => f.endsWith('.binpb'));

test('there are recorded histories to replay', () => expect(files.length).toBeGreaterThanOrEqual(2));

test.each(files)('%s replays on the current workflow code', async (file) => {
  const history = proto.api.history.v1.History.decode(readFileSync(join(DIR, file)));
  await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, file.replace(/\.binpb$/, ''));
});

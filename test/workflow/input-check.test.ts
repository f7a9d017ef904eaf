// The workflow's own check of its input (src/workflows/input-check.ts) on crafted inputs: each
// malformed input gets one line naming what is wrong; a good one passes.
import { waveInputProblem } from '../../src/workflows/input-check';
import type { WaveInput } from '../../src/workflows/wave-state';
import { localPlan, tempDir } from '../helpers/wave-env';

const good = (): WaveInput => ({ plan: localPlan(tempDir('input-check')), waveId: 'w1', startAtMs: Date.parse('2026-12-03T10:00:00Z'), timeScale: 720, policy: 'auto' });

test('a well-formed input passes', () => expect(waveInputProblem(good())).toBeNull());

test.each<[string, (i: any) => void, RegExp]>([
  ['no input', (i) => Object.keys(i).forEach((k) => delete i[k]), /waveId must be a non-empty string/],
  ['a time scale of 1e-9', (i) => (i.timeScale = 1e-9), /time scale must be a number from 1 to 100000/],
  ['a time scale as text', (i) => (i.timeScale = '720'), /time scale must be a number/],
  ['an unknown policy', (i) => (i.policy = 'yolo'), /policy must be auto, hold or observe, got "yolo"/],
  ['no ssh section', (i) => delete i.plan.ssh, /^invalid plan: ssh\.connectTimeout/],
  ['a duration as text (a plan file, not a parsed plan)', (i) => (i.plan.monitor.interval = '5m'), /^invalid plan: monitor\.interval/],
  ['no checkpoints', (i) => (i.plan.checkpoints = []), /^invalid plan: checkpoints must be a non-empty list/],
  ['no rollback steps', (i) => (i.plan.rollback.steps = []), /^invalid plan: rollback\.steps must be a non-empty list/],
])('%s: one line naming it', (_what, change, expected) => {
  const input = good();
  change(input);
  const problem = waveInputProblem(input);
  expect(problem).toMatch(expected);
  expect(problem).not.toContain('\n');
});

// The demo's input is read and checked before anything starts: a bad value is one line for the user
// (DemoInputError, exit 2). Ports follow the one port rule (plan/port.ts), the time scale the
// workflow's bounds (cli/time-scale.ts).
import { join } from 'node:path';
import { DemoInputError, readDemoInput, type DemoOptions } from '../../src/cli/demo/input';

const ROOT = join(__dirname, '../..');
const opts = (change: Partial<DemoOptions> = {}): DemoOptions => ({
  plan: join(ROOT, 'plans/local.yaml'), timeScale: '720', stateDir: '/tmp/unused', temporalPort: '7233', uiPort: '8233', policy: 'auto', ...change,
});
const problem = (change: Partial<DemoOptions>): string => {
  try {
    readDemoInput(opts(change));
  } catch (err) {
    if (err instanceof DemoInputError) return err.message;
    throw err;
  }
  throw new Error('accepted');
};

test('good input: the plan, no scenario, the scale and the ports as numbers', () => {
  const i = readDemoInput(opts({ scenario: join(ROOT, 'scenarios/agent-crash.yaml') }));
  expect(i).toMatchObject({ scenario: { name: expect.any(String) }, timeScale: 720, temporalPort: 7233, uiPort: 8233 });
  expect(i.plan.wave.name).toBe('wave2-local');
  expect(readDemoInput(opts()).scenario).toBeNull();
});

test('a port that Number() reads but is not written as one is refused', () => {
  expect(problem({ temporalPort: '0x1C71' })).toBe('--temporal-port: expected a port number, got "0x1C71"');
  expect(problem({ uiPort: '8e3' })).toBe('--ui-port: expected a port number, got "8e3"');
  expect(problem({ uiPort: '0' })).toBe('--ui-port: expected a port number, got "0"');
});

test('a time scale outside the workflow bounds, a missing plan: one line each', () => {
  expect(problem({ timeScale: '0.5' })).toBe('--time-scale: time scale must be a number from 1 to 100000 (1 = real time), got "0.5"');
  expect(problem({ plan: '/nonexistent/plan.yaml' })).toMatch(/nonexistent\/plan\.yaml/);
});

// The CLI refuses bad numbers before it connects to anything: one line on stderr, exit 2. The
// Temporal address is a closed port, so a command that got past its checks would fail differently
// (exit 1, "cannot reach the Temporal server"). The processes run side by side (each is ~2 s of
// start-up); the time scale's rule itself is checked value by value in wave-clock.test.ts, here
// `start` is shown to apply it.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../src/stack/nats-server';

jest.setTimeout(60_000);
const ROOT = join(__dirname, '../..');

interface Run {
  status: number | null;
  lines: string[];
}

function cli(address: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [join(ROOT, 'bin/wavewatch.js'), '--address', address, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 50_000 }, (_err, _stdout, stderr) =>
      resolve({ status: child.exitCode, lines: stderr.split('\n').filter(Boolean) }),
    );
  });
}

const INTERVALS: [string, RegExp][] = [
  ['abc', /--interval: expected milliseconds from 500 to 3600000, got "abc"/],
  ['0', /got "0"/],
  ['1', /got "1"/],
  ['2.5e3', /got "2.5e3"/],
];
const SCALE = '1e-9';
const runs = new Map<string, Run>();
beforeAll(async () => {
  const address = `127.0.0.1:${await freePort()}`;
  const commands: [string, string[]][] = [
    ...INTERVALS.map(([interval]): [string, string[]] => [`interval ${interval}`, ['watch', 'w-1', '--interval', interval]]),
    ['scale', ['start', '--plan', 'plans/local.yaml', '--time-scale', SCALE]],
    ['extend', ['extend', 'w-1', '--duration', '100000000d', '--reason', 'x']],
  ];
  await Promise.all(commands.map(async ([key, args]) => runs.set(key, await cli(address, args))));
});

test.each(INTERVALS)('watch --interval %s: refused', (interval, why) => {
  const r = runs.get(`interval ${interval}`)!;
  expect(r.lines).toHaveLength(1);
  expect(r.lines[0]).toMatch(why);
  expect(r.status).toBe(2);
});

test(`start --time-scale ${SCALE}: refused`, () => {
  const r = runs.get('scale')!;
  expect(r.lines).toEqual([`wavewatch: --time-scale: time scale must be a number from 1 to 100000 (1 = real time), got "${SCALE}"`]);
  expect(r.status).toBe(2);
});

test('extend --duration 100000000d: refused', () => {
  const r = runs.get('extend')!;
  expect(r.lines).toEqual(['wavewatch: extendWave: "duration" must be at most 7d per request, got "100000000d"']);
  expect(r.status).toBe(2);
});

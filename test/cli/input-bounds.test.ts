// The CLI refuses bad numbers before it connects to anything: one line on stderr, exit 2. The
// Temporal address is a closed port, so a command that got past its checks would fail differently
// (exit 1, "cannot reach the Temporal server").
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../src/stack/nats-server';

jest.setTimeout(60_000);
const ROOT = join(__dirname, '../..');
let address: string;
beforeAll(async () => {
  address = `127.0.0.1:${await freePort()}`;
});

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/wavewatch.js'), '--address', address, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 50_000 });
  return { status: r.status, stdout: r.stdout, lines: r.stderr.split('\n').filter(Boolean) };
}

test.each([
  ['abc', /--interval: expected milliseconds from 500 to 3600000, got "abc"/],
  ['0', /got "0"/],
  ['1', /got "1"/],
  ['2.5e3', /got "2.5e3"/],
])('watch --interval %s: refused', (interval, why) => {
  const r = cli('watch', 'w-1', '--interval', interval);
  expect(r.lines).toHaveLength(1);
  expect(r.lines[0]).toMatch(why);
  expect(r.status).toBe(2);
});

test.each(['1e-9', '0.5', '100001', 'fast'])('start --time-scale %s: refused', (scale) => {
  const r = cli('start', '--plan', 'plans/local.yaml', '--time-scale', scale);
  expect(r.lines).toHaveLength(1);
  expect(r.lines[0]).toMatch(new RegExp(`--time-scale: time scale must be a number from 1 to 100000 \\(1 = real time\\), got "${scale.replace('.', '\\.')}"`));
  expect(r.status).toBe(2);
});

test('extend --duration 100000000d: refused', () => {
  const r = cli('extend', 'w-1', '--duration', '100000000d', '--reason', 'x');
  expect(r.lines).toEqual(['wavewatch: extendWave: "duration" must be at most 7d per request, got "100000000d"']);
  expect(r.status).toBe(2);
});

// `wavewatch sim --plan F --scenario S --start-at T --time-scale N` as a user runs it, on a copy of
// plans/local.yaml with free ports: the fleet comes up on the plan's ports, the scenario's faults
// happen at their scaled times (seen on the NATS server's /connz), Ctrl-C stops everything; a NATS
// server already running on the plan's port is joined; bad input is refused before anything starts.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startNatsServer } from '../../src/stack/nats-server';

jest.setTimeout(60_000);

const ROOT = join(__dirname, '../..');
let dir: string;
let ports: { ssh: number[]; nats: number; monitor: number };
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wavewatch-sim-cli-'));
  ports = { ssh: [await freePort(), await freePort(), await freePort()], nats: await freePort(), monitor: await freePort() };
  const text = readFileSync(join(ROOT, 'plans/local.yaml'), 'utf8')
    .replace('port: 2221', `port: ${ports.ssh[0]}`)
    .replace('port: 2222', `port: ${ports.ssh[1]}`)
    .replace('port: 2223', `port: ${ports.ssh[2]}`)
    .replace('nats://127.0.0.1:4322', `nats://127.0.0.1:${ports.nats}`)
    .replace('http://127.0.0.1:8322', `http://127.0.0.1:${ports.monitor}`);
  writeFileSync(join(dir, 'plan.yaml'), text);
  writeFileSync(
    join(dir, 'stop.yaml'),
    'name: stop\nfaults:\n  - { at: 1h, for: 1h, target: { agent: tdd-expert, host: dgx-1 }, fault: stop }\n',
  );
  writeFileSync(join(dir, 'nats-down.yaml'), 'name: nats-down\nfaults:\n  - { at: 1h, for: 1h, fault: nats-down }\n');
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function sim(args: string[]) {
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'bin/wavewatch.js'), 'sim', '--plan', join(dir, 'plan.yaml'), ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout!.resume();
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    exited,
    stderr: () => err,
    async waitFor(re: RegExp, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!re.test(err)) {
        if (child.exitCode !== null) throw new Error(`sim exited (${child.exitCode}) before ${re}:\n${err}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${re}:\n${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

async function connectionNames(monitorPort: number): Promise<string[]> {
  const res = await fetch(`http://127.0.0.1:${monitorPort}/connz?limit=1000`);
  return ((await res.json()) as { connections: { name?: string }[] }).connections.map((c) => c.name ?? '').filter(Boolean).sort();
}

const pidAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('the fleet on the plan\'s ports with its own NATS; the faults at their scaled times; Ctrl-C stops it all', async () => {
  // at 1h for 1h, ×1800: the unit stops 2 s after the start and comes back 2 s later
  const run = sim(['--scenario', join(dir, 'stop.yaml'), '--time-scale', '1800']);
  await run.waitFor(/simulated fleet up: dgx-1 ssh 127\.0\.0\.1:\d+, .*; NATS nats:\/\/127\.0\.0\.1:\d+\n/);
  expect(run.stderr()).toContain(`dgx-1 ssh 127.0.0.1:${ports.ssh[0]}`);
  expect(run.stderr()).toContain(`NATS nats://127.0.0.1:${ports.nats}\n`);
  expect(run.stderr()).toMatch(/scenario stop: monitoring start \S+, time scale 1800\n {2}\S+ {2}stop on tdd-expert@dgx-1, T\+1h for 1h\n/);
  expect(await connectionNames(ports.monitor)).toContain('tdd-expert@dgx-1');
  const natsPid = Number(readFileSync(join(dir, '.wavewatch/nats/nats-server.pid'), 'utf8'));
  expect(pidAlive(natsPid)).toBe(true);

  await run.waitFor(/T\+1h {2}applied stop on tdd-expert@dgx-1/);
  await new Promise((r) => setTimeout(r, 300));
  const during = await connectionNames(ports.monitor);
  expect(during).not.toContain('tdd-expert@dgx-1');
  expect(during).toContain('tdd-expert@dgx-2');
  await run.waitFor(/T\+2h {2}reverted stop on tdd-expert@dgx-1/);
  for (let i = 0; i < 50 && !(await connectionNames(ports.monitor)).includes('tdd-expert@dgx-1'); i++) await new Promise((r) => setTimeout(r, 100));
  expect(await connectionNames(ports.monitor)).toContain('tdd-expert@dgx-1');

  run.child.kill('SIGINT');
  expect(await run.exited).toBe(0);
  for (let i = 0; i < 20 && pidAlive(natsPid); i++) await new Promise((r) => setTimeout(r, 100));
  expect(pidAlive(natsPid)).toBe(false);
});

test('a NATS server already on the plan\'s port is joined, not fought over; nats-down then cannot apply', async () => {
  const nats = await startNatsServer({ port: ports.nats, monitorPort: ports.monitor });
  try {
    const refused = sim(['--scenario', join(dir, 'nats-down.yaml')]);
    expect(await refused.exited).toBe(2);
    expect(refused.stderr()).toMatch(/nats-down\.yaml: faults\[0\]: nats-down stops the NATS server, and the one at the plan's address is not sim's/);

    const run = sim([]);
    await run.waitFor(/\(the server already running there\)/);
    for (let i = 0; i < 50 && (await connectionNames(ports.monitor)).length < 12; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await connectionNames(ports.monitor)).toHaveLength(12);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(nats.running).toBe(true);
    for (let i = 0; i < 50 && (await connectionNames(ports.monitor)).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await connectionNames(ports.monitor)).toEqual([]);
  } finally {
    await nats.stop();
  }
});

test('bad input is refused before anything starts (exit 2)', async () => {
  writeFileSync(join(dir, 'bad.yaml'), 'name: bad\nfaults:\n  - { at: 1h, fault: latency, value: 150ms, target: { agent: dns-expert } }\n');
  // the three processes side by side (each is ~1.5 s of start-up): none of them may start anything
  const cases = [
    [['--scenario', join(dir, 'bad.yaml')], `${join(dir, 'bad.yaml')}: invalid scenario\n  faults[0].target.agent: unknown agent "dns-expert"; the plan's agents are network-expert, tdd-expert, nix-expert, qa-expert\n`],
    [['--time-scale', '0.5'], 'wavewatch: --time-scale: time scale must be a number from 1 to 100000 (1 = real time), got "0.5"\n'],
    [['--start-at', 'soon'], 'wavewatch: --start-at: expected an ISO time, "now" or "-2h", got "soon"\n'],
  ] as const;
  const runs = cases.map(([args]) => sim([...args]));
  const exits = await Promise.all(runs.map((r) => r.exited));
  expect(exits).toEqual([2, 2, 2]);
  expect(runs.map((r) => r.stderr())).toEqual(cases.map(([, msg]) => msg));
  await expect(fetch(`http://127.0.0.1:${ports.monitor}/healthz`)).rejects.toThrow();
});

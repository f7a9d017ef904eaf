// `wavewatch demo` end to end, as a user runs it (node bin/wavewatch.js demo …), on free loopback
// ports and a temporary state folder: a whole compressed wave with --json (the outcome object, its
// paths, the mail sink and Web UI reachable while it runs, every process it started gone after), a
// run interrupted with Ctrl-C (exit 130, its wave terminated, nothing left), and a run with a
// scenario on a Temporal server that was already running (reused, left running). The verdicts are
// the judge's business (tested elsewhere); this is about what the demo itself promises.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { freePort } from '../../src/stack/nats-server';
import { startTemporalDevServer } from '../../src/stack/temporal-server';
import type { DemoOutcome } from '../../src/cli/demo/outcome';

jest.setTimeout(300_000);

const ROOT = join(__dirname, '../..');
const BIN = join(ROOT, 'bin/wavewatch.js');
let stateDir: string;
beforeAll(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'wavewatch-demo-'));
});
afterAll(() => {
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

/** Parent pid and state of every process, from /proc. */
function processTable(): Map<number, { ppid: number; state: string }> {
  const out = new Map<number, { ppid: number; state: string }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(name), { state: rest[0], ppid: Number(rest[1]) });
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

function descendants(pid: number): number[] {
  const table = processTable();
  const found: number[] = [];
  const walk = (p: number) => {
    for (const [child, info] of table)
      if (info.ppid === p && !found.includes(child)) {
        found.push(child);
        walk(child);
      }
  };
  walk(pid);
  return found;
}

function commOf(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

interface DemoRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Every process seen below the demo while it ran. */
  seen: Set<number>;
  exited: Promise<number | null>;
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

function startDemo(args: string[]): DemoRun {
  const child = spawn(process.execPath, [BIN, 'demo', '--state-dir', stateDir, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const seen = new Set<number>();
  const poll = setInterval(() => {
    // esbuild's service process belongs to tsx (it compiles the CLI's TypeScript), not to the demo.
    for (const p of descendants(child.pid!)) if (commOf(p) !== 'esbuild') seen.add(p);
  }, 200);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      clearInterval(poll);
      resolve(code ?? (signal ? 128 : null));
    }),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    seen,
    exited,
    async waitFor(re, timeoutMs = 180_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = re.exec(err);
        if (m) return m;
        if (child.exitCode !== null) throw new Error(`demo exited (${child.exitCode}) before ${re}; stderr:\n${err}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${re}; stderr:\n${err}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

function smtpBanner(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('data', (d) => {
      s.end('QUIT\r\n');
      resolve(d.toString());
    });
    s.once('error', reject);
    setTimeout(() => reject(new Error('no SMTP banner')), 5000);
  });
}

async function expectNothingLeft(run: DemoRun, also: (number | null)[] = []): Promise<void> {
  const pids = [...run.seen, ...also.filter((p): p is number => typeof p === 'number')];
  expect(pids.length).toBeGreaterThan(0);
  // Give the kernel a moment to reap what was just killed.
  for (let i = 0; i < 20 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
  expect(pids.filter(alive).map((p) => `${p}: ${readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ')}`)).toEqual([]);
}

function expectOutcomeShape(o: DemoOutcome): void {
  expect(o.waveId).toMatch(/^wave2-local-/);
  expect(o.phase).toBe('completed');
  expect(['GO', 'NO-GO']).toContain(o.verdict);
  expect(typeof o.rollback.executed).toBe('boolean');
  expect(Array.isArray(o.alerts)).toBe(true);
  for (const a of o.alerts) expect(a).toEqual(expect.objectContaining({ id: expect.any(String), rule: expect.any(String), severity: expect.any(String), scope: expect.any(String), state: expect.any(String), firstFiredAt: expect.any(String), message: expect.any(String) }));
  expect(o.checkpoints.map((c) => c.name)).toEqual(['T+1h', 'T+6h', 'T+12h', 'T+24h'].slice(0, o.checkpoints.length));
  for (const p of [o.artifactsDir, o.reportPath, o.decisionPath, o.alertLog, o.mail.dir, o.runDir]) {
    expect(isAbsolute(p)).toBe(true);
    expect(p.startsWith(join(stateDir, 'out', o.waveId))).toBe(true);
  }
  expect(existsSync(o.artifactsDir)).toBe(true);
  expect(existsSync(o.mail.dir)).toBe(true);
  // The demo ends with the workflow, after its reports and its final email, not with its phase.
  expect([o.reportPath, o.decisionPath].filter((p) => !existsSync(p))).toEqual([]);
  expect(o.mail.byKind.final).toBe(1);
  expect(JSON.parse(readFileSync(join(o.runDir, 'outcome.json'), 'utf8')).waveId).toBe(o.waveId);
}

test('a whole compressed wave: --json outcome, paths, sink and Web UI reachable, nothing left running', async () => {
  const [tport, uport] = [await freePort(), await freePort()];
  const run = startDemo(['--json', '--time-scale', '2880', '--temporal-port', String(tport), '--ui-port', String(uport)]);
  const smtp = Number((await run.waitFor(/SMTP sink smtp:\/\/127\.0\.0\.1:(\d+)/))[1]);
  expect(await smtpBanner(smtp)).toMatch(/^220 /);
  await run.waitFor(/wave (\S+) started/);
  expect((await fetch(`http://127.0.0.1:${uport}/`)).status).toBe(200);
  const code = await run.exited;
  expect({ code, stderr: code === 0 ? '' : run.stderr() }).toEqual({ code: 0, stderr: '' });

  // stdout is one JSON object, the outcome; progress went to stderr
  const outcome = JSON.parse(run.stdout()) as DemoOutcome;
  expectOutcomeShape(outcome);
  expect(outcome.scenario).toBeNull();
  expect(outcome.webUrl).toBe(`http://localhost:${uport}/namespaces/default/workflows/${outcome.waveId}`);
  expect(outcome.mail.smtp).toBe(`smtp://127.0.0.1:${smtp}`);
  expect(run.stderr()).toMatch(/checkpoint T\+1h: (PASS|WARNING|FAIL)/);
  expect(run.stderr()).toContain(`verdict: ${outcome.verdict}`);
  expect(run.stderr()).toContain(`report:     ${outcome.reportPath}`);
  expect(run.stderr()).toContain(`emails:     ${outcome.mail.dir}`);

  await expectNothingLeft(run, [outcome.processes.temporal, outcome.processes.worker, outcome.processes.nats]);
  expect(run.seen.size).toBeGreaterThanOrEqual(3); // temporal, nats-server, the worker
  expect(existsSync(join(stateDir, 'temporal.db'))).toBe(true);
  expect(existsSync(join(stateDir, 'running.json'))).toBe(false);
});

test('Ctrl-C: exit 130, the wave terminated, nothing left running', async () => {
  const [tport, uport] = [await freePort(), await freePort()];
  // The same state folder: the dev server starts again on the first run's database.
  const run = startDemo(['--json', '--time-scale', '720', '--temporal-port', String(tport), '--ui-port', String(uport)]);
  const waveId = (await run.waitFor(/wave (\S+) started/))[1];
  run.child.kill('SIGINT');
  expect(await run.exited).toBe(130);
  expect(run.stderr()).toContain(`wave ${waveId} terminated (demo interrupted)`);
  expect(run.stdout()).toBe('');
  await expectNothingLeft(run);
  expect(existsSync(join(stateDir, 'running.json'))).toBe(false);
});

test('a scenario on a Temporal server that was already running: reused and left running', async () => {
  const server = await startTemporalDevServer({ headless: true, dbFile: join(stateDir, 'other.db') });
  try {
    const uport = await freePort(); // nothing answers there: no Web UI link
    const run = startDemo(['--json', '--time-scale', '2880', '--temporal-port', String(server.port), '--ui-port', String(uport), '--scenario', join(ROOT, 'scenarios/agent-crash.yaml')]);
    const code = await run.exited;
    expect({ code, stderr: code === 0 ? '' : run.stderr() }).toEqual({ code: 0, stderr: '' });
    const outcome = JSON.parse(run.stdout()) as DemoOutcome;
    expectOutcomeShape(outcome);
    expect(outcome.scenario).toBe('agent-crash');
    expect(outcome.webUrl).toBeNull();
    expect(outcome.processes.temporal).toBeNull();
    expect(run.stderr()).toContain(`Temporal: using the server already at 127.0.0.1:${server.port}`);
    expect(run.stderr()).toContain('fault crash on tdd-expert@dgx-2, T+3h');
    expect(run.stderr()).toMatch(/⚡ T\+3h\S*  crashed crash on tdd-expert@dgx-2/);
    await expectNothingLeft(run, [outcome.processes.worker, outcome.processes.nats]);
    expect(alive(server.pid)).toBe(true);
  } finally {
    await server.stop();
  }
});

test('bad input is refused before anything starts (exit 2)', async () => {
  const run = startDemo(['--scenario', join(ROOT, 'test/fixtures/nonexistent.yaml'), '--temporal-port', '1']);
  expect(await run.exited).toBe(2);
  expect(run.stderr()).toMatch(/nonexistent\.yaml: invalid scenario\n {2}\(file\): cannot read: ENOENT/);
  const bad = startDemo(['--time-scale', 'fast']);
  expect(await bad.exited).toBe(2);
  expect(bad.stderr()).toContain('--time-scale: time scale must be a number from 1 to 100000 (1 = real time), got "fast"');
  const tiny = startDemo(['--time-scale', '0.000000001']);
  expect(await tiny.exited).toBe(2);
  expect(tiny.stderr()).toContain('--time-scale: time scale must be a number from 1 to 100000 (1 = real time), got "0.000000001"');
  expect([...run.seen, ...bad.seen, ...tiny.seen]).toEqual([]);
});

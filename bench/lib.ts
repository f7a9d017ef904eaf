// Shared helpers of the benchmarks: flags, medians, tables, the machine's load, plans with N hosts,
// and the simulated fleet in a child process (so the fleet's CPU is not billed to the measured side).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadPlan } from '../src/plan/load';
import type { Plan } from '../src/plan/schema';
import { tsProcessArgs } from '../test/helpers/ts-process';

export const QUICK = process.argv.includes('--quick');
export const FULL = process.argv.includes('--full');

export function flag(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `wavewatch-bench-${prefix}-`));
}

export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function quantile(xs: number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

export const r1 = (x: number) => (Number.isFinite(x) ? (Math.round(x * 10) / 10).toString() : String(x));
export const r2 = (x: number) => (Number.isFinite(x) ? (Math.round(x * 100) / 100).toString() : String(x));

/** A Markdown table (also readable in a terminal). */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const w = headers.map((_, i) => Math.max(3, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(w[i])).join(' | ')} |`;
  return [line(headers), `| ${w.map((n) => '-'.repeat(n)).join(' | ')} |`, ...rows.map((r) => line(r.map(String)))].join('\n');
}

export function machine(): string {
  const l = loadavg().map((x) => x.toFixed(2)).join(' ');
  return `node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB, load average ${l}`;
}

export function header(title: string): void {
  console.log(`# ${title}${QUICK ? ' (--quick)' : FULL ? ' (--full)' : ''}`);
  console.log(`machine: ${machine()}`);
  console.log(`started: ${new Date().toISOString()}\n`);
}

/** plans/local.yaml with `hosts` hosts dgx-1..N on 127.0.0.1 (ports filled in later) and output under root. */
export function benchPlan(root: string, hosts = 3, change: (p: Plan) => void = () => undefined): Plan {
  const plan = loadPlan(join(__dirname, '../plans/local.yaml'));
  const tmpl = plan.hosts[0];
  plan.hosts = Array.from({ length: hosts }, (_, i) => ({ ...tmpl, name: `dgx-${i + 1}`, address: '127.0.0.1', port: 0 }));
  plan.output = { dir: join(root, 'checkpoints'), alertLog: join(root, 'alerts.log'), decisionDoc: join(root, 'DECISION.md'), reportDoc: join(root, 'REPORT.md') };
  change(plan);
  for (const h of plan.hosts) if (h.address !== '127.0.0.1') throw new Error('benchmarks run on 127.0.0.1 only');
  return plan;
}

export interface FleetChild {
  /** The plan as the fleet runs it (ports, key, known_hosts, NATS urls). */
  plan: Plan;
  /** Sends a command to the child and waits for its answer. */
  call(cmd: Record<string, unknown>): Promise<unknown>;
  stop(): Promise<void>;
  proc: ChildProcess;
}

/**
 * The simulated fleet in a child process (bench/fleet-child.ts): `mode: 'hosts'` starts only the SSH
 * hosts, `'fleet'` the whole local fleet (NATS server, SSH hosts, NATS agents).
 */
export async function startFleetChild(plan: Plan, stateDir: string, mode: 'hosts' | 'fleet', extra: Record<string, unknown> = {}): Promise<FleetChild> {
  const proc = spawn(process.execPath, tsProcessArgs(join(__dirname, 'fleet-child.ts')), { stdio: ['pipe', 'pipe', 'inherit'] });
  const rl = createInterface({ input: proc.stdout! });
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let seq = 0;
  let readyResolve!: (p: Plan) => void;
  let readyReject!: (e: Error) => void;
  const ready = new Promise<Plan>((res, rej) => {
    readyResolve = res;
    readyReject = rej;
  });
  rl.on('line', (line) => {
    let m: { id?: number; ready?: Plan; result?: unknown; error?: string };
    try {
      m = JSON.parse(line);
    } catch {
      return;
    }
    if (m.ready) return readyResolve(m.ready);
    if (m.id !== undefined && m.error !== undefined && m.id < 0) return readyReject(new Error(m.error));
    const w = m.id !== undefined ? waiting.get(m.id) : undefined;
    if (!w) return;
    waiting.delete(m.id!);
    if (m.error !== undefined) w.reject(new Error(m.error));
    else w.resolve(m.result);
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  proc.once('exit', (code) => readyReject(new Error(`fleet child exited (${code})`)));
  proc.stdin!.write(JSON.stringify({ id: -1, cmd: 'start', plan, stateDir, mode, ...extra }) + '\n');
  const running = await ready;
  return {
    plan: running,
    proc,
    call(cmd) {
      const id = ++seq;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        proc.stdin!.write(JSON.stringify({ id, ...cmd }) + '\n');
      });
    },
    async stop() {
      proc.stdin!.end();
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Samples a child's RSS from /proc (kB → bytes); null when gone. */
export async function rssOfPid(pid: number): Promise<number | null> {
  try {
    const { readFile } = await import('node:fs/promises');
    const s = await readFile(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+) kB/.exec(s);
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export const MiB = 2 ** 20;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

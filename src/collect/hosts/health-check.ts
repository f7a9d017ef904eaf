// `wavewatch check`: the spec's quick health check without a workflow. Every host of the plan with
// load, memory and disk of the install path, and every agent unit (under test and control, unless
// narrowed) with its state. Problems are listed; missing data is a problem, never a pass.
import type { Plan } from '../../plan/schema';
import { collectHosts } from './collect';
import { SshPool, sshPoolOptionsFromPlan } from './ssh-pool';
import type { UnitState } from './parse/systemctl';

export interface HealthAgent {
  agent: string;
  role: 'test' | 'control';
  unit: string;
  state: UnitState;
  subState: string | null;
  activeSince: number | null;
  restarts: number | null;
  memoryBytes: number | null;
  error?: string;
}

export interface HealthHost {
  host: string;
  address: string;
  reachable: boolean;
  error?: string;
  load: { load1: number; load5: number; load15: number } | null;
  memory: { usedPct: number; usedBytes: number; availableBytes: number; totalBytes: number } | null;
  disk: { path: string; usedPct: number; availBytes: number; sizeBytes: number } | null;
  uptimeSeconds: number | null;
  agents: HealthAgent[];
  problems: string[];
}

export interface HealthReport {
  wave: string;
  checkedAt: number;
  durationMs: number;
  ok: boolean;
  hosts: HealthHost[];
  problems: string[];
  thresholds: { load: number; memoryPct: number; diskPct: number };
}

export interface HealthCheckOptions {
  agents?: string[];
  /** A pool to use (tests, the worker); a new one from the plan otherwise, closed at the end. */
  pool?: SshPool;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

export async function runHealthCheck(plan: Plan, opts: HealthCheckOptions = {}): Promise<HealthReport> {
  const known = new Set([...plan.agents.underTest, ...plan.agents.control].map((a) => a.name));
  const unknownAgents = (opts.agents ?? []).filter((a) => !known.has(a));
  if (unknownAgents.length) throw new Error(`unknown agent(s) ${unknownAgents.join(', ')}: the plan has ${[...known].join(', ')}`);
  const pool = opts.pool ?? new SshPool(sshPoolOptionsFromPlan(plan, opts.env ?? process.env));
  const started = Date.now();
  const thresholds = { load: plan.monitor.loadWarning, memoryPct: 90, diskPct: 90 };
  try {
    const c = await collectHosts(pool, plan, { sinceMs: started, agents: opts.agents, errors: false, gpus: false, signal: opts.signal });
    const hosts: HealthHost[] = plan.hosts.map((h) => {
      const sys = c.system.find((s) => s.host === h.name)!;
      const unreachable = c.unreachable.find((u) => u.host === h.name);
      const problems: string[] = [];
      const agents: HealthAgent[] = c.agents
        .filter((a) => a.host === h.name)
        .map((a) => ({
          agent: a.agent, role: a.role, unit: a.unit, state: a.state, subState: a.subState, activeSince: a.activeEnterTimestamp,
          restarts: a.nRestarts, memoryBytes: a.memoryBytes, ...(a.error ? { error: a.error } : {}),
        }));
      if (unreachable) problems.push(`unreachable: ${unreachable.error}`);
      else {
        for (const a of agents)
          if (a.state !== 'active') problems.push(`${a.agent} (${a.role}) is ${a.state}${a.error ? `: ${a.error}` : ''}`);
        const l = sys.load.value;
        if (!l) problems.push(`load: ${sys.load.error}`);
        else if (l.load1 > thresholds.load) problems.push(`load ${l.load1} above ${thresholds.load}`);
        const m = sys.memory.value;
        if (!m) problems.push(`memory: ${sys.memory.error}`);
        else if (m.usedPct > thresholds.memoryPct) problems.push(`memory ${m.usedPct}% used, above ${thresholds.memoryPct}%`);
        const d = sys.disk.value;
        if (!d) problems.push(`disk: ${sys.disk.error}`);
        else if (d.usedPct > thresholds.diskPct) problems.push(`disk ${sys.disk.path} ${d.usedPct}% used, above ${thresholds.diskPct}%`);
      }
      return {
        host: h.name,
        address: `${h.address}:${h.port}`,
        reachable: !unreachable,
        ...(unreachable ? { error: unreachable.error } : {}),
        load: sys.load.value ? { load1: sys.load.value.load1, load5: sys.load.value.load5, load15: sys.load.value.load15 } : null,
        memory: sys.memory.value
          ? { usedPct: sys.memory.value.usedPct, usedBytes: sys.memory.value.usedBytes, availableBytes: sys.memory.value.availableBytes, totalBytes: sys.memory.value.totalBytes }
          : null,
        disk: sys.disk.value ? { path: sys.disk.path, usedPct: sys.disk.value.usedPct, availBytes: sys.disk.value.availBytes, sizeBytes: sys.disk.value.sizeBytes } : null,
        uptimeSeconds: sys.uptime.value?.seconds ?? null,
        agents,
        problems,
      };
    });
    const problems = hosts.flatMap((h) => h.problems.map((p) => `${h.host}: ${p}`));
    return { wave: plan.wave.name, checkedAt: started, durationMs: Date.now() - started, ok: problems.length === 0, hosts, problems, thresholds };
  } finally {
    if (!opts.pool) await pool.close();
  }
}

function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)}${units[i]}`;
}

function since(ms: number | null, now: number): string {
  if (ms === null) return '-';
  let s = Math.max(0, Math.round((now - ms) / 1000));
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  return d ? `${d}d${h}h` : h ? `${h}h${m}m` : `${m}m${s % 60}s`;
}

function table(rows: string[][]): string[] {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]))).join('  ').trimEnd());
}

/** Text for people: one line per host, one per agent unit, then the problems. */
export function formatHealthReport(r: HealthReport): string {
  const out: string[] = [];
  out.push(`wavewatch check: ${r.wave} at ${new Date(r.checkedAt).toISOString()} (${r.durationMs} ms): ${r.ok ? 'OK' : `${r.problems.length} problem(s)`}`);
  out.push('');
  out.push(
    ...table([
      ['HOST', 'ADDRESS', 'LOAD 1/5/15', 'MEMORY USED', 'DISK USED', 'UPTIME'],
      ...r.hosts.map((h) => [
        h.host,
        h.address,
        h.load ? `${h.load.load1.toFixed(2)} ${h.load.load5.toFixed(2)} ${h.load.load15.toFixed(2)}` : h.reachable ? 'n/a' : 'UNREACHABLE',
        h.memory ? `${h.memory.usedPct.toFixed(1)}% of ${bytes(h.memory.totalBytes)}` : 'n/a',
        h.disk ? `${h.disk.usedPct}% ${h.disk.path} (${bytes(h.disk.availBytes)} free)` : 'n/a',
        h.uptimeSeconds === null ? 'n/a' : since(r.checkedAt - h.uptimeSeconds * 1000, r.checkedAt),
      ]),
    ]),
  );
  out.push('');
  out.push(
    ...table([
      ['HOST', 'AGENT', 'ROLE', 'STATE', 'SINCE', 'RESTARTS', 'MEMORY'],
      ...r.hosts.flatMap((h) =>
        h.agents.map((a) => [
          h.host,
          a.agent,
          a.role,
          a.state === 'active' || a.state === 'unknown' || a.state === 'not-installed' ? a.state : `${a.state.toUpperCase()}${a.subState ? ` (${a.subState})` : ''}`,
          a.state === 'active' ? since(a.activeSince, r.checkedAt) : '-',
          a.restarts === null ? 'n/a' : String(a.restarts),
          bytes(a.memoryBytes),
        ]),
      ),
    ]),
  );
  if (r.problems.length) {
    out.push('');
    out.push('Problems:');
    for (const p of r.problems) out.push(`  - ${p}`);
  }
  return `${out.join('\n')}\n`;
}

// Everything one checkpoint (or monitor tick) needs from the hosts, as typed records: agent status
// with process RSS/VMS, journal errors since the last collection, and system resources. Each value
// carries its host (and agent), collection time and the command's exit status; a failed command is
// an error for that value (null + error), never a zero.
import type { Plan } from '../../plan/schema';
import { NAME_PATTERN } from '../../plan/schema';
import { collectAgentStatus, planAgents, type AgentStatus, type PlanAgent } from './agent-status';
import { cursorKey } from '../../model/instance';
import {
  journalCommand, failureOf, PROC_STATUS, LOADAVG, MEMINFO, UPTIME, NETDEV, dfCommand, NVIDIA_SMI, NVIDIA_QUERY_FIELDS,
} from './commands';
import { parseJournalJson, analyseErrors, errorPatternOf, errorLogEntry, type ErrorLogEntry, type ErrorType } from './parse/journal';
import { parseLoadavg, parseMeminfo, parseUptime, parseDf, parseNetDev, parseProcStatus, type LoadAvg, type MemInfo, type DiskUsage, type NetInterface } from './parse/system';
import { parseNvidiaQuery, type GpuInfo } from './parse/nvidia';
import { unitName } from './shell';
import { type SshPool, type ExecResult, targetOf } from './ssh-pool';

/** A value read by one command: null with an error when it could not be read. */
export interface Sampled<T> {
  value: T | null;
  collectedAt: number;
  exitCode: number | null;
  error?: string;
}

export interface AgentRecord extends AgentStatus {
  /** Main process memory from /proc/PID/status; null (with processError) when there is no process or it could not be read. */
  rssBytes: number | null;
  vmsBytes: number | null;
  processError?: string;
}

export interface AgentErrors {
  host: string;
  agent: string;
  role: 'test' | 'control';
  unit: string;
  collectedAt: number;
  exitCode: number | null;
  error?: string;
  /** The window: entries at or after sinceMs, or after `fromCursor`. */
  sinceMs: number;
  fromCursor: string | null;
  /** Continue from here next time (the last entry's cursor, or the one we started from when nothing new). */
  cursor: string | null;
  /** null when the journal could not be read. */
  entries: number | null;
  errors: number | null;
  byPriority: number | null;
  byPattern: number | null;
  types: ErrorType[];
  recurringTypes: number | null;
  oneOffTypes: number | null;
  /** The error entries (errors.log, the records' error log), oldest first. */
  log: ErrorLogEntry[];
  /** The query hit its entry cap: counts are lower bounds. */
  truncated: boolean;
  /** Output lines that were not JSON. */
  badLines: number;
}

export interface HostSystem {
  host: string;
  collectedAt: number;
  reachable: boolean;
  error?: string;
  load: Sampled<LoadAvg>;
  memory: Sampled<MemInfo>;
  disk: Sampled<DiskUsage> & { path: string };
  uptime: Sampled<{ seconds: number }>;
  network: Sampled<NetInterface[]>;
  /** absent: the host has no nvidia-smi (value null, no error). */
  gpus: Sampled<GpuInfo[]> & { absent: boolean };
}

export interface HostsCollection {
  startedAt: number;
  finishedAt: number;
  sinceMs: number;
  agents: AgentRecord[];
  errors: AgentErrors[];
  system: HostSystem[];
  /** Hosts where no command could run (connection, host key, auth). */
  unreachable: { host: string; error: string }[];
  /** Commands run, and how many failed. */
  commands: { run: number; failed: number };
}

export interface CollectHostsOptions {
  /** Journal window start (epoch ms) when no cursor is known for a unit. */
  sinceMs: number;
  /** Cursors from the previous collection, keyed "host/agent" (AgentErrors.cursor). */
  cursors?: Record<string, string | null | undefined>;
  agents?: string[];
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Collect journal errors (default true). */
  errors?: boolean;
  /** Collect system resources (default true). */
  system?: boolean;
  /** Collect GPU details (default true; monitor ticks may skip them). */
  gpus?: boolean;
  /** Cap of journal entries read per unit (default 50 000): the most recent are kept and `truncated` is set. */
  maxJournalEntries?: number;
  /** Called after each command (for activity heartbeats). */
  onProgress?: (done: number, total: number) => void;
}


/** Collects everything one checkpoint needs from every host of the plan. */
export async function collectHosts(pool: SshPool, plan: Plan, opts: CollectHostsOptions): Promise<HostsCollection> {
  const startedAt = Date.now();
  pool.beginCollection();
  const timeoutMs = opts.timeoutMs ?? plan.ssh.commandTimeout;
  const agents = planAgents(plan, opts.agents);
  const pattern = errorPatternOf(plan.agents.errorPattern);
  const maxEntries = opts.maxJournalEntries ?? 50_000;
  let run = 0;
  let failed = 0;
  let done = 0;
  const withUnits = agents.length * plan.hosts.length;
  const total = withUnits * (1 + (opts.errors === false ? 0 : 1) + 1) + (opts.system === false ? 0 : plan.hosts.length * (opts.gpus === false ? 5 : 6));
  const tick = () => opts.onProgress?.(++done, total);
  const exec = async (host: Plan['hosts'][number], cmd: string): Promise<ExecResult> => {
    const r = await pool.exec(targetOf(host), cmd, { timeoutMs, signal: opts.signal });
    run++;
    if (r.error || r.exitCode !== 0) failed++;
    tick();
    return r;
  };

  const statusP = collectAgentStatus(pool, plan, { timeoutMs, signal: opts.signal, agents: opts.agents }).then(async (statuses) => {
    run += statuses.length;
    failed += statuses.filter((s) => s.error).length;
    statuses.forEach(tick);
    return Promise.all(statuses.map((s) => withProcess(s)));
  });

  const withProcess = async (s: AgentStatus): Promise<AgentRecord> => {
    const host = plan.hosts.find((h) => h.name === s.host)!;
    if (s.mainPid === null || s.state !== 'active') {
      tick();
      return { ...s, rssBytes: null, vmsBytes: null, ...(s.state === 'active' ? { processError: 'no main PID' } : {}) };
    }
    const r = await exec(host, PROC_STATUS(s.mainPid));
    const f = failureOf(r, `/proc/${s.mainPid}/status`);
    if (f) return { ...s, rssBytes: null, vmsBytes: null, processError: f };
    const p = parseProcStatus(r.stdout);
    return { ...s, rssBytes: p.rssBytes, vmsBytes: p.vmsBytes, ...(p.rssBytes === null ? { processError: 'no VmRSS in /proc/PID/status' } : {}) };
  };

  const errorsP = opts.errors === false
    ? Promise.resolve([] as AgentErrors[])
    : Promise.all(plan.hosts.flatMap((host) => agents.map((a) => collectUnitErrors(host, a))));

  async function collectUnitErrors(host: Plan['hosts'][number], a: PlanAgent): Promise<AgentErrors> {
    let unit = '';
    const fromCursor = opts.cursors?.[cursorKey(host.name, a.agent)] ?? null;
    const base = (collectedAt: number, exitCode: number | null, error: string): AgentErrors => ({
      host: host.name, agent: a.agent, role: a.role, unit, collectedAt, exitCode, error, sinceMs: opts.sinceMs, fromCursor, cursor: fromCursor,
      entries: null, errors: null, byPriority: null, byPattern: null, types: [], recurringTypes: null, oneOffTypes: null, log: [], truncated: false, badLines: 0,
    });
    try {
      unit = unitName(plan.agents.unitTemplate, a.agent);
      if (!NAME_PATTERN.test(host.name)) throw new Error(`invalid host name ${JSON.stringify(host.name)}`);
    } catch (err) {
      tick();
      return base(Date.now(), null, `refused: ${(err as Error).message}`);
    }
    let usedCursor = fromCursor;
    let r = await exec(host, journalCommand(unit, usedCursor ? { cursor: usedCursor } : { sinceMs: opts.sinceMs }, maxEntries));
    if (usedCursor && !r.error && r.exitCode !== 0 && /cursor/i.test(r.stderr)) {
      // The cursor is gone (journal vacuumed, other machine): fall back to the time window.
      usedCursor = null;
      r = await exec(host, journalCommand(unit, { sinceMs: opts.sinceMs }, maxEntries));
    }
    const collectedAt = Date.now();
    const f = failureOf(r, `journalctl -u ${unit}`);
    if (f) return base(collectedAt, r.exitCode, f);
    const parsed = parseJournalJson(r.stdout);
    // --since has a one-second resolution: drop what falls before the window.
    const entries = usedCursor ? parsed.entries : parsed.entries.filter((e) => e.realtimeUs === null || e.realtimeUs >= opts.sinceMs * 1000);
    const an = analyseErrors(entries, pattern);
    return {
      host: host.name, agent: a.agent, role: a.role, unit, collectedAt, exitCode: r.exitCode, sinceMs: opts.sinceMs, fromCursor: usedCursor,
      cursor: parsed.lastCursor ?? usedCursor, entries: an.entries, errors: an.errors, byPriority: an.byPriority, byPattern: an.byPattern,
      types: an.types, recurringTypes: an.recurring, oneOffTypes: an.oneOff, log: an.errorEntries.map((e) => errorLogEntry(unit, e)),
      truncated: parsed.entries.length >= maxEntries, badLines: parsed.badLines,
      ...(parsed.badLines ? { error: `${parsed.badLines} journal line(s) were not JSON` } : {}),
    };
  }

  const systemP = opts.system === false ? Promise.resolve([] as HostSystem[]) : Promise.all(plan.hosts.map((h) => collectSystem(h)));

  async function collectSystem(host: Plan['hosts'][number]): Promise<HostSystem> {
    const sample = async <T>(cmd: string, what: string, parse: (t: string) => T | null): Promise<Sampled<T>> => {
      const r = await exec(host, cmd);
      const collectedAt = Date.now();
      const f = failureOf(r, what);
      if (f) return { value: null, collectedAt, exitCode: r.exitCode, error: f };
      const v = parse(r.stdout);
      if (v === null) return { value: null, collectedAt, exitCode: r.exitCode, error: `${what}: output not understood: ${JSON.stringify(r.stdout.slice(0, 120))}` };
      return { value: v, collectedAt, exitCode: r.exitCode };
    };
    const path = plan.agents.installPath;
    const [load, memory, disk, uptime, network, gpus] = await Promise.all([
      sample(LOADAVG, '/proc/loadavg', parseLoadavg),
      sample(MEMINFO, '/proc/meminfo', parseMeminfo),
      sample(dfCommand(path), `df ${path}`, parseDf),
      sample(UPTIME, '/proc/uptime', (t) => {
        const u = parseUptime(t);
        return u ? { seconds: u.seconds } : null;
      }),
      sample(NETDEV, '/proc/net/dev', parseNetDev),
      opts.gpus === false
        ? Promise.resolve(null)
        : exec(host, NVIDIA_SMI).then((r): Sampled<GpuInfo[]> & { absent: boolean } => {
            const collectedAt = Date.now();
            if (!r.error && r.exitCode === 127) return { value: null, collectedAt, exitCode: 127, absent: true };
            const f = failureOf(r, 'nvidia-smi');
            if (f) return { value: null, collectedAt, exitCode: r.exitCode, error: f, absent: false };
            const g = parseNvidiaQuery(r.stdout, NVIDIA_QUERY_FIELDS);
            if (g === null) return { value: null, collectedAt, exitCode: r.exitCode, error: `nvidia-smi: output not understood`, absent: false };
            return { value: g, collectedAt, exitCode: r.exitCode, absent: false };
          }),
    ]);
    const all = [load, memory, disk, uptime, network, ...(gpus ? [gpus] : [])];
    const unreachable = all.every((s) => s.exitCode === null && s.error !== undefined);
    const gpuValue = gpus ?? { value: null, collectedAt: Date.now(), exitCode: null, error: 'not collected (gpus: false)', absent: false };
    return {
      host: host.name,
      collectedAt: Math.max(...all.map((s) => s.collectedAt)),
      reachable: !unreachable,
      ...(unreachable ? { error: load.error } : {}),
      load, memory, disk: { ...disk, path }, uptime, network, gpus: gpuValue,
    };
  }

  const [agentRecords, rawErrors, system] = await Promise.all([statusP, errorsP, systemP]);
  // An empty journal is only "no errors" when we know the unit: if its state could not be read
  // (no systemd, a failed command), nothing in the journal proves nothing.
  const errors = rawErrors.map((e): AgentErrors => {
    const st = agentRecords.find((a) => a.host === e.host && a.agent === e.agent);
    if (e.entries === 0 && st && st.state === 'unknown')
      return { ...e, entries: null, errors: null, byPriority: null, byPattern: null, recurringTypes: null, oneOffTypes: null, error: `journal empty and the unit's state is unknown (${st.error ?? 'no state'}): no error count` };
    return e;
  });
  // A host is unreachable when not one of its commands came back with an exit status.
  const unreachable: HostsCollection['unreachable'] = [];
  for (const host of plan.hosts) {
    const sys = system.find((s) => s.host === host.name);
    const results: { exitCode: number | null; error?: string }[] = [
      ...agentRecords.filter((a) => a.host === host.name && !a.error?.startsWith('refused:')),
      ...errors.filter((e) => e.host === host.name && !e.error?.startsWith('refused:')),
      ...(sys ? [sys.load, sys.memory, sys.disk, sys.uptime, sys.network] : []),
    ];
    if (results.length > 0 && results.every((r) => r.exitCode === null))
      unreachable.push({ host: host.name, error: results.find((r) => r.error)?.error ?? 'no command returned' });
  }
  return { startedAt, finishedAt: Date.now(), sinceMs: opts.sinceMs, agents: agentRecords, errors, system, unreachable, commands: { run, failed } };
}

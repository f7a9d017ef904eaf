// The simulated fleet's state: DGX-like hosts (2 TiB memory, 8 GPUs) each running every agent of the
// plan (under test and control) as a systemd unit. The SSH simulator answers commands from it; the
// simulated NATS agents and fault injection change it while it runs. Values that grow with time
// (CPU time, memory growth, uptime) are computed on read from rates, so no timer runs.
import { EventEmitter } from 'node:events';
import { createHash, randomBytes } from 'node:crypto';
import type { Plan } from '../plan/schema';

export const TIB = 1024 ** 4;
export const GIB = 1024 ** 3;
export const MIB = 1024 ** 2;

export interface SimJournalEntry {
  seq: number;
  realtimeUs: number;
  monotonicUs: number;
  priority: number;
  /** A string, or raw bytes (journalctl prints non-UTF-8/control-character values as byte arrays). */
  message: string | number[];
  /** Extra fields; an array value is printed as a JSON array (a field that occurs several times). */
  fields: Record<string, string | string[] | number[] | null>;
  pid: number | null;
}

export interface SimUnit {
  host: string;
  agent: string;
  unit: string;
  installed: boolean;
  enabled: boolean;
  activeState: 'active' | 'inactive' | 'failed' | 'activating' | 'deactivating';
  subState: string;
  activeEnterMs: number | null;
  activeExitMs: number | null;
  nRestarts: number;
  mainPid: number | null;
  /** Memory at activation, bytes, and growth per second while active (a leak when > 0). */
  memoryBaseBytes: number;
  memoryGrowthPerSec: number;
  /** CPU used, as a share of one core, while active. */
  cpuCores: number;
  cpuNsAtMark: number;
  cpuMarkMs: number;
  /** VmSize / VmRSS ratio for /proc/PID/status. */
  vmsFactor: number;
  journal: SimJournalEntry[];
}

export interface SimGpu {
  index: number;
  uuid: string;
  name: string;
  utilizationPct: number;
  memoryUtilizationPct: number;
  memoryTotalMiB: number;
  memoryUsedMiB: number;
  temperatureC: number;
  powerW: number;
  eccUncorrected: number;
  throttleReasons: string; // hex bitmask as nvidia-smi prints it
}

export interface SimInterface {
  name: string;
  rxBytes: number;
  txBytes: number;
  rxPackets: number;
  txPackets: number;
  rxBytesPerSec: number;
  txBytesPerSec: number;
  markMs: number;
}

export type HostDownMode = 'refuse' | 'hang';

export interface SimHost {
  name: string;
  down: HostDownMode | null;
  bootMs: number;
  bootId: string;
  machineId: string;
  cores: number;
  load: [number, number, number];
  memTotalBytes: number;
  /** Memory used by everything except the agents, bytes. */
  baseUsedBytes: number;
  cachedBytes: number;
  buffersBytes: number;
  installPath: string;
  disk: { source: string; fstype: string; sizeBytes: number; usedBytes: number; target: string };
  hasSystemd: boolean;
  gpus: SimGpu[] | null; // null: no nvidia-smi on the host
  interfaces: SimInterface[];
  processes: number;
  lastPid: number;
  /** How far the host's clock is ahead of the model's (negative: behind), ms: every time the host prints is on its own clock. */
  clockOffsetMs: number;
}

export interface UnitChanged {
  host: string;
  agent: string;
  active: boolean;
  reason: 'crash' | 'stop' | 'start' | 'restart' | 'host-down' | 'host-up' | 'fail';
}

export interface JournalInput {
  priority?: number;
  message: string | number[];
  at?: number; // epoch ms, default now
  fields?: Record<string, string | string[] | number[] | null>;
}

export class FleetModel extends EventEmitter {
  readonly hosts = new Map<string, SimHost>();
  private readonly units = new Map<string, SimUnit>(); // key host\0agent
  readonly unitTemplate: string;
  private seq = 0;
  readonly seqnumId = randomBytes(16).toString('hex');
  /** The clock; tests may replace it. */
  now: () => number = () => Date.now();

  constructor(plan: Plan, opts: { now?: () => number } = {}) {
    super();
    if (opts.now) this.now = opts.now;
    this.unitTemplate = plan.agents.unitTemplate;
    const t = this.now();
    const agents = [...plan.agents.underTest.map((a) => a.name), ...plan.agents.control.map((a) => a.name)];
    plan.hosts.forEach((h, hi) => {
      const seed = createHash('sha256').update(h.name).digest();
      const bootMs = t - (3 * 86_400_000 + seed.readUInt16BE(0) * 1000);
      const gpus: SimGpu[] = Array.from({ length: 8 }, (_, i) => ({
        index: i,
        uuid: `GPU-${createHash('sha256').update(`${h.name}/${i}`).digest('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5')}`,
        name: 'NVIDIA H100 80GB HBM3',
        utilizationPct: 0,
        memoryUtilizationPct: 0,
        memoryTotalMiB: 81559,
        memoryUsedMiB: 0,
        temperatureC: 34 + ((seed[i] ?? 0) % 6),
        powerW: 120 + ((seed[i + 8] ?? 0) % 1000) / 100,
        eccUncorrected: 0,
        throttleReasons: '0x0000000000000001',
      }));
      this.hosts.set(h.name, {
        name: h.name,
        down: null,
        bootMs,
        bootId: createHash('md5').update(`${h.name}/boot`).digest('hex'),
        machineId: createHash('md5').update(`${h.name}/machine`).digest('hex'),
        cores: 256,
        // A little different per host, and never above 0.5: at 300 hosts `hi * 0.05` gave dgx-300 a
        // load of 15 and rolled the benchmark's wave back for "high load".
        load: [0.3 + (hi % 5) * 0.05, 0.25, 0.2],
        memTotalBytes: 2 * TIB,
        baseUsedBytes: 48 * GIB,
        cachedBytes: 96 * GIB,
        buffersBytes: 2 * GIB,
        installPath: plan.agents.installPath,
        disk: { source: '/dev/md0', fstype: 'ext4', sizeBytes: 7 * TIB, usedBytes: Math.round(1.2 * TIB), target: '/' },
        hasSystemd: true,
        gpus,
        interfaces: [
          { name: 'lo', rxBytes: 9_000_000, txBytes: 9_000_000, rxPackets: 90_000, txPackets: 90_000, rxBytesPerSec: 20_000, txBytesPerSec: 20_000, markMs: t },
          { name: 'enp1s0f0', rxBytes: 4_000_000_000, txBytes: 3_000_000_000, rxPackets: 4_000_000, txPackets: 3_000_000, rxBytesPerSec: 250_000, txBytesPerSec: 200_000, markMs: t },
        ],
        processes: 900,
        lastPid: 20_000 + hi * 100,
        clockOffsetMs: 0,
      });
      agents.forEach((agent, ai) => {
        const u: SimUnit = {
          host: h.name,
          agent,
          unit: plan.agents.unitTemplate.split('{agent}').join(agent),
          installed: true,
          enabled: true,
          activeState: 'active',
          subState: 'running',
          activeEnterMs: t - 2 * 3_600_000 - ai * 1000,
          activeExitMs: null,
          nRestarts: 0,
          mainPid: null,
          memoryBaseBytes: 180 * MIB + ai * 8 * MIB,
          memoryGrowthPerSec: 0,
          cpuCores: 0.04,
          cpuNsAtMark: 40_000_000_000 + ai * 1_000_000_000,
          cpuMarkMs: t,
          vmsFactor: 6,
          journal: [],
        };
        u.mainPid = this.nextPid(h.name);
        this.units.set(`${h.name}\0${agent}`, u);
      });
    });
  }

  private nextPid(host: string): number {
    const h = this.host(host);
    h.lastPid += 1 + Math.floor(Math.random() * 40);
    return h.lastPid;
  }

  host(name: string): SimHost {
    const h = this.hosts.get(name);
    if (!h) throw new Error(`no simulated host "${name}"`);
    return h;
  }

  unit(host: string, agent: string): SimUnit {
    const u = this.units.get(`${host}\0${agent}`);
    if (!u) throw new Error(`no simulated unit for agent "${agent}" on "${host}"`);
    return u;
  }

  /** Whether the agent runs on the host now (its unit is active and the host is up). */
  isActive(host: string, agent: string): boolean {
    const u = this.units.get(`${host}\0${agent}`);
    return !!u && u.installed && u.activeState === 'active' && !this.host(host).down;
  }

  /** The unit on a host by its systemd name ("agent-runtime@x" or "agent-runtime@x.service"). */
  unitByName(host: string, unit: string): SimUnit | null {
    const name = unit.endsWith('.service') ? unit.slice(0, -'.service'.length) : unit;
    for (const u of this.units.values()) if (u.host === host && u.unit === name && u.installed) return u;
    return null;
  }

  unitsOf(host: string): SimUnit[] {
    return [...this.units.values()].filter((u) => u.host === host);
  }

  // ---- reads computed from rates ----

  memoryCurrent(u: SimUnit, at = this.now()): number | null {
    if (u.activeState !== 'active' || u.activeEnterMs === null) return null;
    return Math.round(u.memoryBaseBytes + Math.max(0, (at - u.activeEnterMs) / 1000) * u.memoryGrowthPerSec);
  }

  cpuUsageNSec(u: SimUnit, at = this.now()): number | null {
    if (u.activeState !== 'active') return null;
    return Math.round(u.cpuNsAtMark + Math.max(0, at - u.cpuMarkMs) * 1e6 * u.cpuCores);
  }

  memUsedBytes(host: string, at = this.now()): number {
    const h = this.host(host);
    let used = h.baseUsedBytes;
    for (const u of this.unitsOf(host)) used += this.memoryCurrent(u, at) ?? 0;
    return Math.min(used, h.memTotalBytes);
  }

  interfaceCounters(i: SimInterface, at = this.now()): { rxBytes: number; txBytes: number; rxPackets: number; txPackets: number } {
    const s = Math.max(0, (at - i.markMs) / 1000);
    return {
      rxBytes: Math.round(i.rxBytes + s * i.rxBytesPerSec),
      txBytes: Math.round(i.txBytes + s * i.txBytesPerSec),
      rxPackets: Math.round(i.rxPackets + (s * i.rxBytesPerSec) / 1000),
      txPackets: Math.round(i.txPackets + (s * i.txBytesPerSec) / 1000),
    };
  }

  // ---- changes (faults and operator actions) ----

  private markCpu(u: SimUnit): void {
    const at = this.now();
    u.cpuNsAtMark = this.cpuUsageNSec(u, at) ?? u.cpuNsAtMark;
    u.cpuMarkMs = at;
  }

  private changed(u: SimUnit, active: boolean, reason: UnitChanged['reason']): void {
    this.emit('unit-changed', { host: u.host, agent: u.agent, active, reason } satisfies UnitChanged);
  }

  /** The main process dies and systemd restarts it (Restart=on-failure): NRestarts+1, new PID, new ActiveEnterTimestamp. */
  crash(host: string, agent: string, opts: { restart?: boolean; message?: string } = {}): void {
    const u = this.unit(host, agent);
    const at = this.now();
    const oldPid = u.mainPid;
    this.addJournal(host, agent, { priority: 3, message: opts.message ?? 'FATAL ERROR: agent runtime panicked: connection state corrupted', at });
    this.addJournal(host, agent, {
      priority: 4, at, message: `${u.unit}.service: Main process exited, code=killed, status=9/KILL`,
      fields: { SYSLOG_IDENTIFIER: 'systemd', _PID: '1', UNIT: `${u.unit}.service` },
    }, { pid: 1 });
    u.activeState = 'failed';
    u.subState = 'failed';
    u.activeExitMs = at;
    u.mainPid = null;
    u.cpuNsAtMark = 0;
    u.cpuMarkMs = at;
    this.changed(u, false, 'crash');
    if (opts.restart === false) return;
    u.nRestarts++;
    u.activeState = 'active';
    u.subState = 'running';
    u.activeEnterMs = at;
    u.mainPid = this.nextPid(host);
    void oldPid;
    this.changed(u, true, 'crash');
  }

  stop(host: string, agent: string): void {
    const u = this.unit(host, agent);
    if (u.activeState !== 'active') return;
    this.markCpu(u);
    u.activeState = 'inactive';
    u.subState = 'dead';
    u.activeExitMs = this.now();
    u.mainPid = null;
    this.changed(u, false, 'stop');
  }

  start(host: string, agent: string): void {
    const u = this.unit(host, agent);
    if (u.activeState === 'active') return;
    const at = this.now();
    u.activeState = 'active';
    u.subState = 'running';
    u.activeEnterMs = at;
    u.mainPid = this.nextPid(host);
    u.cpuNsAtMark = 0;
    u.cpuMarkMs = at;
    this.changed(u, true, 'start');
  }

  restart(host: string, agent: string): void {
    this.stop(host, agent);
    this.start(host, agent);
  }

  /** The unit fails and stays failed (Restart limit hit). */
  fail(host: string, agent: string): void {
    this.crash(host, agent, { restart: false });
  }

  setEnabled(host: string, agent: string, enabled: boolean): void {
    this.unit(host, agent).enabled = enabled;
  }

  /** Removes the unit from the host (LoadState=not-found). */
  uninstall(host: string, agent: string): void {
    const u = this.unit(host, agent);
    this.stop(host, agent);
    u.installed = false;
  }

  /** A host goes away: 'refuse' closes connections at once, 'hang' accepts TCP and never answers. */
  setHostDown(host: string, down: boolean, mode: HostDownMode = 'refuse'): void {
    const h = this.host(host);
    const was = h.down;
    h.down = down ? mode : null;
    this.emit('host-changed', { host, down: h.down });
    if (!!was !== down)
      for (const u of this.unitsOf(host)) if (u.activeState === 'active') this.changed(u, !down, down ? 'host-down' : 'host-up');
  }

  setLoad(host: string, load1: number, load5 = load1, load15 = load5): void {
    this.host(host).load = [load1, load5, load15];
  }

  /** Memory used by the host outside the agents, bytes (drives "memory > 90 %"). */
  setHostMemoryUsed(host: string, bytes: number): void {
    this.host(host).baseUsedBytes = bytes;
  }

  setDiskUsed(host: string, bytes: number): void {
    this.host(host).disk.usedBytes = bytes;
  }

  /** An agent's memory grows by this many bytes per second while active (a leak). */
  setMemoryGrowth(host: string, agent: string, bytesPerSec: number): void {
    const u = this.unit(host, agent);
    const at = this.now();
    const cur = this.memoryCurrent(u, at);
    if (cur !== null && u.activeEnterMs !== null) u.memoryBaseBytes = cur - ((at - u.activeEnterMs) / 1000) * bytesPerSec;
    u.memoryGrowthPerSec = bytesPerSec;
  }

  setCpu(host: string, agent: string, cores: number): void {
    const u = this.unit(host, agent);
    this.markCpu(u);
    u.cpuCores = cores;
  }

  /** Removes nvidia-smi (null) or sets GPU values. */
  setGpus(host: string, gpus: SimGpu[] | null): void {
    this.host(host).gpus = gpus;
  }

  setSystemd(host: string, present: boolean): void {
    this.host(host).hasSystemd = present;
  }

  /** Puts a host's clock `ms` ahead of true time (negative: behind), as a host without working NTP. */
  setClockOffset(host: string, ms: number): void {
    this.host(host).clockOffsetMs = ms;
  }

  addJournal(host: string, agent: string, entry: JournalInput, opts: { pid?: number } = {}): SimJournalEntry {
    const u = this.unit(host, agent);
    const h = this.host(host);
    const at = entry.at ?? this.now();
    const e: SimJournalEntry = {
      seq: ++this.seq,
      realtimeUs: at * 1000 + (this.seq % 1000),
      monotonicUs: Math.max(0, (at - h.bootMs) * 1000),
      priority: entry.priority ?? 6,
      message: entry.message,
      fields: entry.fields ?? {},
      pid: opts.pid ?? u.mainPid,
    };
    u.journal.push(e);
    if (u.journal.length > 50_000) u.journal.splice(0, u.journal.length - 50_000);
    this.emit('journal', { host, agent, entry: e });
    return e;
  }

  /** `count` error lines at once (an error burst), spread over the last `spreadMs`. */
  errorBurst(host: string, agent: string, count: number, opts: { message?: string; priority?: number; spreadMs?: number } = {}): void {
    const at = this.now();
    const spread = opts.spreadMs ?? 0;
    for (let i = 0; i < count; i++)
      this.addJournal(host, agent, {
        priority: opts.priority ?? 3,
        message: (opts.message ?? 'ERROR failed to handle request {n}: upstream timeout after 5000ms').replace('{n}', String(1000 + i)),
        at: at - spread + Math.round((spread * (i + 1)) / count),
      });
  }

  journalCursor(e: SimJournalEntry, host: string): string {
    const h = this.host(host);
    const hex = (n: number) => Math.floor(n).toString(16);
    const x = createHash('md5').update(`${h.bootId}/${e.seq}`).digest('hex').slice(0, 16);
    return `s=${this.seqnumId};i=${hex(e.seq)};b=${h.bootId};m=${hex(e.monotonicUs)};t=${hex(e.realtimeUs)};x=${x}`;
  }
}

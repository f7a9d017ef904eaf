// The simulated fleet's state: DGX-like hosts (2 TiB memory, 8 GPUs) each running every agent of the
// plan (under test and control) as a systemd unit. The SSH simulator answers commands from it; the
// simulated NATS agents and fault injection change it while it runs. Values that grow with time
// (CPU time, memory growth, uptime) are computed on read from rates, so no timer runs.
import { EventEmitter } from 'node:events';
import { createHash, randomBytes } from 'node:crypto';
import type { Plan } from '../plan/schema';
import { initialHost, initialUnit, type HostDownMode, type SimHost, type SimGpu, type SimInterface, type SimJournalEntry, type SimUnit } from './sim-host';

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
      this.hosts.set(h.name, initialHost(plan, h, hi, t));
      agents.forEach((agent, ai) => {
        const u = initialUnit(plan, h.name, agent, ai, t);
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

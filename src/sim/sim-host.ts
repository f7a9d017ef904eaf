// What a simulated DGX-like host and its agents' systemd units hold (2 TiB memory, 8 GPUs, every
// agent of the plan as a unit), and the state each starts in: seeded by the host's name, so a fleet
// looks the same on every run. FleetModel (fleet-model.ts) holds them and changes them.
import { createHash } from 'node:crypto';
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

/** A host as it is when the fleet starts: up three days and a bit, `hi` its place in the plan. */
export function initialHost(plan: Plan, h: Plan['hosts'][number], hi: number, t: number): SimHost {
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
  return {
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
  };
}

/** An agent's unit as it is when the fleet starts: active for two hours, `ai` its place among the agents; no PID yet. */
export function initialUnit(plan: Plan, host: string, agent: string, ai: number, t: number): SimUnit {
  return {
    host,
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
}

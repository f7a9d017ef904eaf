// Hosts: whether each answered, and its system resources (load, memory, disk, network rates, NATS
// connections, GPUs) — as the judge's HostSample and as the checkpoint record's HostRecord, where a
// value that was not read is a Reading with the reason (the host down, the command failed).
import type { Plan } from '../plan/schema';
import type { Collection } from '../collect/wave-collection';
import type { HostSystem } from '../collect/hosts';
import type { HostSample } from '../judge/observations';
import type { HostRecord } from '../artifacts/records/hosts';
import type { Reading } from '../artifacts/records/common';
import { gpuReason, gpuRecord } from './gpus';
import { previousHostSystem, type Previous } from './previous';
import { distinct, missing, reading, round } from './readings';

/** A host is reachable when some command came back (collect.ts) and it is not listed unreachable. */
export function hostReachable(c: Collection, host: string, sys: HostSystem | undefined): boolean {
  if (c.hosts?.unreachable.some((u) => u.host === host)) return false;
  return sys ? sys.reachable : true;
}

export function hostSamples(plan: Plan, c: Collection): HostSample[] {
  if (!c.hosts) return [];
  const out: HostSample[] = [];
  for (const h of plan.hosts) {
    const sys = c.hosts.system.find((s) => s.host === h.name);
    const down = c.hosts.unreachable.find((u) => u.host === h.name);
    if (!sys) {
      if (down) out.push({ host: h.name, reachable: false, load1: null, memoryUsedPct: null, memoryTotalBytes: null, diskUsedPct: null, error: down.error });
      continue;
    }
    const reachable = hostReachable(c, h.name, sys);
    const errors = distinct([down?.error ?? '', sys.error ?? '', sys.load.error ?? '', sys.memory.error ?? '', sys.disk.error ?? '']);
    out.push({
      host: h.name,
      reachable,
      load1: sys.load.value?.load1 ?? null,
      memoryUsedPct: sys.memory.value?.usedPct ?? null,
      memoryTotalBytes: sys.memory.value?.totalBytes ?? null,
      diskUsedPct: sys.disk.value?.usedPct ?? null,
      ...(errors.length ? { error: errors.join('; ') } : {}),
    });
  }
  return out;
}

/** Bytes per second per interface since the previous collection; null without one (or after a counter reset). */
function networkRates(sys: HostSystem, previous: Previous): HostRecord['network'] {
  const cur = sys.network.value ?? [];
  const prevSys = previousHostSystem(sys.host, previous);
  const prevList = prevSys?.network.value ?? null;
  const dt = prevSys ? (sys.network.collectedAt - prevSys.network.collectedAt) / 1000 : 0;
  return cur.map((n) => {
    const p = prevList?.find((x) => x.name === n.name);
    const rate = (a: number, b: number | undefined) => (p && b !== undefined && dt > 0 && a >= b ? round((a - b) / dt, 1) : null);
    return { iface: n.name, rxBytesPerSec: rate(n.rxBytes, p?.rxBytes), txBytesPerSec: rate(n.txBytes, p?.txBytes) };
  });
}

export function hostRecord(plan: Plan, c: Collection, host: string, previous: Previous): HostRecord {
  const sys = c.hosts?.system.find((s) => s.host === host);
  const down = c.hosts?.unreachable.find((u) => u.host === host);
  const reachable = c.hosts ? hostReachable(c, host, sys) : false;
  const hostWhy = !c.hosts ? 'hosts were not collected' : down ? `host ${host} unreachable: ${down.error}` : !sys ? 'system resources not collected' : '';
  const val = <T>(s: { value: T | null; error?: string } | undefined, f: (v: T) => number | null, what: string): Reading => {
    if (!s) return missing(hostWhy || `${what} not collected`);
    if (s.value === null) return missing(!reachable && hostWhy ? hostWhy : (s.error ?? `${what} not collected`));
    return reading(f(s.value), `${what} not reported`);
  };
  const server = c.server;
  const conns = server?.reachable ? server.instances.filter((i) => i.host === host) : [];
  const natsConnections: Reading = !server
    ? missing('NATS server statistics not collected')
    : !server.reachable
      ? missing(server.error ?? 'NATS monitoring endpoint unreachable')
      : reading(conns.reduce((s, i) => s + i.connections, 0), '', { caveat: 'agent connections named for this host (/connz)', samples: conns.length });
  const gpus = sys?.gpus.value ?? [];
  const noGpu = gpuReason(sys, hostWhy);
  return {
    host,
    reachable,
    ...(hostWhy && !reachable ? { reason: hostWhy } : sys?.error ? { reason: sys.error } : {}),
    load1: val(sys?.load, (v) => v.load1, '/proc/loadavg'),
    load5: val(sys?.load, (v) => v.load5, '/proc/loadavg'),
    load15: val(sys?.load, (v) => v.load15, '/proc/loadavg'),
    memory: {
      totalBytes: val(sys?.memory, (v) => v.totalBytes, '/proc/meminfo'),
      usedBytes: val(sys?.memory, (v) => v.usedBytes, '/proc/meminfo'),
      availableBytes: val(sys?.memory, (v) => v.availableBytes, '/proc/meminfo'),
      cachedBytes: val(sys?.memory, (v) => v.cachedBytes, 'Cached in /proc/meminfo'),
      usedPct: val(sys?.memory, (v) => v.usedPct, '/proc/meminfo'),
    },
    disk: {
      path: sys?.disk.path ?? plan.agents.installPath,
      totalBytes: val(sys?.disk, (v) => v.sizeBytes, 'df'),
      usedBytes: val(sys?.disk, (v) => v.usedBytes, 'df'),
      availableBytes: val(sys?.disk, (v) => v.availBytes, 'df'),
      usedPct: val(sys?.disk, (v) => v.usedPct, 'df'),
    },
    natsConnections,
    network: sys ? networkRates(sys, previous) : [],
    gpus: gpus.map(gpuRecord),
    ...(noGpu ? { gpuReason: noGpu } : {}),
  };
}

// What a simulated host's programs print from its state, in the formats of a real Debian/Ubuntu
// DGX host: one journal entry as journalctl -o json prints it, and the /proc (and /etc) files cat
// reads. Every time on the host's own clock (SimHost.clockOffsetMs). The programs are host-commands.ts.
import type { FleetModel } from './fleet-model';
import type { SimUnit, SimJournalEntry } from './sim-host';

/** One journal entry as journalctl -o json prints it (values are strings; byte arrays for binary). */
export function journalJson(model: FleetModel, hostName: string, u: SimUnit, e: SimJournalEntry): Record<string, unknown> {
  const h = model.host(hostName);
  const isSystemd = e.pid === 1;
  const o: Record<string, unknown> = {
    __CURSOR: model.journalCursor(e, hostName),
    __REALTIME_TIMESTAMP: String(e.realtimeUs + h.clockOffsetMs * 1000),
    __MONOTONIC_TIMESTAMP: String(e.monotonicUs),
    _BOOT_ID: h.bootId,
    _TRANSPORT: isSystemd ? 'journal' : 'stdout',
    PRIORITY: String(e.priority),
    SYSLOG_FACILITY: '3',
    SYSLOG_IDENTIFIER: isSystemd ? 'systemd' : 'agent-runtime',
    _UID: '0',
    _GID: '0',
    _MACHINE_ID: h.machineId,
    _HOSTNAME: hostName,
  };
  if (!isSystemd) {
    o._PID = String(e.pid ?? 0);
    o._COMM = 'agent-runtime';
    o._EXE = `${h.installPath}/bin/agent-runtime`;
    o._CMDLINE = `${h.installPath}/bin/agent-runtime --agent ${u.agent}`;
    o._SYSTEMD_CGROUP = `/system.slice/system-agent\\x2druntime.slice/${u.unit}.service`;
    o._SYSTEMD_UNIT = `${u.unit}.service`;
    o._SYSTEMD_SLICE = 'system-agent\\x2druntime.slice';
    o._STREAM_ID = model.seqnumId.slice(0, 32);
  } else {
    o._PID = '1';
    o._COMM = 'systemd';
    o.UNIT = `${u.unit}.service`;
  }
  for (const [k, v] of Object.entries(e.fields)) o[k] = v;
  o.MESSAGE = e.message;
  return o;
}

const kb = (bytes: number) => Math.floor(bytes / 1024);
const memLine = (name: string, valueKb: number) => `${`${name}:`.padEnd(16)}${String(valueKb).padStart(8)} kB\n`;

/** The text of a /proc (or other) file on the simulated host, or null when it does not exist. */
export function procFile(model: FleetModel, hostName: string, path: string): string | null {
  const h = model.host(hostName);
  const now = model.now();
  switch (path) {
    case '/proc/loadavg': {
      const running = 1 + Math.round(h.load[0]);
      return `${h.load.map((l) => l.toFixed(2)).join(' ')} ${running}/${h.processes + model.unitsOf(hostName).length} ${h.lastPid}\n`;
    }
    case '/proc/uptime': {
      const up = (now - h.bootMs) / 1000;
      return `${up.toFixed(2)} ${(up * h.cores * 0.97).toFixed(2)}\n`;
    }
    case '/proc/meminfo': {
      const used = model.memUsedBytes(hostName, now);
      const cached = Math.min(h.cachedBytes, h.memTotalBytes - used);
      const buffers = Math.min(h.buffersBytes, Math.max(0, h.memTotalBytes - used - cached));
      const free = Math.max(0, h.memTotalBytes - used - cached - buffers);
      const available = Math.max(0, free + Math.round(cached * 0.9) + buffers);
      const rows: [string, number][] = [
        ['MemTotal', kb(h.memTotalBytes)], ['MemFree', kb(free)], ['MemAvailable', kb(available)], ['Buffers', kb(buffers)],
        ['Cached', kb(cached)], ['SwapCached', 0], ['Active', kb(used * 0.6 + cached * 0.3)], ['Inactive', kb(used * 0.2 + cached * 0.7)],
        ['Active(anon)', kb(used * 0.55)], ['Inactive(anon)', kb(used * 0.05)], ['Active(file)', kb(cached * 0.3)], ['Inactive(file)', kb(cached * 0.7)],
        ['Unevictable', 8256], ['Mlocked', 6472], ['SwapTotal', 0], ['SwapFree', 0], ['Zswap', 0], ['Zswapped', 0], ['Dirty', 1284], ['Writeback', 0],
        ['AnonPages', kb(used * 0.6)], ['Mapped', kb(used * 0.05)], ['Shmem', 7368], ['KReclaimable', kb(2 * 1024 ** 3)], ['Slab', kb(4 * 1024 ** 3)],
        ['SReclaimable', kb(2 * 1024 ** 3)], ['SUnreclaim', kb(2 * 1024 ** 3)], ['KernelStack', 41216], ['PageTables', kb(used * 0.004)],
        ['CommitLimit', kb(h.memTotalBytes / 2)], ['Committed_AS', kb(used * 1.3)], ['VmallocTotal', 34359738367], ['VmallocUsed', 1012344],
        ['HugePages_Total', 0], ['Hugepagesize', 2048],
      ];
      return rows.map(([n, v]) => (n.startsWith('HugePages_') ? `${`${n}:`.padEnd(16)}${String(Math.floor(v)).padStart(8)}\n` : memLine(n, Math.floor(v)))).join('');
    }
    case '/proc/net/dev': {
      let out = 'Inter-|   Receive                                                |  Transmit\n';
      out += ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n';
      for (const i of h.interfaces) {
        const c = model.interfaceCounters(i, now);
        out += `${i.name.padStart(6)}: ${String(c.rxBytes).padStart(7)} ${String(c.rxPackets).padStart(7)}    0    0    0     0          0         0 ${String(c.txBytes).padStart(8)} ${String(c.txPackets).padStart(7)}    0    0    0     0       0          0\n`;
      }
      return out;
    }
    case '/etc/hostname':
      return `${hostName}\n`;
  }
  const m = /^\/proc\/(\d+)\/status$/.exec(path);
  if (m) {
    const pid = Number(m[1]);
    const u = model.unitsOf(hostName).find((x) => x.mainPid === pid && x.activeState === 'active');
    if (!u) return null;
    const rss = model.memoryCurrent(u, now) ?? 0;
    return [
      `Name:\tagent-runtime`, 'Umask:\t0022', 'State:\tS (sleeping)', `Tgid:\t${pid}`, 'Ngid:\t0', `Pid:\t${pid}`, 'PPid:\t1', 'TracerPid:\t0',
      'Uid:\t0\t0\t0\t0', 'Gid:\t0\t0\t0\t0', 'FDSize:\t128', 'Groups:\t', 'NStgid:\t' + pid, 'NSpid:\t' + pid, 'NSpgid:\t' + pid, 'NSsid:\t' + pid,
      'Kthread:\t0', `VmPeak:\t${String(kb(rss * u.vmsFactor * 1.05)).padStart(8)} kB`, `VmSize:\t${String(kb(rss * u.vmsFactor)).padStart(8)} kB`,
      'VmLck:\t       0 kB', 'VmPin:\t       0 kB', `VmHWM:\t${String(kb(rss * 1.02)).padStart(8)} kB`, `VmRSS:\t${String(kb(rss)).padStart(8)} kB`,
      `RssAnon:\t${String(kb(rss * 0.9)).padStart(8)} kB`, `RssFile:\t${String(kb(rss * 0.1)).padStart(8)} kB`, 'RssShmem:\t       0 kB',
      'Threads:\t23', '',
    ].join('\n');
  }
  return null;
}

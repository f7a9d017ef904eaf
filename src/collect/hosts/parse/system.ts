// Pure parsers of the system files and commands of section 5: /proc/loadavg, /proc/meminfo,
// /proc/uptime, /proc/net/dev, /proc/PID/status, `df -B1 --output=…`. Locale-proof formats; a
// text that does not have the expected shape gives null (reported as an error by the caller).

export interface LoadAvg {
  load1: number;
  load5: number;
  load15: number;
  running: number | null;
  total: number | null;
}

export function parseLoadavg(text: string): LoadAvg | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)(?:\s+(\d+)\/(\d+))?/.exec(text);
  if (!m) return null;
  return { load1: Number(m[1]), load5: Number(m[2]), load15: Number(m[3]), running: m[4] ? Number(m[4]) : null, total: m[5] ? Number(m[5]) : null };
}

export interface MemInfo {
  totalBytes: number;
  availableBytes: number;
  freeBytes: number | null;
  cachedBytes: number | null;
  buffersBytes: number | null;
  /** total − available: memory that cannot be reclaimed without swapping. */
  usedBytes: number;
  usedPct: number;
  swapTotalBytes: number | null;
  swapFreeBytes: number | null;
}

/** Key: value kB lines → bytes. */
export function parseMeminfoFields(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z0-9_()]+):\s+(\d+)(?:\s+kB)?\s*$/.exec(line.trim());
    if (m) out[m[1]] = Number(m[2]) * (/kB\s*$/.test(line) ? 1024 : 1);
  }
  return out;
}

/** Needs MemTotal and MemAvailable (Linux ≥ 3.14); without MemAvailable the value is missing, not guessed. */
export function parseMeminfo(text: string): MemInfo | null {
  const f = parseMeminfoFields(text);
  if (!(f.MemTotal > 0) || f.MemAvailable === undefined) return null;
  const used = Math.max(0, f.MemTotal - f.MemAvailable);
  return {
    totalBytes: f.MemTotal,
    availableBytes: f.MemAvailable,
    freeBytes: f.MemFree ?? null,
    cachedBytes: f.Cached ?? null,
    buffersBytes: f.Buffers ?? null,
    usedBytes: used,
    usedPct: Math.round((used / f.MemTotal) * 10000) / 100,
    swapTotalBytes: f.SwapTotal ?? null,
    swapFreeBytes: f.SwapFree ?? null,
  };
}

export function parseUptime(text: string): { seconds: number; idleSeconds: number | null } | null {
  const m = /^\s*(\d+(?:\.\d+)?)(?:\s+(\d+(?:\.\d+)?))?/.exec(text);
  if (!m) return null;
  return { seconds: Number(m[1]), idleSeconds: m[2] ? Number(m[2]) : null };
}

export interface DiskUsage {
  source: string | null;
  fstype: string | null;
  sizeBytes: number;
  usedBytes: number;
  availBytes: number;
  /** As df computes it: used / (used + avail), rounded up. */
  usedPct: number;
  target: string | null;
}

const DF_HEADERS: Record<string, string> = {
  Filesystem: 'source',
  Type: 'fstype',
  '1B-blocks': 'size',
  Size: 'size',
  Used: 'used',
  Avail: 'avail',
  Available: 'avail',
  'Use%': 'pcent',
  Capacity: 'pcent',
  Mounted: 'target',
};

/** `df -B1 --output=source,fstype,size,used,avail,pcent,target PATH` (or plain `df -B1 PATH`): the first data line. */
export function parseDf(text: string): DiskUsage | null {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length < 2) return null;
  const header = lines[0].trim().replace(/Mounted on$/, 'Mounted').split(/\s+/);
  const cols = header.map((h) => DF_HEADERS[h] ?? h);
  let cells = lines[1].trim().split(/\s+/);
  // A long source name makes df wrap the rest onto the next line (POSIX mode excepted).
  if (cells.length === 1 && lines[2]) cells = [...cells, ...lines[2].trim().split(/\s+/)];
  if (cells.length < cols.length) return null;
  if (cells.length > cols.length && cols[cols.length - 1] === 'target') cells = [...cells.slice(0, cols.length - 1), cells.slice(cols.length - 1).join(' ')];
  const v: Record<string, string> = {};
  cols.forEach((c, i) => (v[c] = cells[i]));
  const num = (s: string | undefined) => (s !== undefined && /^\d+$/.test(s) ? Number(s) : null);
  const size = num(v.size);
  const used = num(v.used);
  const avail = num(v.avail);
  if (size === null || used === null || avail === null) return null;
  const pc = v.pcent && /^\d+%$/.test(v.pcent) ? Number(v.pcent.slice(0, -1)) : used + avail > 0 ? Math.ceil((used * 100) / (used + avail)) : 0;
  return { source: v.source ?? null, fstype: v.fstype ?? null, sizeBytes: size, usedBytes: used, availBytes: avail, usedPct: pc, target: v.target ?? null };
}

export interface NetInterface {
  name: string;
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  rxDropped: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
  txDropped: number;
}

export function parseNetDev(text: string): NetInterface[] | null {
  const lines = text.split('\n');
  if (!/Inter-\|/.test(lines[0] ?? '')) return null;
  const out: NetInterface[] = [];
  for (const line of lines.slice(2)) {
    const m = /^\s*([^:\s]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    const n = m[2].trim().split(/\s+/).map(Number);
    if (n.length < 16 || n.some((x) => !Number.isFinite(x))) return null;
    out.push({ name: m[1], rxBytes: n[0], rxPackets: n[1], rxErrors: n[2], rxDropped: n[3], txBytes: n[8], txPackets: n[9], txErrors: n[10], txDropped: n[11] });
  }
  return out;
}

/** VmRSS / VmSize of /proc/PID/status, bytes (kernel threads have neither: null). */
export function parseProcStatus(text: string): { rssBytes: number | null; vmsBytes: number | null; threads: number | null; name: string | null } {
  const get = (k: string) => {
    const m = new RegExp(`^${k}:\\s+(\\d+)\\s*kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : null;
  };
  const th = /^Threads:\s+(\d+)/m.exec(text);
  const name = /^Name:\s+(.*)$/m.exec(text);
  return { rssBytes: get('VmRSS'), vmsBytes: get('VmSize'), threads: th ? Number(th[1]) : null, name: name ? name[1] : null };
}

// `nvidia-smi --query-gpu=… --format=csv,noheader,nounits` → typed GPU records. "[N/A]" and
// "[Not Supported]" are missing values (null), never zero. The throttle-reason bitmask is decoded
// with NVML's names (nvml.h, nvmlClocksEventReason*).

export interface GpuInfo {
  index: number | null;
  uuid: string | null;
  name: string | null;
  utilizationPct: number | null;
  memoryUtilizationPct: number | null;
  memoryTotalMiB: number | null;
  memoryUsedMiB: number | null;
  temperatureC: number | null;
  powerW: number | null;
  eccUncorrected: number | null;
  throttleReasonsMask: string | null;
  throttleReasons: string[] | null;
  /** The throttle reasons that hold the GPU back by a fault or a limit; null when the reasons were not reported. */
  throttledBy: string[] | null;
  /**
   * No uncorrected ECC error and not held back (throttledBy empty): true; either one seen: false;
   * null when nvidia-smi reported neither the ECC count nor the throttle reasons.
   */
  healthy: boolean | null;
}

const REASONS: [number, string][] = [
  [0x1, 'gpu-idle'],
  [0x2, 'applications-clocks-setting'],
  [0x4, 'sw-power-cap'],
  [0x8, 'hw-slowdown'],
  [0x10, 'sync-boost'],
  [0x20, 'sw-thermal-slowdown'],
  [0x40, 'hw-thermal-slowdown'],
  [0x80, 'hw-power-brake-slowdown'],
  [0x100, 'display-clock-setting'],
];

/** Reasons that mean the GPU is held back by a fault or a limit (idle and settings are normal). */
const BAD_THROTTLE_REASONS = new Set(['hw-slowdown', 'sw-thermal-slowdown', 'hw-thermal-slowdown', 'hw-power-brake-slowdown', 'sw-power-cap']);

export function decodeThrottleReasons(mask: string): string[] | null {
  if (!/^0x[0-9a-f]+$/i.test(mask)) return null;
  const n = BigInt(mask);
  const out: string[] = [];
  for (const [bit, name] of REASONS) if ((n & BigInt(bit)) !== 0n) out.push(name);
  const known = REASONS.reduce((a, [b]) => a | BigInt(b), 0n);
  if ((n & ~known) !== 0n) out.push(`other(0x${(n & ~known).toString(16)})`);
  return out;
}

function isMissing(v: string | undefined): boolean {
  return v === undefined || v === '' || /^\[(N\/A|Not Supported|Unknown Error|Insufficient Permissions|GPU requires reset)\]$/i.test(v) || v === 'N/A';
}

function num(v: string | undefined): number | null {
  if (isMissing(v)) return null;
  const m = /^(-?\d+(?:\.\d+)?)(?:\s*(?:%|MiB|W|C))?$/.exec(v!.trim());
  return m ? Number(m[1]) : null;
}

/** Whether a GPU is healthy, from its uncorrected ECC count and decoded throttle reasons. */
export function gpuHealth(eccUncorrected: number | null, throttleReasons: string[] | null): Pick<GpuInfo, 'throttledBy' | 'healthy'> {
  const throttledBy = throttleReasons === null ? null : throttleReasons.filter((r) => BAD_THROTTLE_REASONS.has(r));
  const faulty = (eccUncorrected !== null && eccUncorrected > 0) || (throttledBy?.length ?? 0) > 0;
  return { throttledBy, healthy: faulty ? false : eccUncorrected !== null || throttleReasons !== null ? true : null };
}

/** Splits a CSV line as nvidia-smi writes it (", " separated; names never contain commas). */
function cells(line: string): string[] {
  return line.split(',').map((c) => c.trim());
}

/** Parses query output for the given field list (the order asked for); null when a line has the wrong number of cells. */
export function parseNvidiaQuery(text: string, fields: readonly string[], opts: { header?: boolean } = {}): GpuInfo[] | null {
  let lines = text.split('\n').filter((l) => l.trim() !== '');
  if (opts.header) lines = lines.slice(1);
  const out: GpuInfo[] = [];
  for (const line of lines) {
    const c = cells(line);
    if (c.length !== fields.length) return null;
    const v: Record<string, string> = {};
    fields.forEach((f, i) => (v[f] = c[i]));
    const throttle = isMissing(v['clocks_throttle_reasons.active']) ? (isMissing(v['clocks_event_reasons.active']) ? null : v['clocks_event_reasons.active']) : v['clocks_throttle_reasons.active'];
    const eccUncorrected = num(v['ecc.errors.uncorrected.volatile.total']);
    const throttleReasons = throttle ? decodeThrottleReasons(throttle) : null;
    out.push({
      index: num(v.index),
      uuid: isMissing(v.uuid) ? null : v.uuid,
      name: isMissing(v.name) ? null : v.name,
      utilizationPct: num(v['utilization.gpu']),
      memoryUtilizationPct: num(v['utilization.memory']),
      memoryTotalMiB: num(v['memory.total']),
      memoryUsedMiB: num(v['memory.used']),
      temperatureC: num(v['temperature.gpu']),
      powerW: num(v['power.draw']),
      eccUncorrected,
      throttleReasonsMask: throttle ?? null,
      throttleReasons,
      ...gpuHealth(eccUncorrected, throttleReasons),
    });
  }
  return out;
}

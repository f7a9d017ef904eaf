// A host's GPUs in the checkpoint record: utilisation, memory, temperature, and whether each is
// healthy (no uncorrected ECC error, no throttling by a fault or a limit), or unknown when
// nvidia-smi did not report either.
import type { HostSystem } from '../collect/hosts';
// Which NVML throttle reasons mean trouble is the nvidia-smi parser's knowledge, next to the names it decodes.
import { BAD_THROTTLE_REASONS } from '../collect/hosts/parse/nvidia';
import type { GpuRecord } from '../artifacts/types';
import { isNum, round } from './readings';

/** One GPU as the collector read it (nvidia-smi --query-gpu). */
type CollectedGpu = NonNullable<HostSystem['gpus']['value']>[number];

export function gpuRecord(g: CollectedGpu, i: number): GpuRecord {
  const problems: string[] = [];
  if (isNum(g.eccUncorrected) && g.eccUncorrected > 0) problems.push(`${g.eccUncorrected} uncorrected ECC errors`);
  const bad = (g.throttleReasons ?? []).filter((r) => BAD_THROTTLE_REASONS.has(r));
  if (bad.length) problems.push(`throttled: ${bad.join(', ')}`);
  const known = g.eccUncorrected !== null || g.throttleReasons !== null;
  return {
    index: isNum(g.index) && g.index >= 0 ? Math.round(g.index) : i,
    name: g.name,
    utilizationPct: g.utilizationPct,
    memoryUsedPct: isNum(g.memoryUsedMiB) && isNum(g.memoryTotalMiB) && g.memoryTotalMiB > 0 ? round((100 * g.memoryUsedMiB) / g.memoryTotalMiB, 2) : null,
    temperatureC: g.temperatureC,
    healthy: problems.length ? false : known ? true : null,
    ...(problems.length ? { reason: problems.join('; ') } : !known ? { reason: 'ECC and throttle state not reported' } : {}),
  };
}

/** Why a host lists no GPU; undefined when it lists some. `hostWhy` is why the host's system was not read. */
export function gpuReason(sys: HostSystem | undefined, hostWhy: string): string | undefined {
  if (!sys) return hostWhy || 'not collected';
  if (sys.gpus.absent) return 'no nvidia-smi on this host';
  if (sys.gpus.value === null) return sys.gpus.error ?? 'GPUs not collected';
  return sys.gpus.value.length === 0 ? 'nvidia-smi listed no GPU' : undefined;
}

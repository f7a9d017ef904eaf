// A host's GPUs in the checkpoint record: utilisation, memory, temperature, and whether each is
// healthy (no uncorrected ECC error, no throttling by a fault or a limit), or unknown when
// nvidia-smi did not report either. Healthy and the throttle reasons that count are decided by the
// collector (it knows NVML's reasons); this only words the reason.
import type { GpuInfo, HostSystem } from '../collect/hosts';
import type { GpuRecord } from '../artifacts/records/hosts';
import { isNum, round } from './readings';

export function gpuRecord(g: GpuInfo, i: number): GpuRecord {
  const problems: string[] = [];
  if (isNum(g.eccUncorrected) && g.eccUncorrected > 0) problems.push(`${g.eccUncorrected} uncorrected ECC errors`);
  if (g.throttledBy?.length) problems.push(`throttled: ${g.throttledBy.join(', ')}`);
  return {
    index: isNum(g.index) && g.index >= 0 ? Math.round(g.index) : i,
    name: g.name,
    utilizationPct: g.utilizationPct,
    memoryUsedPct: isNum(g.memoryUsedMiB) && isNum(g.memoryTotalMiB) && g.memoryTotalMiB > 0 ? round((100 * g.memoryUsedMiB) / g.memoryTotalMiB, 2) : null,
    temperatureC: g.temperatureC,
    healthy: g.healthy,
    ...(problems.length ? { reason: problems.join('; ') } : g.healthy === null ? { reason: 'ECC and throttle state not reported' } : {}),
  };
}

/** Why a host lists no GPU; undefined when it lists some. `hostWhy` is why the host's system was not read. */
export function gpuReason(sys: HostSystem | undefined, hostWhy: string): string | undefined {
  if (!sys) return hostWhy || 'not collected';
  if (sys.gpus.absent) return 'no nvidia-smi on this host';
  if (sys.gpus.value === null) return sys.gpus.error ?? 'GPUs not collected';
  return sys.gpus.value.length === 0 ? 'nvidia-smi listed no GPU' : undefined;
}

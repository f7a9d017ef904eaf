// The record parts that were only reached through toCheckpointRecord, alone on crafted data: a GPU's
// health from ECC errors and throttle reasons, why a host lists no GPU, and what the previous
// collection gives (network rates need the previous Collection; carried UnitCounters give CPU only).
import { gpuReason, gpuRecord, hostRecord, previousHostSystem, unitCounters } from '../../src/observe';
import type { HostSystem } from '../../src/collect/hosts';
import { H, MIN, makeCollection, wave2Plan } from './fixtures';

type Gpu = NonNullable<HostSystem['gpus']['value']>[number];
const gpu = (change: Partial<Gpu> = {}): Gpu => ({
  index: 3, uuid: null, name: 'H100', utilizationPct: 50, memoryUtilizationPct: null, memoryTotalMiB: 80_000, memoryUsedMiB: 20_000,
  temperatureC: 60, powerW: null, eccUncorrected: 0, throttleReasonsMask: '0x1', throttleReasons: ['gpu-idle'], throttledBy: [], healthy: true, ...change,
});

// healthy and throttledBy are the collector's decision (tested with the nvidia-smi parser); the record words it.
test('a GPU is healthy without uncorrected ECC errors or a throttle by fault or limit; unknown when neither is reported', () => {
  expect(gpuRecord(gpu(), 0)).toEqual({ index: 3, name: 'H100', utilizationPct: 50, memoryUsedPct: 25, temperatureC: 60, healthy: true });
  expect(gpuRecord(gpu({ eccUncorrected: 2, throttleReasons: ['gpu-idle', 'hw-slowdown', 'sw-power-cap'], throttledBy: ['hw-slowdown', 'sw-power-cap'], healthy: false }), 0)).toMatchObject({
    healthy: false,
    reason: '2 uncorrected ECC errors; throttled: hw-slowdown, sw-power-cap',
  });
  expect(gpuRecord(gpu({ eccUncorrected: null, throttleReasons: null, throttledBy: null, healthy: null, index: null, memoryTotalMiB: null }), 5)).toMatchObject({
    index: 5, memoryUsedPct: null, healthy: null, reason: 'ECC and throttle state not reported',
  });
});

test('why a host lists no GPU', () => {
  const plan = wave2Plan();
  const c = makeCollection(plan, { kind: 'checkpoint', name: 'T+6h', seq: 72, atMs: 6 * H, sinceMs: 6 * H - 5 * MIN });
  const sys = c.hosts!.system[0];
  expect(gpuReason(sys, '')).toBeUndefined();
  expect(gpuReason(undefined, 'host dgx-1 unreachable: ECONNREFUSED')).toBe('host dgx-1 unreachable: ECONNREFUSED');
  expect(gpuReason(undefined, '')).toBe('not collected');
  expect(gpuReason({ ...sys, gpus: { ...sys.gpus, value: null, absent: true } }, '')).toBe('no nvidia-smi on this host');
  expect(gpuReason({ ...sys, gpus: { ...sys.gpus, value: null, error: 'exit 9' } }, '')).toBe('exit 9');
  expect(gpuReason({ ...sys, gpus: { ...sys.gpus, value: [] } }, '')).toBe('nvidia-smi listed no GPU');
});

test('network rates need the previous Collection; its carried UnitCounters hold no network bytes', () => {
  const plan = wave2Plan();
  const prev = makeCollection(plan, { kind: 'tick', seq: 71, atMs: 6 * H - 5 * MIN, sinceMs: 6 * H - 10 * MIN, cpuSeconds: 397 });
  const c = makeCollection(plan, { kind: 'checkpoint', name: 'T+6h', seq: 72, atMs: 6 * H, sinceMs: 6 * H - 5 * MIN, cpuSeconds: 400 });
  expect(previousHostSystem('dgx-1', prev)?.host).toBe('dgx-1');
  expect(previousHostSystem('dgx-1', unitCounters(prev))).toBeUndefined();
  expect(previousHostSystem('dgx-1', null)).toBeUndefined();
  const withCollection = hostRecord(plan, c, 'dgx-1', prev).network[0];
  expect(withCollection.rxBytesPerSec).toEqual(expect.any(Number));
  expect(hostRecord(plan, c, 'dgx-1', unitCounters(prev)).network).toEqual([{ iface: 'eth0', rxBytesPerSec: null, txBytesPerSec: null }]);
});

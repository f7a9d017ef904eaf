import { parseLoadavg, parseMeminfo, parseUptime, parseDf, parseNetDev, parseProcStatus } from '../../src/collect/hosts/parse/system';
import { parseNvidiaQuery, decodeThrottleReasons, gpuHealth } from '../../src/collect/hosts/parse/nvidia';
import { NVIDIA_QUERY_FIELDS } from '../../src/collect/hosts/commands';
import { section } from './fixtures';

describe('system parsers on the real GPU host samples', () => {
  test('/proc/loadavg', () => {
    expect(parseLoadavg(section('host-commands.txt', 'cat /proc/loadavg'))).toEqual({ load1: 0.08, load5: 0.02, load15: 0.01, running: 1, total: 203 });
  });
  test('/proc/uptime', () => {
    expect(parseUptime(section('host-commands.txt', 'cat /proc/uptime'))).toEqual({ seconds: 28.42, idleSeconds: 446.33 });
  });
  test('/proc/meminfo (head): total, available, cached; used = total − available', () => {
    const m = parseMeminfo(section('host-commands.txt', 'head -5 /proc/meminfo'))!;
    expect(m.totalBytes).toBe(131981020 * 1024);
    expect(m.availableBytes).toBe(131504260 * 1024);
    expect(m.cachedBytes).toBe(946164 * 1024);
    expect(m.buffersBytes).toBe(12780 * 1024);
    expect(m.usedBytes).toBe((131981020 - 131504260) * 1024);
    expect(m.usedPct).toBeCloseTo(0.36, 2);
    expect(m.swapTotalBytes).toBe(0);
  });
  test('meminfo without MemAvailable is missing, not guessed', () => {
    expect(parseMeminfo('MemTotal:       131981020 kB\nMemFree:        130753180 kB\n')).toBeNull();
    expect(parseMeminfo('')).toBeNull();
  });
  test('df -B1 --output=…', () => {
    expect(parseDf(section('host-commands.txt', 'df -B1 --output'))).toEqual({
      source: '/dev/vda', fstype: 'ext4', sizeBytes: 270553174016, usedBytes: 17286479872, availBytes: 68702457856, usedPct: 21, target: '/',
    });
  });
  test('df -h is not bytes: refused rather than misread', () => {
    expect(parseDf(section('host-commands.txt', 'df -h /'))).toBeNull();
  });
  test('df: target with spaces, empty output', () => {
    const d = parseDf('Filesystem     Type 1B-blocks Used Avail Use% Mounted on\n/dev/sdb1      xfs  1000 250 750  25% /mnt/my disk\n')!;
    expect(d.target).toBe('/mnt/my disk');
    expect(parseDf('')).toBeNull();
  });
  test('/proc/net/dev', () => {
    const text = [
      'Inter-|   Receive                                                |  Transmit',
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
      '    lo:  123456     100    0    0    0     0          0         0   123456     100    0    0    0     0       0          0',
      '  eth0: 9876543210 7654321    1    2    0     0          0        12 1234567890 2345678    3    4    0     0       0          0',
    ].join('\n');
    expect(parseNetDev(text)).toEqual([
      { name: 'lo', rxBytes: 123456, rxPackets: 100, rxErrors: 0, rxDropped: 0, txBytes: 123456, txPackets: 100, txErrors: 0, txDropped: 0 },
      { name: 'eth0', rxBytes: 9876543210, rxPackets: 7654321, rxErrors: 1, rxDropped: 2, txBytes: 1234567890, txPackets: 2345678, txErrors: 3, txDropped: 4 },
    ]);
    expect(parseNetDev('')).toBeNull();
  });
  test('/proc/PID/status', () => {
    const p = parseProcStatus('Name:\tagent-runtime\nVmSize:\t 1234560 kB\nVmRSS:\t  204800 kB\nThreads:\t23\n');
    expect(p).toEqual({ name: 'agent-runtime', vmsBytes: 1234560 * 1024, rssBytes: 204800 * 1024, threads: 23 });
    expect(parseProcStatus('Name:\tkthreadd\n').rssBytes).toBeNull();
  });
});

describe('nvidia-smi parser', () => {
  test('the real H100 query line', () => {
    const g = parseNvidiaQuery(section('nvidia-smi.txt', 'nvidia-smi --query-gpu=index,uuid'), NVIDIA_QUERY_FIELDS)!;
    expect(g).toEqual([
      {
        index: 0, uuid: 'GPU-12c5624f-ccd1-f082-50cf-729a1c26c41e', name: 'NVIDIA H100 80GB HBM3', utilizationPct: 0, memoryUtilizationPct: 0,
        memoryTotalMiB: 81559, memoryUsedMiB: 0, temperatureC: 36, powerW: 126.04, eccUncorrected: 0,
        throttleReasonsMask: '0x0000000000000001', throttleReasons: ['gpu-idle'], throttledBy: [], healthy: true,
      },
    ]);
  });
  test('csv with header and units', () => {
    const fields = ['index', 'name', 'utilization.gpu', 'memory.used', 'memory.total', 'temperature.gpu', 'power.draw'];
    const g = parseNvidiaQuery(section('nvidia-smi.txt', 'nvidia-smi --query-gpu=... --format=csv'), fields, { header: true })!;
    expect(g[0]).toMatchObject({ index: 0, utilizationPct: 0, memoryUsedMiB: 0, memoryTotalMiB: 81559, temperatureC: 36, powerW: 126.04 });
  });
  test('[N/A] and [Not Supported] are null, not zero', () => {
    const line = '3, GPU-x, NVIDIA A100, [N/A], 5, 40960, 100, 40, [Not Supported], [N/A], [N/A]';
    const g = parseNvidiaQuery(line, NVIDIA_QUERY_FIELDS)![0];
    expect(g.utilizationPct).toBeNull();
    expect(g.powerW).toBeNull();
    expect(g.eccUncorrected).toBeNull();
    expect(g.throttleReasons).toBeNull();
    expect([g.throttledBy, g.healthy]).toEqual([null, null]);
  });
  test('wrong cell count is refused; empty output is no GPUs', () => {
    expect(parseNvidiaQuery('0, a, b', NVIDIA_QUERY_FIELDS)).toBeNull();
    expect(parseNvidiaQuery('', NVIDIA_QUERY_FIELDS)).toEqual([]);
  });
  test('throttle reasons', () => {
    expect(decodeThrottleReasons('0x0000000000000044')).toEqual(['sw-power-cap', 'hw-thermal-slowdown']);
    expect(decodeThrottleReasons('0x0000000000000000')).toEqual([]);
    expect(decodeThrottleReasons('0x1000')).toEqual(['other(0x1000)']);
    expect(decodeThrottleReasons('Active')).toBeNull();
  });
  test('health: a fault or a limit holds the GPU back, idle and settings do not; an uncorrected ECC error is unhealthy; neither reported is unknown', () => {
    expect(gpuHealth(0, ['gpu-idle', 'applications-clocks-setting'])).toEqual({ throttledBy: [], healthy: true });
    expect(gpuHealth(0, ['gpu-idle', 'hw-slowdown', 'sw-power-cap'])).toEqual({ throttledBy: ['hw-slowdown', 'sw-power-cap'], healthy: false });
    expect(gpuHealth(2, [])).toEqual({ throttledBy: [], healthy: false });
    expect(gpuHealth(null, ['sw-thermal-slowdown'])).toEqual({ throttledBy: ['sw-thermal-slowdown'], healthy: false });
    expect(gpuHealth(0, null)).toEqual({ throttledBy: null, healthy: true });
    expect(gpuHealth(null, null)).toEqual({ throttledBy: null, healthy: null });
    // from the query line: hw-thermal-slowdown (0x40) decided in the parser
    const g = parseNvidiaQuery('0, GPU-x, NVIDIA H100, 10, 5, 81559, 100, 80, 300, 0, 0x0000000000000041', NVIDIA_QUERY_FIELDS)![0];
    expect([g.throttleReasons, g.throttledBy, g.healthy]).toEqual([['gpu-idle', 'hw-thermal-slowdown'], ['hw-thermal-slowdown'], false]);
  });
});

// Two samples of one unit compared (samples.ts), on crafted statuses.
import { compareUnitSamples } from '../../src/collect/hosts/samples';
import type { AgentStatus } from '../../src/collect/hosts/agent-status';

const T = Date.parse('2026-01-23T12:00:00Z');
const status = (over: Partial<AgentStatus> = {}): AgentStatus => ({
  host: 'dgx-1', agent: 'network-expert', role: 'test', unit: 'agent-runtime@network-expert', state: 'active', loadState: 'loaded',
  activeState: 'active', subState: 'running', activeEnterTimestamp: T - 60_000, activeExitTimestamp: null, nRestarts: 0, memoryBytes: 1,
  cpuUsageNSec: 1, mainPid: 42, collectedAt: T, hostClock: null, exitCode: 0, ...over,
});

describe('compareUnitSamples', () => {
  test('uptime on a host whose clock is 5 minutes ahead is measured on the worker clock', () => {
    const ahead = { activeEnterTimestamp: T - 60_000 + 300_000, hostClock: { offsetMs: 300_000, errorMs: 10 } };
    const d = compareUnitSamples(status({ ...ahead, collectedAt: T - 30_000 }), status(ahead));
    expect(d).toMatchObject({ restarted: false, uptimeMs: 60_000 });
    // without a reading the host's timestamp is taken as is
    expect(compareUnitSamples(status({ collectedAt: T - 30_000 }), status()).uptimeMs).toBe(60_000);
  });
});

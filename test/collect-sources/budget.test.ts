// The sources' budgets (the workflow's collection timeouts) on crafted plans: each number worked out
// by hand from the plan's settings and the collectors' own bounds.
import type { Plan } from '../../src/plan/schema';
import { collectionBudget, combinedBudget } from '../../src/collect/budget';
import { hostsBudget, commandsPerHost } from '../../src/collect/sources/hosts/spec';
import { probesBudget } from '../../src/collect/sources/probes/spec';
import { samplingBudget } from '../../src/collect/sources/sampling/spec';
import { natsHealthBudget } from '../../src/collect/sources/nats-health/spec';
import { natsServerBudget } from '../../src/collect/sources/nats-server/spec';
import type { SourceSpec } from '../../src/collect/source';
import { wave2Plan } from '../observe/fixtures';

/** wave2's plan with every setting a budget reads set here: 3 hosts, 2 agents under test + 1 control. */
function crafted(change: (p: Plan) => void = () => undefined): Plan {
  const p = structuredClone(wave2Plan());
  p.hosts = p.hosts.slice(0, 3);
  p.agents.underTest = p.agents.underTest.slice(0, 2);
  p.agents.control = p.agents.control.slice(0, 1);
  Object.assign(p.ssh, { connectTimeout: 10_000, commandTimeout: 30_000, channelsPerHost: 4, maxConcurrentHosts: 32 });
  Object.assign(p.nats.probe, { count: 100, perTick: 20, ratePerSecond: 10, timeout: 2000 });
  Object.assign(p.nats.sampling, { window: 300_000, minWindow: 3000, skewWindow: 2000, grace: 2000 });
  change(p);
  return p;
}

describe('hosts budget', () => {
  it('is 0 at the baseline (hosts are not read at T+0)', () => {
    expect(hostsBudget(crafted(), 'baseline')).toBe(0);
  });
  it('covers a connect, a re-dial and every command of a host timing out through its channel cap', () => {
    const p = crafted();
    // 3 agents × 5 commands + 5 system reads (+ nvidia-smi at checkpoints)
    expect(commandsPerHost(p, 'tick')).toBe(20);
    expect(commandsPerHost(p, 'checkpoint')).toBe(21);
    // connect bound 10 250 ms; command bound 30 s + 1.5 s grace; 20/4 = 5 rounds, 21/4 → 6
    expect(hostsBudget(p, 'tick')).toBe(2 * 10_250 + 5 * 31_500);
    expect(hostsBudget(p, 'checkpoint')).toBe(2 * 10_250 + 6 * 31_500);
  });
  it('never counts fewer rounds than the chain show → fallback → /proc', () => {
    const p = crafted((q) => (q.ssh.channelsPerHost = 10));
    expect(hostsBudget(p, 'tick')).toBe(2 * 10_250 + 3 * 31_500);
  });
  it('rounds the command timeout up to whole seconds, as the remote timeout does', () => {
    const p = crafted((q) => (q.ssh.commandTimeout = 1200));
    expect(hostsBudget(p, 'tick')).toBe(2 * 10_250 + 5 * (2000 + 1500));
  });
  it('doubles when the hosts are twice the global cap', () => {
    const one = hostsBudget(crafted((q) => (q.ssh.maxConcurrentHosts = 3)), 'tick');
    const two = hostsBudget(crafted((q) => (q.ssh.maxConcurrentHosts = 2)), 'tick');
    expect(two).toBe(2 * one);
  });
});

describe('probes budget', () => {
  // One round: connect 5 s + (n-1)/rate + timeout + the re-probe ((5-1)/rate + timeout) + close 2 s.
  const round = (n: number) => 5000 + ((n - 1) * 1000) / 10 + 2000 + (4 * 1000) / 10 + 2000 + 2000;
  it('a tick is one light round, a checkpoint one full round', () => {
    expect(probesBudget(crafted(), 'tick')).toBe(round(20));
    expect(probesBudget(crafted(), 'checkpoint')).toBe(round(100));
  });
  it('the baseline adds its discarded warm-up round', () => {
    expect(probesBudget(crafted(), 'baseline')).toBe(round(20) + round(100));
  });
  it('a tick without probe requests still connects and closes', () => {
    expect(probesBudget(crafted((q) => (q.nats.probe.perTick = 0)), 'tick')).toBe(5000 + 0 + (400 + 2000) + 2000);
  });
});

describe('sampling, NATS health and server budgets', () => {
  it('sampling runs at checkpoints only and waits out lead-in, window and grace', () => {
    const p = crafted();
    expect(samplingBudget(p, 'tick')).toBe(0);
    expect(samplingBudget(p, 'baseline')).toBe(0);
    // connect 5 s, read 2 s, flush 3 s, lead-in 2 s, window 300 s, grace 2 s + 5 s, drain 2 s, 2 reads 4 s, close 2 s
    expect(samplingBudget(p, 'checkpoint')).toBe(5000 + 2000 + 3000 + 2000 + 300_000 + 2000 + 5000 + 2000 + 4000 + 2000);
  });
  it('a window below the plan floor is sampled at the floor', () => {
    const short = crafted((q) => Object.assign(q.nats.sampling, { window: 1000, minWindow: 3000 }));
    expect(samplingBudget(short, 'checkpoint')).toBe(samplingBudget(crafted((q) => (q.nats.sampling.window = 3000)), 'checkpoint'));
  });
  it('health: connect, flush and close beside the monitoring reads', () => {
    expect(natsHealthBudget(crafted(), 'tick')).toBe(3500 + 3000 + 1000);
  });
  it('server: healthz, varz, the open pages and the closed pages, 3 s each', () => {
    // 9 instances → 1 page + 1; 10 000 closed → 10 pages
    expect(natsServerBudget(crafted(), 'tick')).toBe((2 + 2 + 10) * 3000);
    const big = crafted((q) => (q.hosts = Array.from({ length: 400 }, (_, i) => ({ ...q.hosts[0], name: `h${i}` }))));
    // 1200 instances → 2 pages + 1
    expect(natsServerBudget(big, 'tick')).toBe((2 + 3 + 10) * 3000);
  });
});

describe('collectionBudget', () => {
  it('adds the probes, the longest source beside them, and the server after', () => {
    const p = crafted();
    const server = natsServerBudget(p, 'tick');
    expect(collectionBudget(p, 'baseline')).toBe(probesBudget(p, 'baseline') + natsHealthBudget(p, 'baseline') + server);
    expect(collectionBudget(p, 'tick')).toBe(probesBudget(p, 'tick') + hostsBudget(p, 'tick') + server);
    // a 5-minute window outlasts the hosts' worst case
    expect(samplingBudget(p, 'checkpoint')).toBeGreaterThan(hostsBudget(p, 'checkpoint'));
    expect(collectionBudget(p, 'checkpoint')).toBe(probesBudget(p, 'checkpoint') + samplingBudget(p, 'checkpoint') + server);
  });
  it('a short window leaves the hosts as the longest beside source', () => {
    const p = crafted((q) => (q.nats.sampling.window = 10_000));
    expect(collectionBudget(p, 'checkpoint')).toBe(probesBudget(p, 'checkpoint') + hostsBudget(p, 'checkpoint') + natsServerBudget(p, 'checkpoint'));
  });
  it('combines by stage: alone and after add up, beside takes the longest, other kinds are left out', () => {
    const spec = (stage: SourceSpec['stage'], ms: number, kinds: SourceSpec['kinds'] = ['tick']): SourceSpec =>
      ({ name: 'hosts', kinds, stage, budget: () => ms }) as SourceSpec;
    const specs = [spec('alone', 1), spec('alone', 2), spec('beside', 30), spec('beside', 50), spec('after', 400), spec('after', 7000, ['checkpoint'])];
    expect(combinedBudget(specs, crafted(), 'tick')).toBe(1 + 2 + 50 + 400);
    expect(combinedBudget(specs, crafted(), 'checkpoint')).toBe(7000);
  });
  it('loads no SSH or NATS client: the workflow bundle may import it', () => {
    jest.isolateModules(() => {
      const before = new Set(Object.keys(require.cache));
      require('../../src/collect/budget');
      const loaded = Object.keys(require.cache).filter((k) => !before.has(k));
      expect(loaded.some((k) => k.includes('/src/collect/budget'))).toBe(true);
      expect(loaded.filter((k) => /node_modules\/(ssh2|nats|@nats-io)\/|\/collect\/(nats|hosts)\/(?!ssh\/limits|limits)|\/sources\/[^/]+\/source/.test(k))).toEqual([]);
    });
  });
});

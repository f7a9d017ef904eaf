import { toObservation, unitCounters, latenciesFromHistogram, toMonitorSample } from '../../src/observe';
import { isCheckpoint, type CheckpointObservation } from '../../src/judge/observations';
import { MsRecorder } from '../../src/collect/nats/stats';
import { H, MIN, START, latencies, makeCollection, wave2Plan } from './fixtures';

const plan = wave2Plan();
const cp = (faults = {}) => makeCollection(plan, { kind: 'checkpoint', name: 'T+1h', seq: 12, atMs: H, sinceMs: 55 * MIN, cpuSeconds: 136, faults });
const prevTick = () => makeCollection(plan, { kind: 'tick', seq: 11, atMs: 55 * MIN, sinceMs: 50 * MIN, cpuSeconds: 133 });

describe('toObservation', () => {
  it('maps a healthy checkpoint: kind, times, agents, hosts, errors, messages, probes, NATS, sampling, subscriptions', () => {
    const c = cp();
    const o = toObservation(plan, c, prevTick()) as CheckpointObservation;
    expect(isCheckpoint(o)).toBe(true);
    expect(o).toMatchObject({ kind: 'checkpoint', name: 'T+1h', at: START + H, windowMs: 5 * MIN });
    expect(o.agents).toHaveLength(12);
    const ne = o.agents.find((a) => a.agent === 'network-expert' && a.host === 'dgx-2')!;
    expect(ne).toMatchObject({ role: 'test', state: 'active', nRestarts: 0, activeEnterTimestamp: START - 10 * MIN, memoryBytes: 208 * 1024 * 1024 });
    // 3 CPU seconds over 5 minutes = 1 % of one core
    expect(ne.cpuPct).toBeCloseTo(1, 5);
    expect(o.agents.find((a) => a.agent === 'nix-expert')!.role).toBe('control');
    expect(o.hosts).toEqual(plan.hosts.map((h) => ({ host: h.name, reachable: true, load1: 0.42, memoryUsedPct: 41.41, memoryTotalBytes: 2048 * 1024 * 1024 * 1024, diskUsedPct: 40 })));
    expect(o.errors).toHaveLength(12);
    expect(o.errors!.every((e) => e.count === 0 && !e.error)).toBe(true);
    // per instance (agent@host), so that the error rate can leave out exactly the hosts not read
    expect(o.messages).toEqual(
      plan.hosts.flatMap((h) =>
        ['network-expert', 'tdd-expert', 'nix-expert', 'qa-expert'].map((agent) => ({ host: h.name, agent, role: agent.endsWith('t-expert') && agent !== 'qa-expert' ? 'test' : expect.any(String), messages: 2000 })),
      ),
    );
    const p = o.probes.find((x) => x.agent === 'tdd-expert')!;
    expect(p).toMatchObject({ role: 'test', sent: 100, received: 100, timeouts: 0, samples: 100, corrupt: 0 });
    expect(p.p50).toBeGreaterThan(1.2);
    expect(p.p99).toBeGreaterThanOrEqual(p.p50!);
    expect(p.p999).not.toBeUndefined();
    expect(p.latenciesMs).toHaveLength(100);
    expect(o.nats).toMatchObject({ reachable: true });
    expect(o.nats!.connections).toHaveLength(12);
    expect(new Set(o.nats!.connections!.map((x) => x.cid)).size).toBe(12);
    expect(o.sampling).toEqual({ legacy: 600, unified: 600, paired: 600, either: 600, skewP99Ms: expect.any(Number), corrupt: 0, complete: true });
    expect(o.subscriptions).toHaveLength(12);
    expect(o.subscriptions!.every((s) => s.legacy && s.unified)).toBe(true);
  });

  it('accepts the previous collection or only its unit counters for CPU %; without either CPU is null', () => {
    const c = cp();
    const a = toObservation(plan, c, prevTick());
    const b = toObservation(plan, c, unitCounters(prevTick()));
    expect(b.agents.map((x) => x.cpuPct)).toEqual(a.agents.map((x) => x.cpuPct));
    expect(toObservation(plan, c).agents.every((x) => x.cpuPct === null)).toBe(true);
    // JSON round trip of the counters (they are carried in the observation log)
    const carried = JSON.parse(JSON.stringify(unitCounters(prevTick())));
    expect(toObservation(plan, c, carried).agents[0].cpuPct).toBeCloseTo(1, 5);
  });

  it('a tick is a TickObservation without sampling; the baseline has probes but no hosts, errors or messages', () => {
    const t = toObservation(plan, prevTick());
    expect(t.kind).toBe('tick');
    expect('sampling' in t).toBe(false);
    expect(t.probes.every((p) => p.sent === plan.nats.probe.perTick)).toBe(true);
    const base = toObservation(plan, makeCollection(plan, { kind: 'baseline', name: 'T+0', seq: 0, atMs: 30_000, sinceMs: 0, withBaseline: false }));
    expect(base).toMatchObject({ kind: 'baseline', agents: [], hosts: [], errors: null, messages: null });
    expect(base.probes).toHaveLength(4);
    expect(base.probes[0].latenciesMs).toHaveLength(100);
  });

  it('an unreachable host: its agents unknown with the error, the host unreachable, its journals null — never zeros', () => {
    const o = toObservation(plan, cp({ unreachableHost: 'dgx-2' }), prevTick());
    const onHost = o.agents.filter((a) => a.host === 'dgx-2');
    expect(onHost).toHaveLength(4);
    for (const a of onHost) expect(a).toMatchObject({ state: 'unknown', memoryBytes: null, cpuPct: null, nRestarts: null, error: expect.stringContaining('ECONNREFUSED') });
    expect(o.hosts.find((h) => h.host === 'dgx-2')).toMatchObject({ reachable: false, load1: null, memoryUsedPct: null, diskUsedPct: null, error: expect.stringContaining('ECONNREFUSED') });
    for (const e of o.errors!.filter((x) => x.host === 'dgx-2')) expect(e).toMatchObject({ count: null, error: expect.stringContaining('ECONNREFUSED') });
    expect(o.errors!.filter((x) => x.host !== 'dgx-2').every((e) => e.count === 0)).toBe(true);
    // its agents' NATS connections are gone: cid null (a dropped connection for the judge)
    expect(o.nats!.connections!.filter((x) => x.host === 'dgx-2').every((x) => x.cid === null)).toBe(true);
  });

  it('a failed journal read is a null count with the error', () => {
    const o = toObservation(plan, cp({ journalFailed: 'tdd-expert@dgx-3' }));
    expect(o.errors!.find((e) => e.agent === 'tdd-expert' && e.host === 'dgx-3')).toEqual({ host: 'dgx-3', agent: 'tdd-expert', role: 'test', count: null, error: expect.stringContaining('Failed to open journal') });
  });

  it('NATS unreachable: reachable false, messages null with the error, probes with an error and nothing sent, sampling an error, no subscriptions', () => {
    const o = toObservation(plan, cp({ natsDown: true })) as CheckpointObservation;
    expect(o.nats).toMatchObject({ reachable: false, error: expect.stringContaining('NATS unreachable') });
    expect(o.nats!.connections).toBeUndefined();
    expect(o.messages!.every((m) => m.messages === null && /unreachable/.test(m.error ?? ''))).toBe(true);
    expect(o.probes).toHaveLength(4);
    for (const p of o.probes) expect(p).toMatchObject({ sent: 0, received: 0, p50: null, p99: null, samples: 0, error: expect.stringContaining('cannot connect') });
    expect(o.sampling).toMatchObject({ complete: false, error: expect.stringContaining('cannot connect') });
    expect(o.subscriptions).toBeNull();
  });

  it('a checkpoint without sampling has sampling null (not run), not zeros', () => {
    const o = toObservation(plan, cp({ noSampling: true })) as CheckpointObservation;
    expect(o.sampling).toBeNull();
  });

  it('probe losses are timeouts; sent counts only judged requests', () => {
    const o = toObservation(plan, cp({ lost: 3 }));
    expect(o.probes.find((p) => p.agent === 'network-expert')).toMatchObject({ sent: 100, received: 97, timeouts: 3 });
  });

  it('latencies come back from the encoded histogram (µs resolution, 3 significant digits)', () => {
    const values = latencies(500, 1.5, 3);
    const r = new MsRecorder();
    for (const v of values) r.record(v);
    const back = latenciesFromHistogram(r.summary({ includeHistogram: true }).histogram)!;
    expect(back).toHaveLength(500);
    const sorted = [...values].sort((a, b) => a - b);
    back.forEach((v, i) => expect(Math.abs(v - sorted[i])).toBeLessThanOrEqual(Math.max(0.001, sorted[i] * 0.001)));
    expect(latenciesFromHistogram(undefined)).toBeNull();
    expect(latenciesFromHistogram('not a histogram')).toBeNull();
    expect(toObservation(plan, cp(), null, { latencies: false }).probes.every((p) => p.latenciesMs === undefined)).toBe(true);
  });
});

describe('toMonitorSample', () => {
  it('per instance state, memory, CPU, errors, messages and restarts; per agent the probe; per host the resources', () => {
    const s = toMonitorSample(plan, prevTick(), makeCollection(plan, { kind: 'tick', seq: 10, atMs: 50 * MIN, sinceMs: 45 * MIN, cpuSeconds: 130 }));
    expect(s).toMatchObject({ at: new Date(START + 55 * MIN).toISOString(), windowMs: 5 * MIN, natsReachable: true });
    expect(s.agents).toHaveLength(12);
    expect(s.agents[0]).toEqual({ agent: 'network-expert', host: 'dgx-1', role: 'test', active: true, memoryBytes: 208 * 1024 * 1024, cpuPct: expect.any(Number), errors: 0, messages: 2000, restarts: 0 });
    expect(s.probes).toHaveLength(4);
    expect(s.hosts).toHaveLength(3);
  });

  it('missing data is null: no previous sample, an unreachable host, NATS down', () => {
    const s = toMonitorSample(plan, makeCollection(plan, { kind: 'tick', seq: 3, atMs: 15 * MIN, sinceMs: 10 * MIN, faults: { unreachableHost: 'dgx-3', natsDown: true } }));
    expect(s.natsReachable).toBe(false);
    const down = s.agents.filter((a) => a.host === 'dgx-3');
    expect(down.every((a) => a.active === null && a.memoryBytes === null && a.errors === null && a.messages === null && a.restarts === null)).toBe(true);
    expect(s.agents.every((a) => a.cpuPct === null && a.restarts === null && a.messages === null)).toBe(true);
    expect(s.hosts.find((h) => h.host === 'dgx-3')).toEqual({ host: 'dgx-3', reachable: false, load1: null, memoryUsedPct: null, diskUsedPct: null });
    expect(s.probes.every((p) => p.sent === 0 && p.p50Ms === null)).toBe(true);
  });
});

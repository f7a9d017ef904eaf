// collectWave over fake sources (no servers): the order of the stages, which sources each kind of
// collection runs, the carry handed in and returned, and a failing source recorded as missing.
import { collectWave, EMPTY_CARRY, type Carry, type CollectionKind } from '../../src/collect/wave-collection';
import { sourcesFor } from '../../src/collect/sources';
import type { SshPool } from '../../src/collect/hosts/ssh-pool';
import type { FakeSource } from '../../src/collect/fake-source';
import type { SourceName } from '../../src/collect/source';
import { fakeHosts } from '../../src/collect/sources/hosts/fake';
import { fakeNatsServer } from '../../src/collect/sources/nats-server/fake';
import { fakeNatsHealth } from '../../src/collect/sources/nats-health/fake';
import { fakeProbes } from '../../src/collect/sources/probes/fake';
import { fakeSampling } from '../../src/collect/sources/sampling/fake';
import type { ServerSnapshot } from '../../src/collect/nats/server';
import { makeCollection, wave2Plan } from '../observe/fixtures';
import { gapsOf } from '../../src/observe/gaps';

const plan = wave2Plan();
const crafted = makeCollection(plan, { kind: 'checkpoint', name: 'T+1h', seq: 12, atMs: 3_600_000, sinceMs: 3_300_000, withBaseline: true });
const snapshot = (at: string): ServerSnapshot => ({ ...(crafted.server!.snapshot as ServerSnapshot), at });
const carryIn: Carry = { cursors: { 'dgx-1/network-expert': 's=old', 'dgx-2/qa-expert': 's=kept' }, server: snapshot('2026-01-23T12:55:00.000Z') };

/** Fakes answering the crafted checkpoint's results, each taking `delayMs`. */
function fakes(delayMs = 25, fail: Partial<Record<SourceName, Error>> = {}) {
  return {
    probes: fakeProbes(fail.probes ?? { result: crafted.probes! }, delayMs),
    hosts: fakeHosts(fail.hosts ?? { result: crafted.hosts!, carry: { cursors: { ...carryIn.cursors, 'dgx-1/network-expert': 's=new' } } }, delayMs),
    sampling: fakeSampling(fail.sampling ?? { result: crafted.sampling! }, delayMs),
    health: fakeNatsHealth(fail.health ?? { result: crafted.health! }, delayMs),
    server: fakeNatsServer(fail.server ?? { result: crafted.server!, carry: { server: snapshot('2026-01-23T13:00:00.000Z') } }, delayMs),
  };
}

async function run(kind: CollectionKind, f = fakes(), carry: Carry = carryIn, progress: string[] = []) {
  // Listed out of stage order on purpose: the stages, not the list, decide the order.
  const sources = [f.server, f.health, f.sampling, f.hosts, f.probes];
  return collectWave(plan, { kind, seq: 3, sources, carry, sinceMs: 1000, samplingWindowMs: 5000, probeRatePerSecond: 50, attempt: 2, onProgress: (w) => progress.push(w) });
}

const span = (s: FakeSource<SourceName>) => {
  expect(s.calls).toHaveLength(1);
  return { start: s.calls[0].startedAt, end: s.calls[0].finishedAt! };
};

describe('collectWave over fake sources', () => {
  it('works on a crafted checkpoint with every source present', () => {
    for (const n of ['probes', 'hosts', 'sampling', 'health', 'server'] as const) expect(crafted[n]).not.toBeNull();
  });

  it('runs probes alone first, hosts, sampling and health together, server counters last', async () => {
    const f = fakes();
    await run('checkpoint', f);
    const [probes, hosts, sampling, health, server] = [f.probes, f.hosts, f.sampling, f.health, f.server].map(span);
    for (const s of [hosts, sampling, health, server]) expect(s.start).toBeGreaterThanOrEqual(probes.end);
    // beside each other: each started before any of them finished
    const besideEnds = Math.min(hosts.end, sampling.end, health.end);
    for (const s of [hosts, sampling, health]) expect(s.start).toBeLessThan(besideEnds);
    expect(server.start).toBeGreaterThanOrEqual(Math.max(hosts.end, sampling.end, health.end));
  });

  it.each([
    ['baseline', ['probes', 'health', 'server'], ['hosts', 'sampling']],
    ['tick', ['probes', 'hosts', 'health', 'server'], ['sampling']],
    ['checkpoint', ['probes', 'hosts', 'sampling', 'health', 'server'], []],
  ] as const)('a %s runs %j and leaves %j out (null)', async (kind, ran, left) => {
    const f = fakes(0);
    const { collection } = await run(kind, f);
    for (const n of ran) {
      expect(f[n].calls).toHaveLength(1);
      expect(collection[n]).toBe(crafted[n]);
    }
    for (const n of left) {
      expect(f[n].calls).toHaveLength(0);
      expect(collection[n]).toBeNull();
    }
    expect(collection).toMatchObject({ kind, seq: 3, windowStart: 1000, missing: [] });
  });

  it('hands every source the same context and the previous carry, and returns the carry the sources gave back', async () => {
    const f = fakes(0);
    const { carry } = await run('checkpoint', f);
    for (const s of Object.values(f)) {
      const ctx = s.calls[0].ctx;
      expect(ctx).toMatchObject({ kind: 'checkpoint', sinceMs: 1000, samplingWindowMs: 5000, probeRatePerSecond: 50, attempt: 2 });
      expect(ctx.carry).toEqual(carryIn);
    }
    expect(carry.cursors).toEqual({ 'dgx-1/network-expert': 's=new', 'dgx-2/qa-expert': 's=kept' });
    expect(carry.server?.at).toBe('2026-01-23T13:00:00.000Z');
    expect(carryIn.cursors['dgx-1/network-expert']).toBe('s=old'); // the input is not changed
  });

  it('keeps the carry of a source that did not run or returned none', async () => {
    const f = fakes(0);
    const { carry } = await run('baseline', f, { cursors: { 'dgx-1/network-expert': 's=old' }, server: null });
    expect(carry.cursors).toEqual({ 'dgx-1/network-expert': 's=old' }); // hosts do not run at T+0
    expect(carry.server?.at).toBe('2026-01-23T13:00:00.000Z');
    const first = await run('tick', fakes(0), EMPTY_CARRY);
    expect(Object.keys(first.carry.cursors)).toHaveLength(2);
  });

  it('records a failing source as missing (null and why) while the others still return', async () => {
    const progress: string[] = [];
    const f = fakes(10, { hosts: new Error('ssh pool is closed') });
    const { collection, carry } = await run('checkpoint', f, carryIn, progress);
    expect(collection.hosts).toBeNull();
    expect(collection.missing).toEqual([{ source: 'hosts', error: 'ssh pool is closed' }]);
    for (const n of ['probes', 'sampling', 'health', 'server'] as const) expect(collection[n]).toBe(crafted[n]);
    expect(progress).toContain('hosts failed: ssh pool is closed');
    // the reason reaches the checkpoint record's gaps, beside what is missing
    expect(gapsOf(plan, collection)).toEqual(expect.arrayContaining(['hosts failed: ssh pool is closed', 'hosts not collected']));
    // the failed source's carry stays as it was: the next collection reads the journal from the old cursors
    expect(carry.cursors).toEqual(carryIn.cursors);
    expect(carry.server?.at).toBe('2026-01-23T13:00:00.000Z');
  });

  it('a failing first source does not stop the ones after it', async () => {
    const f = fakes(0, { probes: new Error('cannot connect'), server: new Error('boom') });
    const { collection, carry } = await run('tick', f);
    expect(collection.missing.map((m) => m.source).sort()).toEqual(['probes', 'server']);
    expect(collection.hosts).toBe(crafted.hosts);
    expect(collection.health).toBe(crafted.health);
    expect(carry.server).toEqual(carryIn.server);
  });

  it('a cancelled collection fails as cancelled: nothing is recorded as a missing source', async () => {
    const ac = new AbortController();
    const aborted = new Error('The operation was aborted');
    const f = fakes(0, { hosts: aborted });
    const sources = [f.server, f.health, f.sampling, f.hosts, f.probes];
    ac.abort();
    await expect(collectWave(plan, { kind: 'tick', seq: 3, sources, carry: carryIn, sinceMs: 1000, signal: ac.signal })).rejects.toBe(aborted);
  });
});

describe('sourcesFor', () => {
  it('builds every source of the plan, with the SSH pool of its fleet, without connecting anything', () => {
    const asked: unknown[] = [];
    const pool = {} as SshPool;
    const sources = sourcesFor(plan, { ssh: { forPlan: (p) => (asked.push(p), pool) } });
    expect(sources.map((s) => [s.name, s.stage, [...s.kinds]])).toEqual([
      ['probes', 'alone', ['baseline', 'tick', 'checkpoint']],
      ['hosts', 'beside', ['tick', 'checkpoint']],
      ['sampling', 'beside', ['checkpoint']],
      ['health', 'beside', ['baseline', 'tick', 'checkpoint']],
      ['server', 'after', ['baseline', 'tick', 'checkpoint']],
    ]);
    expect(asked).toEqual([plan]);
  });
});

// Pure parts on crafted data: subjects, pairing, distributions, server statistics.
import { wildcardPart, fillPattern, subscriptionWithin, agentConnectionName } from '../../src/collect/nats/subjects';
import { pairObservations, round2, type Observation } from '../../src/collect/nats/pairing';
import { summarizeMs, MsRecorder } from '../../src/collect/nats/stats';
import { computeServerStats, parseGoDuration, type ConnzEntry, type ServerSnapshot } from '../../src/collect/nats/server';
import { mergeLatency } from '../../src/collect/nats/probes';
import { resolveCredentialsPath, waveConnectionName } from '../../src/collect/nats/connect';
import { attributeAgent } from '../../src/collect/nats/sampler';
import { testPlan } from './helpers';

const plan = testPlan('nats://127.0.0.1:1', 'http://127.0.0.1:2');

describe('subjects', () => {
  test('wildcard part, fill, match', () => {
    expect(wildcardPart('cim-agent.>', 'cim-agent.network-expert.heartbeat')).toBe('network-expert.heartbeat');
    expect(wildcardPart('cim.agent.>', 'cim-agent.x')).toBeNull();
    expect(wildcardPart('cim.agent.>', 'cim.agent')).toBeNull();
    expect(wildcardPart('a.*.c', 'a.b.c')).toBe('b');
    expect(wildcardPart('a.*.c', 'a.b.c.d')).toBeNull();
    expect(wildcardPart('a.*.>', 'a.b.c.d')).toBe('b.c.d');
    expect(fillPattern('cim.agent.>', 'x.y')).toBe('cim.agent.x.y');
    expect(fillPattern('a.*.events.>', 'x.y.z')).toBe('a.x.events.y.z');
    expect(agentConnectionName('{agent}@{host}', 'dgx-1', 'nix-expert')).toBe('nix-expert@dgx-1');
  });
  test('subscription within a pattern', () => {
    expect(subscriptionWithin('cim-agent.>', 'cim-agent.>')).toBe(true);
    expect(subscriptionWithin('cim-agent.network-expert.>', 'cim-agent.>')).toBe(true);
    expect(subscriptionWithin('cim-agent.*.status', 'cim-agent.>')).toBe(true);
    expect(subscriptionWithin('cim-agent', 'cim-agent.>')).toBe(false);
    expect(subscriptionWithin('>', 'cim-agent.>')).toBe(false);
    expect(subscriptionWithin('cim.*.x', 'cim.agent.>')).toBe(false);
    expect(subscriptionWithin('cim.agent.>', 'cim-agent.>')).toBe(false);
  });
});

describe('dual-publish pairing', () => {
  const o = (pattern: 'legacy' | 'unified', t: number, id: string, suffix = 'a.heartbeat', agent: string | null = 'a'): Observation => ({ pattern, t, id, suffix, agent });
  const opts = { start: 1000, end: 11_000, skewMs: 100, graceMs: 200 };

  test('pairs by suffix + id within the skew; unpaired per pattern and agent; skew distribution', () => {
    const obs: Observation[] = [
      o('legacy', 2000, '1'), o('unified', 2003, '1'), // paired, skew 3
      o('legacy', 3000, '2'), o('unified', 3050, '2', 'a.other'), // different suffix: both unpaired
      o('unified', 4000, '3'), o('legacy', 4010, '3'), // unified first, skew 10
      o('legacy', 5000, '4'), o('unified', 5150, '4'), // beyond skew: both unpaired
      o('legacy', 6000, '5', 'b.heartbeat', 'b'), // only legacy: unpaired for b
    ];
    const r = pairObservations(obs, opts);
    expect(r.paired).toBe(2);
    expect(r.unpaired).toEqual({ legacy: 3, unified: 2 });
    expect(r.events).toBe(7);
    expect(r.pairedPct).toBe(round2((2 / 7) * 100));
    expect(r.perAgent.a).toEqual({ paired: 2, unpairedLegacy: 2, unpairedUnified: 2, pairedPct: 33.33 });
    expect(r.perAgent.b).toEqual({ paired: 0, unpairedLegacy: 1, unpairedUnified: 0, pairedPct: 0 });
    expect(r.skew.count).toBe(2);
    expect(r.skew.max).toBeCloseTo(10, 1);
    expect(r.skew.p50).toBeCloseTo(3, 1);
    expect(r.legacyFirst).toBe(1);
    expect(r.unifiedFirst).toBe(1);
  });

  test('twins in the lead-in and the grace period count; strangers there do not', () => {
    const r = pairObservations([
      o('legacy', 950, 'lead'), o('unified', 1010, 'lead'), // twin in lead-in: paired, counted once
      o('legacy', 960, 'leadonly'), // lead-in alone: not counted
      o('legacy', 10_990, 'end'), o('unified', 11_050, 'end'), // twin in grace: paired
      o('unified', 11_100, 'new'), // new in grace: ignored
      o('legacy', 12_000, 'late'), // after grace: ignored
    ], opts);
    expect(r).toMatchObject({ paired: 2, events: 2, unpaired: { legacy: 0, unified: 0 }, pairedOutsideWindow: 2, pairedPct: 100 });
  });

  test('duplicates pair one-to-one; no data is null with a note, never 0', () => {
    const r = pairObservations([o('legacy', 2000, 'x'), o('legacy', 2001, 'x'), o('unified', 2002, 'x')], opts);
    expect(r).toMatchObject({ paired: 1, unpaired: { legacy: 1, unified: 0 } });
    const none = pairObservations([], opts);
    expect(none.pairedPct).toBeNull();
    expect(none.note).toMatch(/no messages/);
    expect(none.skew.p50).toBeNull();
  });

  test('99.996 % is not rounded up to 100', () => {
    expect(round2(99.996)).toBe(99.99);
    expect(round2(100)).toBe(100);
  });

  test('many events: expiry keeps pending bounded and counts exactly', () => {
    const obs: Observation[] = [];
    for (let i = 0; i < 20_000; i++) {
      const t = 1000 + i * 0.4;
      obs.push(o('legacy', t, `m${i}`));
      if (i % 100 !== 0) obs.push(o('unified', t + 5, `m${i}`));
    }
    const r = pairObservations(obs, opts);
    expect(r.paired).toBe(19_800);
    expect(r.unpaired).toEqual({ legacy: 200, unified: 0 });
    expect(r.pairedPct).toBe(99);
  });
});

describe('distributions', () => {
  test('percentiles with counts; p99.9 flagged under 1000 samples; empty is null', () => {
    const s = summarizeMs(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(s.count).toBe(100);
    expect(s.p50).toBeCloseTo(50, 0);
    expect(s.p99).toBeCloseTo(99, 0);
    expect(s.max).toBeCloseTo(100, 0);
    expect(s.mean).toBeCloseTo(50.5, 1);
    expect(s.p999Reliable).toBe(false);
    expect(s.note).toMatch(/100 samples/);
    const big = summarizeMs(Array.from({ length: 2000 }, () => 1));
    expect(big.p999Reliable).toBe(true);
    const e = summarizeMs([]);
    expect(e).toMatchObject({ count: 0, p50: null, mean: null });
  });
  test('merging encoded histograms is exact in counts', () => {
    const a = new MsRecorder();
    const b = new MsRecorder();
    for (let i = 0; i < 10; i++) a.record(1);
    for (let i = 0; i < 30; i++) b.record(10);
    const m = mergeLatency([{ latency: a.summary({ includeHistogram: true }) }, { latency: b.summary({ includeHistogram: true }) }]);
    expect(m.count).toBe(40);
    expect(m.p50).toBeCloseTo(10, 1);
    expect(m.min).toBeCloseTo(1, 1);
  });
});

describe('server statistics', () => {
  const conn = (cid: number, name: string, inMsgs: number, outMsgs: number, subs: string[] = ['cim-agent.>', 'cim.agent.>']): ConnzEntry => ({ cid, name, in_msgs: inMsgs, out_msgs: outMsgs, rtt: '1.5ms', subscriptions_list: subs });
  const allConns = (base: number, cidOffset = 0): ConnzEntry[] => {
    const out: ConnzEntry[] = [];
    let cid = 1 + cidOffset;
    for (const h of ['dgx-1', 'dgx-2', 'dgx-3'])
      for (const a of ['network-expert', 'tdd-expert', 'nix-expert', 'qa-expert']) out.push(conn(cid++, `${a}@${h}`, base, base * 2));
    return out;
  };
  const varz = { server_id: 'S1', start: '2026-01-01T00:00:00Z', version: '2.9.10', connections: 13, slow_consumers: 0 };

  test('first collection: connections per agent, dual subscription, no deltas yet', () => {
    const conns = allConns(10);
    conns[0].subscriptions_list = ['cim-agent.>', 'agent.to.network-expert.from.test.question']; // network-expert@dgx-1: legacy only
    const r = computeServerStats({ plan, monitoringUrl: 'x', at: new Date(), varz, connz: [...conns, conn(99, 'wavewatch:w:sampler', 0, 0)], closed: [], previous: null, healthy: true });
    expect(r.connections).toMatchObject({ agentsExpected: 12, agentsPresent: 12, missing: [] });
    expect(r.instances.find((i) => i.connectionName === 'network-expert@dgx-1')).toMatchObject({ subscribesLegacy: true, subscribesUnified: false, dualSubscribed: false, rttMs: 1.5 });
    expect(r.dualSubscriptionPct).toBe(round2((5 / 6) * 100)); // 6 instances under test
    expect(r.perAgent['network-expert']).toMatchObject({ expected: 3, present: 3, handled: null });
    expect(r.connectionDrops).toBeNull();
    expect(r.notes.join(' ')).toMatch(/first collection/);
  });

  test('deltas between collections; a new cid resets the baseline; closed connections complete it', () => {
    const first = computeServerStats({ plan, monitoringUrl: 'x', at: new Date(), varz, connz: allConns(10), closed: [], previous: null, healthy: true });
    const prev = first.snapshot as ServerSnapshot;
    const now = allConns(15);
    // tdd-expert@dgx-1 (cid 2) crashed: closed with final counters 12/24, replaced by cid 50 with 3/4
    const idx = now.findIndex((c) => c.name === 'tdd-expert@dgx-1');
    now[idx] = conn(50, 'tdd-expert@dgx-1', 3, 4);
    // qa-expert@dgx-3 (cid 12) is gone and the server forgot it
    const gone = now.findIndex((c) => c.name === 'qa-expert@dgx-3');
    now.splice(gone, 1);
    const r = computeServerStats({ plan, monitoringUrl: 'x', at: new Date(), varz, connz: now, closed: [{ ...conn(2, 'tdd-expert@dgx-1', 12, 24), reason: 'Client Closed' }], previous: prev, healthy: true });
    const ne = r.instances.find((i) => i.connectionName === 'network-expert@dgx-1')!;
    expect(ne.delta).toEqual({ inMsgs: 5, outMsgs: 10, handled: 15, reset: false, partial: false });
    const td = r.instances.find((i) => i.connectionName === 'tdd-expert@dgx-1')!;
    expect(td.delta).toEqual({ inMsgs: 2 + 3, outMsgs: 4 + 4, handled: 13, reset: true, partial: false });
    expect(td.dropped).toBe(1);
    const qa = r.instances.find((i) => i.connectionName === 'qa-expert@dgx-3')!;
    expect(qa.present).toBe(false);
    expect(qa.delta).toMatchObject({ handled: 0, partial: true });
    expect(r.connectionDrops).toBe(1); // under test only
    expect(r.perAgent['tdd-expert'].handled).toBe(13 + 15 + 15);
    expect(r.connections!.missing).toEqual(['qa-expert@dgx-3']);
  });

  test('a server restart resets every baseline', () => {
    const first = computeServerStats({ plan, monitoringUrl: 'x', at: new Date(), varz, connz: allConns(100), closed: [], previous: null, healthy: true });
    const r = computeServerStats({ plan, monitoringUrl: 'x', at: new Date(), varz: { ...varz, server_id: 'S2' }, connz: allConns(3), closed: [], previous: first.snapshot, healthy: true });
    expect(r.server!.restarted).toBe(true);
    expect(r.instances[0].delta).toMatchObject({ inMsgs: 3, outMsgs: 6, reset: true, partial: true });
  });

  test('go durations', () => {
    expect(parseGoDuration('1.518568ms')).toBeCloseTo(1.519, 3);
    expect(parseGoDuration('350µs')).toBeCloseTo(0.35, 3);
    expect(parseGoDuration('1m2s')).toBe(62_000);
    expect(parseGoDuration(undefined)).toBeNull();
  });
});

describe('connection naming and credentials', () => {
  test('named for the wave; credentials path from plan, env var name, or WAVEWATCH_NATS_CREDS', () => {
    expect(waveConnectionName(plan, 'sampler')).toBe('wavewatch:wave2-local:sampler');
    expect(resolveCredentialsPath(plan, {})).toBeNull();
    expect(resolveCredentialsPath(plan, { WAVEWATCH_NATS_CREDS: '/x/y.creds' })).toBe('/x/y.creds');
    const p2 = testPlan('nats://127.0.0.1:1', 'http://127.0.0.1:2', (p) => (p.nats.credentialsFile = 'NATS_CREDS'));
    expect(resolveCredentialsPath(p2, { NATS_CREDS: '/secret/path.creds' })).toBe('/secret/path.creds');
    expect(() => resolveCredentialsPath(p2, {})).toThrow(/NATS_CREDS/);
    const p3 = testPlan('nats://127.0.0.1:1', 'http://127.0.0.1:2', (p) => (p.nats.credentialsFile = './my.creds'));
    expect(resolveCredentialsPath(p3, {})).toBe('./my.creds');
  });
  test('agent attribution', () => {
    const agents = new Set(['network-expert', 'tdd-expert']);
    expect(attributeAgent('network-expert.heartbeat', agents, undefined)).toBe('network-expert');
    expect(attributeAgent('events.tdd-expert.done', agents, undefined)).toBe('tdd-expert');
    expect(attributeAgent('events.x', agents, { agent: 'nix-expert' })).toBe('nix-expert');
    expect(attributeAgent('events.x', agents, 'str')).toBeNull();
  });
});

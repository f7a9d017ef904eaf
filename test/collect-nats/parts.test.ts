// The pure pieces the NATS collectors were split into, each alone on crafted data: message deltas
// between snapshots, a probe's and a run's summary, the sampling window's accounting, its
// completeness and the payload checks.
import { messageDelta, serverRestarted, takeSnapshot, type ServerSnapshot } from '../../src/collect/nats/server/deltas';
import type { ConnzEntry } from '../../src/collect/nats/server/endpoint';
import { summariseProbe, summariseRun, unreachableRun, type ProbeTally } from '../../src/collect/nats/probes/summary';
import { MsRecorder } from '../../src/collect/nats/stats';
import { SamplingWindow } from '../../src/collect/nats/sampler/window';
import { windowCompleteness } from '../../src/collect/nats/sampler/completeness';
import { checkPayload, messageId } from '../../src/collect/nats/sampler/payload';

const conn = (cid: number, name: string, inMsgs: number, outMsgs: number): ConnzEntry => ({ cid, name, in_msgs: inMsgs, out_msgs: outMsgs });
const text = (s: string) => ({ data: Buffer.from(s), string: () => s });

describe('server deltas', () => {
  const none = new Map<number, ConnzEntry>();
  test('a known cid gives the difference; a new cid counts whole and resets the baseline', () => {
    const before = [{ cid: 1, inMsgs: 10, outMsgs: 20 }];
    expect(messageDelta({ name: 'a@h', conns: [conn(1, 'a@h', 15, 30)], before, closedByCid: none, restarted: false })).toEqual({
      delta: { inMsgs: 5, outMsgs: 10, handled: 15, reset: false, partial: false },
      dropped: 0,
    });
    expect(messageDelta({ name: 'a@h', conns: [conn(2, 'a@h', 3, 4)], before, closedByCid: none, restarted: false })).toEqual({
      delta: { inMsgs: 3, outMsgs: 4, handled: 7, reset: true, partial: true },
      dropped: 1,
    });
  });
  test('a closed connection is finished from its final counters; none before or now is no delta', () => {
    const before = [{ cid: 1, inMsgs: 10, outMsgs: 20 }];
    const closed = new Map([[1, conn(1, 'a@h', 12, 25)]]);
    expect(messageDelta({ name: 'a@h', conns: [], before, closedByCid: closed, restarted: false }).delta).toEqual({ inMsgs: 2, outMsgs: 5, handled: 7, reset: true, partial: false });
    expect(messageDelta({ name: 'a@h', conns: [], before: [], closedByCid: none, restarted: false })).toEqual({ delta: null, dropped: 0 });
  });
  test('a restart drops the baseline: counts since the restart, closed counters ignored', () => {
    const before = [{ cid: 1, inMsgs: 10, outMsgs: 20 }];
    const r = messageDelta({ name: 'a@h', conns: [conn(1, 'a@h', 3, 4)], before, closedByCid: new Map([[1, conn(1, 'a@h', 99, 99)]]), restarted: true });
    expect(r).toEqual({ delta: { inMsgs: 3, outMsgs: 4, handled: 7, reset: true, partial: true }, dropped: 1 });
  });
  test('restart detection and the snapshot', () => {
    const prev: ServerSnapshot = { at: 'x', serverId: 'S1', serverStart: 't1', connections: {}, slowConsumers: 0 };
    expect(serverRestarted(null, 'S2', 't2')).toBe(false);
    expect(serverRestarted(prev, 'S1', 't1')).toBe(false);
    expect(serverRestarted(prev, 'S2', 't1')).toBe(true);
    expect(serverRestarted(prev, 'S1', 't2')).toBe(true);
    const snap = takeSnapshot({ at: new Date(0), serverId: 'S1', serverStart: 't1', names: ['a@h', 'b@h'], byName: new Map([['a@h', [conn(1, 'a@h', 1, 2)]]]), slowConsumers: 3 });
    expect(snap.connections).toEqual({ 'a@h': [{ cid: 1, inMsgs: 1, outMsgs: 2 }], 'b@h': [] });
    expect(snap.slowConsumers).toBe(3);
  });
});

describe('probe summaries', () => {
  const tally = (t: Partial<ProbeTally>): ProbeTally => ({ reply: 0, timeout: 0, noResponders: 0, connection: 0, other: 0, corrupt: 0, ...t });
  const run = (t: Partial<ProbeTally>, extra: { cancelled?: boolean; disconnects?: number; sent?: number; role?: 'test' | 'control' } = {}) => {
    const latency = new MsRecorder();
    for (let i = 0; i < (t.reply ?? 0); i++) latency.record(2 + i);
    return summariseProbe({
      agent: 'a',
      role: extra.role ?? 'test',
      subject: 's',
      startedAt: new Date(0),
      planned: 10,
      sent: extra.sent ?? 10,
      tally: tally(t),
      latency,
      sendLag: new MsRecorder(),
      plannedRatePerSecond: 10,
      throughputPerSecond: null,
      burst: null,
      durationMs: 1000,
      cancelled: extra.cancelled ?? false,
      disconnects: extra.disconnects ?? 0,
    });
  };
  test('delivery counts timeouts and no-responders as losses, not connection errors', () => {
    const r = run({ reply: 8, timeout: 1, noResponders: 1 });
    expect([r.lossCount, r.deliveryPct, r.complete, r.fault]).toEqual([2, 80, true, null]);
    const c = run({ reply: 8, connection: 2 });
    expect([c.lossCount, c.deliveryPct, c.complete, c.fault?.kind]).toEqual([0, 100, false, 'nats-disconnected']);
  });
  test('cancelled outranks a disconnect; nothing judged is no data', () => {
    expect(run({ reply: 3 }, { cancelled: true, disconnects: 1, sent: 3 }).fault).toEqual({ kind: 'cancelled', message: 'cancelled after 3 of 10 requests' });
    const none = run({ connection: 10 });
    expect(none.deliveryPct).toBeNull();
    expect(none.notes).toContain('no data: every request failed with the NATS connection');
  });
  test('the run sums the agents under test only and keeps the first fault', () => {
    const t = run({ reply: 9, timeout: 1 });
    const c = run({ reply: 5, timeout: 5 }, { role: 'control' });
    const r = summariseRun('tick', 'x', [c, t]);
    expect(r.underTest).toMatchObject({ sent: 10, replies: 9, lossCount: 1, deliveryPct: 90 });
    expect(r.underTest.latency.count).toBe(9);
    expect(r.complete).toBe(true);
    expect(unreachableRun('tick', 'x', 'no server')).toMatchObject({ agents: [], complete: false, fault: { kind: 'nats-unreachable', message: 'no server' } });
  });
});

describe('sampling window', () => {
  test('counts per pattern, caps subjects and the sample, tells empty and corrupt payloads', () => {
    const w = new SamplingWindow({ legacy: 'cim-agent.>', unified: 'cim.agent.*.events.>' }, { maxDistinctSubjects: 2, maxSample: 3 });
    expect(w.suffix('legacy', 'cim-agent.a.hb')).toBe('a.hb');
    expect(w.suffix('legacy', 'other.a')).toBeNull();
    expect(w.suffix('unified', 'cim.agent.a.events.x')).toBe('a.x');
    expect(w.count('legacy', { subject: 'cim-agent.a.hb', ...text('{"agent":"a"}') }, 10.4)).toEqual({ agent: 'a' });
    expect(w.count('legacy', { subject: 'cim-agent.b.hb', ...text('') }, 20)).toBeUndefined();
    expect(w.count('legacy', { subject: 'cim-agent.c.hb', ...text('not json') }, 30)).toBeUndefined();
    w.count('unified', { subject: 'cim.agent.a.events.x', ...text('{}') }, 40);
    expect([w.empty, w.corrupt, w.legacy.count, w.unified.count, w.legacy.capped, w.sample.length, w.sampleCapped]).toEqual([1, 1, 3, 1, true, 3, true]);
    expect(w.sample[0]).toEqual({ t: 10, pattern: 'legacy', subject: 'cim-agent.a.hb', size: 13 });
    const totals = w.totals(120_000, 1);
    expect(totals.total).toEqual({ count: 4, ratePerMinute: 2 });
    expect(totals.agentRefPct).toBe(25);
    expect(totals.patterns.legacy).toMatchObject({ sharePct: 75, uniqueSubjects: 2, subjectsCapped: true, subjects: [{ subject: 'cim-agent.a.hb', count: 1 }] });
    expect(new SamplingWindow({ legacy: 'a.>', unified: 'b.>' }, { maxDistinctSubjects: 1, maxSample: 1 }).totals(0, 5).agentRefPct).toBeNull();
  });
  test('completeness: the first fault wins, every reason is listed, server-side slow consumers are a note', () => {
    const base = { cancelled: false, measuredMs: 1000, windowMs: 1000, graceMs: 500, watch: { slowConsumer: false, disconnects: 0, reconnects: 0 }, closedAsSlowByServer: false, closedDuringWindow: false, lagMs: 10, serverSlowConsumersDelta: 0 };
    expect(windowCompleteness(base)).toEqual({ incompleteReasons: [], fault: null, notes: [] });
    const bad = windowCompleteness({ ...base, cancelled: true, measuredMs: 400.4, watch: { slowConsumer: true, disconnects: 1, reconnects: 0 }, lagMs: 600 });
    expect(bad.fault?.kind).toBe('cancelled');
    expect(bad.incompleteReasons).toHaveLength(4);
    expect(bad.incompleteReasons[0]).toBe('cancelled after 400 of 1000 ms');
    expect(windowCompleteness({ ...base, closedAsSlowByServer: true }).fault).toEqual({ kind: 'slow-consumer', message: 'the server closed the sampler connection as a slow consumer' });
    expect(windowCompleteness({ ...base, closedDuringWindow: true }).fault?.kind).toBe('nats-disconnected');
    expect(windowCompleteness({ ...base, serverSlowConsumersDelta: 2 }).notes).toEqual(["the server counted 2 slow consumer(s) during the window (not the sampler's connection)"]);
  });
  test('payload checks and message identity', () => {
    expect(checkPayload(text(''))).toEqual({ kind: 'empty' });
    expect(checkPayload(text('{'))).toEqual({ kind: 'corrupt' });
    expect(checkPayload(text('[1]'))).toEqual({ kind: 'json', payload: [1] });
    const headers = { get: (k: string) => (k === 'Nats-Msg-Id' ? 'id-1' : '') };
    expect(messageId({ data: Buffer.from('x'), headers } as never)).toBe('id-1');
    expect(messageId({ data: Buffer.from('x'), headers: { get: () => '' } } as never)).toBe(messageId({ data: Buffer.from('x'), headers: undefined }));
    expect(messageId({ data: Buffer.from('x'), headers: undefined })).toMatch(/^h:/);
  });
});

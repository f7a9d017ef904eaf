import { judgeHeadline } from '../../src/judge/headline';
import { toCheckpointRecord, toControlComparison, toFindings, toHeadline, errorEntryOf, errorLogOf, type CheckpointRecordContext } from '../../src/observe';
import type { CanaryJudgement } from '../../src/judge/canary-judge';
import { judgeCanary } from '../../src/judge/canary-judge';
import { comparisonMetrics } from '../../src/judge/comparison';
import { H, MIN, START, makeCollection, wave2Plan, type Faults } from './fixtures';

const plan = wave2Plan();
const judged = { verdict: 'PASS' as const, verdictReason: 'ok', criteria: [], headline: toHeadline(judgeHeadline([], {})), comparison: null, findings: [] };
const ctx = (extra: Partial<CheckpointRecordContext> = {}): CheckpointRecordContext => ({
  waveId: 'w-1', offsetMs: 6 * H, dueAt: new Date(START + 6 * H).toISOString(), collection: 0, alerts: [], operatorActions: [], ...extra,
});
const cp = (faults: Faults = {}, name = 'T+6h') => makeCollection(plan, { kind: 'checkpoint', name, seq: 72, atMs: 6 * H, sinceMs: 6 * H - 5 * MIN, cpuSeconds: 400, faults });
const prev = () => makeCollection(plan, { kind: 'tick', seq: 71, atMs: 6 * H - 5 * MIN, sinceMs: 6 * H - 10 * MIN, cpuSeconds: 397 });

describe('toCheckpointRecord', () => {
  it('uptime of a unit on a host whose clock is 5 minutes ahead is measured on the worker clock', () => {
    const c = cp();
    const a = c.hosts!.agents.find((x) => x.agent === 'network-expert' && x.host === 'dgx-1')!;
    a.activeEnterTimestamp = (a.activeEnterTimestamp as number) + 5 * MIN; // as the host prints it
    a.hostClock = { offsetMs: 5 * MIN + 3, errorMs: 20 };
    const ne = toCheckpointRecord(plan, c, judged, ctx({ previous: prev() })).agents.find((x) => x.agent === 'network-expert' && x.host === 'dgx-1')!;
    expect(ne.uptimeSeconds.value).toBe(Math.round((START + 6 * H - 2000 - (START - 10 * MIN)) / 1000));
  });

  it('fills the record from the collection: times, actions, agents, probes, NATS, hosts with GPUs and connections', () => {
    const r = toCheckpointRecord(plan, cp({ errors: 3 }), judged, ctx({ previous: prev(), collectionReason: undefined }));
    expect(r).toMatchObject({
      wave: 'wave2', waveId: 'w-1', checkpoint: 'T+6h', collection: 0, offsetMs: 6 * H,
      startedAt: new Date(START + 6 * H - 40_000).toISOString(), finishedAt: new Date(START + 6 * H).toISOString(), windowStart: new Date(START + 6 * H - 5 * MIN).toISOString(),
      actions: plan.checkpoints[1].actions, verdict: 'PASS',
    });
    expect('collectionReason' in r).toBe(false);
    const ne = r.agents.find((a) => a.agent === 'network-expert' && a.host === 'dgx-1')!;
    expect(ne).toMatchObject({
      role: 'test', cluster: 'infrastructure', unit: 'agent-runtime@network-expert',
      state: { active: 'active', sub: 'running', load: 'loaded' },
      activeSince: new Date(START - 10 * MIN).toISOString(),
      memoryBytes: { value: 208 * 1024 * 1024 },
      errors: { value: 3 }, messages: { value: 2000 }, errorRatePct: { value: 0.15, samples: 2000 },
    });
    expect(ne.uptimeSeconds.value).toBe(Math.round((START + 6 * H - 2000 - (START - 10 * MIN)) / 1000));
    expect(ne.cpuPct.value).toBeCloseTo(1, 3);
    expect(ne.errorTypes).toEqual([{ type: 'request <n> failed: error upstream timeout', count: 3, recurring: true, firstAt: expect.any(String), lastAt: expect.any(String), example: 'request 0 failed: error upstream timeout' }]);
    expect(r.agents.find((a) => a.agent === 'qa-expert')!.cluster).toBeNull();
    expect(r.probes).toHaveLength(4);
    expect(r.probes[0]).toMatchObject({ agent: 'network-expert', role: 'test', host: null, subject: 'agent.to.network-expert.from.test.question', sent: 100, received: 100, deliveryPct: { value: 100 } });
    expect(r.probes[0].p999Ms.reason).toMatch(/100 samples/);
    expect(r.nats).toMatchObject({
      sampled: true, windowMs: 5 * MIN, legacy: { pattern: 'cim-agent.>', messages: 600, uniqueSubjects: 4 }, unified: { pattern: 'cim.agent.>', messages: 600 },
      agentRefPct: { value: 50 }, dualPublishPct: { value: 100 }, pairing: { paired: 600, legacyOnly: 0, unifiedOnly: 0, pendingAtEnd: 0 },
      corruptPayloads: 0, connectionDrops: { value: 0 }, serverReachable: true, subjectsOmitted: 0,
    });
    expect(r.nats.topSubjects).toHaveLength(8);
    expect(r.nats.dualSubscription).toHaveLength(6);
    expect(r.nats.dualSubscription.every((d) => d.legacy && d.unified && d.connection)).toBe(true);
    const h = r.hosts[0];
    expect(h).toMatchObject({ host: 'dgx-1', reachable: true, load1: { value: 0.42 }, memory: { usedPct: { value: 41.41 } }, disk: { path: '/opt/cim-dgx', usedPct: { value: 40 } }, natsConnections: { value: 4 } });
    expect(h.gpus).toHaveLength(8);
    expect(h.gpus[0]).toEqual({ index: 0, name: 'NVIDIA A100-SXM4-80GB', utilizationPct: 35, memoryUsedPct: 25, temperatureC: 41, healthy: true });
    expect(h.network).toEqual([{ iface: 'eth0', rxBytesPerSec: expect.any(Number), txBytesPerSec: expect.any(Number) }]);
    expect(r.errorLog.entries).toHaveLength(3);
    expect(r.errorLog.entries[0]).toMatchObject({ host: 'dgx-1', agent: 'network-expert', role: 'test', priority: 3, message: 'request 0 failed: error upstream timeout' });
    expect(r.gaps).toEqual([]);
  });

  it('an unreachable host: readings null with the reason, the host unreachable, a gap', () => {
    const r = toCheckpointRecord(plan, cp({ unreachableHost: 'dgx-2' }), judged, ctx());
    for (const a of r.agents.filter((x) => x.host === 'dgx-2')) {
      expect(a.state).toEqual({ active: null, sub: null, load: null, reason: expect.stringContaining('ECONNREFUSED') });
      for (const k of ['uptimeSeconds', 'memoryBytes', 'cpuPct', 'errors', 'errorRatePct'] as const) expect(a[k]).toEqual({ value: null, reason: expect.any(String) });
    }
    const h = r.hosts.find((x) => x.host === 'dgx-2')!;
    expect(h).toMatchObject({ reachable: false, reason: expect.stringContaining('unreachable'), load1: { value: null }, gpus: [], natsConnections: { value: 0 } });
    expect(h.gpuReason).toMatch(/ECONNREFUSED/);
    expect(r.gaps).toContain('host dgx-2 unreachable: ssh dgx-2: connect ECONNREFUSED');
  });

  it('a failed journal read: errors null with the reason, no error rate, a gap', () => {
    const r = toCheckpointRecord(plan, cp({ journalFailed: 'tdd-expert@dgx-3' }), judged, ctx());
    const a = r.agents.find((x) => x.agent === 'tdd-expert' && x.host === 'dgx-3')!;
    expect(a.errors).toEqual({ value: null, reason: expect.stringContaining('Failed to open journal') });
    expect(a.errorRatePct.value).toBeNull();
    expect(r.gaps.some((g) => g.startsWith('tdd-expert@dgx-3: journal not read'))).toBe(true);
  });

  it('NATS unreachable and no sampling: messages, probes, NATS record null with reasons; gaps say so', () => {
    const r = toCheckpointRecord(plan, cp({ natsDown: true }), judged, ctx());
    expect(r.agents.every((a) => a.messages.value === null && a.errorRatePct.value === null)).toBe(true);
    expect(r.probes.every((p) => p.sent === 0 && p.deliveryPct.value === null && p.p50Ms.value === null)).toBe(true);
    expect(r.nats).toMatchObject({ sampled: false, serverReachable: false, legacy: null, pairing: null, agentRefPct: { value: null } });
    expect(r.nats.dualSubscription.every((d) => d.legacy === null && d.connection === null)).toBe(true);
    expect(r.hosts.every((h) => h.natsConnections.value === null)).toBe(true);
    expect(r.gaps.join('\n')).toMatch(/monitoring endpoint unreachable/);
    expect(r.gaps.join('\n')).toMatch(/probes: cannot connect/);
    const none = toCheckpointRecord(plan, cp({ noSampling: true }), judged, ctx());
    expect(none.nats).toMatchObject({ sampled: false, reason: 'NATS traffic not sampled at this collection', windowStart: null });
    expect(none.gaps).toContain('NATS traffic not sampled');
  });

  it('without history restarts and uptime say they rest on this collection only; a restart after the window start counts', () => {
    const c = cp();
    const a = c.hosts!.agents.find((x) => x.agent === 'tdd-expert' && x.host === 'dgx-2')!;
    a.activeEnterTimestamp = c.windowStart + 2 * MIN;
    a.nRestarts = 1;
    const r = toCheckpointRecord(plan, c, judged, ctx());
    const rec = r.agents.find((x) => x.agent === 'tdd-expert' && x.host === 'dgx-2')!;
    expect(rec.restarts.value).toBe(1);
    expect(rec.restarts.reason).toMatch(/this collection only/);
    expect(rec.uptimePct.value).toBeLessThan(100);
  });

  it('a manual collection not in the plan gets the manual actions, its re-collection number and reason', () => {
    const r = toCheckpointRecord(plan, cp({}, 'manual-1'), judged, ctx({ collection: 2, collectionReason: 'operator asked' }));
    expect(r).toMatchObject({ checkpoint: 'manual-1', collection: 2, collectionReason: 'operator asked' });
    expect(r.actions).toContain('probe');
  });

  it('the error log is capped; the rest are counted as omitted', () => {
    const c = cp({ errors: 30 });
    const log = errorLogOf(plan, c, 10);
    expect(log.entries).toHaveLength(10);
    expect(log.omitted).toBe(20);
    // an entry without a time is placed at its collection
    expect(errorEntryOf({ at: null, unit: 'agent-runtime@x', pid: null, priority: null, message: 'boom\nsecond' }, { host: 'dgx-1', agent: 'x', role: 'test', collectedAt: START })).toEqual({
      at: new Date(START).toISOString(), host: 'dgx-1', agent: 'x', role: 'test', priority: null, message: 'boom\nsecond',
    });
    expect(log.entries[0]).toMatchObject({ host: 'dgx-1', agent: 'network-expert', priority: 3, message: 'request 20 failed: error upstream timeout' });
  });
});

describe('toControlComparison and toFindings', () => {
  it('canary metrics become rows named as the report expects; a change with evidence is significant', () => {
    const cfg = comparisonMetrics(plan);
    const slow = Array.from({ length: 60 }, (_, i) => 30 + (i % 7));
    const fast = Array.from({ length: 60 }, (_, i) => 2 + (i % 7) * 0.1);
    const j: CanaryJudgement = judgeCanary([
      { config: cfg.latency, test: slow, control: fast },
      { config: cfg.errorRate, test: [0, 0], control: [0, 0] },
    ]);
    const c = toControlComparison(j)!;
    expect(c.rows.map((r) => r.metric)).toEqual(['latency_p50_ms', 'error_rate_pct']);
    expect(c.rows[0]).toMatchObject({ significant: true, method: expect.stringContaining('Mann-Whitney'), deltaPct: { value: expect.any(Number) } });
    expect(c.rows[0].pValue).toBeLessThan(0.02);
    expect(c.rows[1]).toMatchObject({ significant: null, method: 'none', pValue: null });
    expect(c.note).toMatch(/vetoed by latency_ms/);
    expect(toControlComparison(null)).toBeNull();
  });

  it('trends, anomalies, restarts and latency shifts become findings', () => {
    const f = toFindings({
      trends: {
        memory: [
          { instance: 'network-expert@dgx-1', points: 12, slopeBytesPerHour: 50 * 1024 * 1024, lowerBytesPerHour: 40 * 1024 * 1024, upperBytesPerHour: 60 * 1024 * 1024, confLevel: 0.98, confident: true, projectedExhaustionAt: START + 10 * H, leak: true, note: 'growing' },
          { instance: 'tdd-expert@dgx-1', points: 12, slopeBytesPerHour: 0, lowerBytesPerHour: -1, upperBytesPerHour: 1, confLevel: 0.98, confident: false, projectedExhaustionAt: null, leak: false, note: 'flat' },
        ],
        restarts: [], errors: [], errorSlopePerHour: { slope: 2, lower: 1, upper: 3, direction: 'degrading' }, memorySeries: {},
      },
      anomalies: [{ series: 'load1 dgx-2', at: START + H, value: 5, median: 0.4, z: 9, description: 'load1 dgx-2 5 …' }],
      restarts: [{ host: 'dgx-2', agent: 'tdd-expert', seenAt: START + 2 * H, count: 1, kind: 'restart', detail: 'NRestarts 0 → 1' }],
      latency: [{ agent: 'network-expert', from: 'T+1h', to: 'T+6h', samples: { from: 100, to: 100 }, shiftMs: 12, lowerMs: 10, upperMs: 14, pValue: 0.0001, significant: true }],
    });
    expect(f.map((x) => [x.kind, x.severity, x.scope])).toEqual([
      ['leak', 'critical', 'network-expert@dgx-1'],
      ['trend', 'warning', 'wave'],
      ['anomaly', 'warning', 'dgx-2'],
      ['restart', 'critical', 'tdd-expert@dgx-2'],
      ['degradation', 'warning', 'network-expert'],
    ]);
    expect(f[0].at).toBe(new Date(START + 10 * H).toISOString());
  });
});

// Realistic records for a Wave 2 run over plans/wave2.yaml (3 hosts × 2 agents under test + 2 control).
import { loadPlan } from '../../src/plan/load';
import type { Plan } from '../../src/plan/schema';
import type { AgentInstanceRecord } from '../../src/artifacts/records/agents';
import type { CheckpointRecord } from '../../src/artifacts/records/checkpoint';
import type { CriterionResult } from '../../src/artifacts/records/judgement';
import type { HostRecord } from '../../src/artifacts/records/hosts';
import type { MonitorSample } from '../../src/artifacts/records/monitor';
import type { ProbeRecord } from '../../src/artifacts/records/nats';
import type { Reading } from '../../src/artifacts/records/common';
import type { WaveRecord } from '../../src/artifacts/records/wave';
import { evaluateRule } from '../../src/judge/rules';
import { checkpointVerdict, checkpointVerdictReason } from '../../src/judge/verdict';
import { judgeHeadline } from '../../src/judge/headline';
import { toHeadline } from '../../src/observe/headline';

export const START = '2026-01-23T12:10:00.000Z';
const H = 3_600_000;
const MIB = 1024 * 1024;

export function wave2Plan(): Plan {
  return loadPlan(`${__dirname}/../../plans/wave2.yaml`);
}

const r = (value: number | null, reason = 'not collected', samples?: number): Reading =>
  value === null ? { value: null, reason, ...(samples !== undefined ? { samples } : {}) } : { value, ...(samples !== undefined ? { samples } : {}) };

export interface Faults {
  /** host whose SSH collection failed */
  unreachableHost?: string;
  /** extra errors on network-expert@dgx-1 */
  errors?: number;
  /** restarts of tdd-expert@dgx-2 */
  restarts?: number;
  /** added latency, ms */
  latencyMs?: number;
  /** probe losses of network-expert */
  lost?: number;
}

function at(ms: number): string {
  return new Date(Date.parse(START) + ms).toISOString();
}

export function makeRecord(plan: Plan, name: string, faults: Faults = {}, collection = 0): CheckpointRecord {
  const cp = plan.checkpoints.find((c) => c.name === name)!;
  const idx = plan.checkpoints.indexOf(cp);
  const windowStart = idx === 0 ? START : at(plan.checkpoints[idx - 1].at);
  const hours = cp.at / H;
  const agents: AgentInstanceRecord[] = [];
  const roles: [string, 'test' | 'control', string | null][] = [
    ...plan.agents.underTest.map((a) => [a.name, 'test', a.cluster] as [string, 'test', string]),
    ...plan.agents.control.map((a) => [a.name, 'control', null] as [string, 'control', null]),
  ];
  for (const h of plan.hosts)
    for (const [agent, role, cluster] of roles) {
      const down = faults.unreachableHost === h.name;
      const errs = agent === 'network-expert' && h.name === 'dgx-1' ? (faults.errors ?? 0) : 0;
      const restarts = agent === 'tdd-expert' && h.name === 'dgx-2' ? (faults.restarts ?? 0) : 0;
      const why = `host ${h.name} unreachable: connect ECONNREFUSED`;
      agents.push({
        agent,
        host: h.name,
        role,
        cluster,
        unit: `agent-runtime@${agent}`,
        state: down ? { active: null, sub: null, load: null, reason: why } : { active: 'active', sub: 'running', load: 'loaded' },
        activeSince: down ? null : restarts ? at(cp.at - 600_000) : at(-600_000),
        uptimeSeconds: down ? r(null, why) : r(restarts ? 600 : hours * 3600 + 600),
        uptimePct: down ? r(null, why) : r(restarts ? 99.5 : 100),
        restarts: down ? r(null, why) : r(restarts),
        memoryBytes: down ? r(null, why) : r((200 + hours * (agent === 'tdd-expert' ? 2 : 0.5)) * MIB),
        cpuPct: down ? r(null, why) : r(role === 'test' ? 3.1 : 3.0),
        errors: down ? r(null, why) : r(errs),
        messages: down ? r(null, why) : r(36_000 * (idx === 0 ? 1 : (cp.at - plan.checkpoints[idx - 1].at) / H)),
        errorRatePct: down ? r(null, why) : r((errs / 36_000) * 100),
        errorTypes: errs
          ? [{ type: 'connection reset by peer <n>', count: errs, recurring: errs > 3, firstAt: at(cp.at - 1_000_000), lastAt: at(cp.at - 1000), example: 'connection reset by peer 4' }]
          : [],
      });
    }
  const probes: ProbeRecord[] = roles.map(([agent, role]) => {
    const lost = agent === 'network-expert' ? (faults.lost ?? 0) : 0;
    const extra = role === 'test' ? (faults.latencyMs ?? 0) : 0;
    return {
      agent,
      role,
      host: null,
      subject: `agent.to.${agent}.from.test.question`,
      sent: 100,
      received: 100 - lost,
      timeouts: lost,
      noResponders: 0,
      corrupt: 0,
      deliveryPct: r(100 - lost, '', 100),
      p50Ms: r(0.8 + extra, '', 100 - lost),
      p99Ms: r(2.4 + extra, '', 100 - lost),
      p999Ms: { value: 3.1 + extra, reason: 'rests on 100 samples (< 1000)', samples: 100 - lost },
      maxMs: r(3.1 + extra),
      throughputPerSec: r(10),
    };
  });
  const hosts: HostRecord[] = plan.hosts.map((h) => {
    const down = faults.unreachableHost === h.name;
    const why = `host ${h.name} unreachable: connect ECONNREFUSED`;
    const v = (x: number) => (down ? r(null, why) : r(x));
    return {
      host: h.name,
      reachable: !down,
      ...(down ? { reason: why } : {}),
      load1: v(0.42),
      load5: v(0.4),
      load15: v(0.38),
      memory: { totalBytes: v(2048 * 1024 * MIB), usedBytes: v(400 * 1024 * MIB), availableBytes: v(1648 * 1024 * MIB), cachedBytes: v(100 * 1024 * MIB), usedPct: v(19.53) },
      disk: { path: '/opt/cim-dgx', totalBytes: v(1e12), usedBytes: v(3e11), availableBytes: v(7e11), usedPct: v(30) },
      natsConnections: v(4),
      network: down ? [] : [{ iface: 'eth0', rxBytesPerSec: 120000, txBytesPerSec: 95000 }],
      gpus: down ? [] : [{ index: 0, name: 'NVIDIA H100 80GB HBM3', utilizationPct: 12, memoryUsedPct: 4, temperatureC: 41, healthy: true }],
      ...(down ? { gpuReason: why } : {}),
    };
  });
  const sampled = cp.actions.includes('nats-sampling');
  const measurements = {
    'agents.active_pct': { value: faults.unreachableHost ? null : 100, samples: 6 },
    'errors.count': { value: faults.errors ?? 0, samples: 6 },
    'errors.rate_pct': { value: ((faults.errors ?? 0) / (36_000 * 6 * hours)) * 100, samples: 36_000 * 6 * hours },
    'system.load1_max': { value: 0.42, samples: 3 },
    'nats.dual_subscription_pct': { value: 100, samples: 6 },
    'agents.restarts': { value: faults.restarts ?? 0, samples: 6 },
    'latency.degradation_pct': { value: faults.latencyMs ? 50 : 0, samples: 200 },
    'memory.leak_count': { value: 0, samples: 6 },
    'anomalies.count': { value: 0, samples: 6 },
    'agents.uptime_pct': { value: faults.restarts ? 99.5 : 100, samples: 6 },
    'probe.delivery_pct': { value: 100 - (faults.lost ?? 0) / 2, samples: 200 },
    'probe.p50_ms': { value: 0.8 + (faults.latencyMs ?? 0), samples: 200 },
    'probe.p99_ms': { value: 2.4 + (faults.latencyMs ?? 0), samples: 200 },
    'nats.dual_publish_pct': sampled ? { value: 99.9, samples: 2400 } : { value: null, samples: 0, note: 'not sampled at this checkpoint' },
    'nats.agent_ref_pct': sampled ? { value: 49.9, samples: 4800 } : { value: null, samples: 0, note: 'not sampled at this checkpoint' },
    'clusters.working_pct': { value: 100, samples: 2 },
    'compare.cpu_overhead_pct': { value: 3.3, samples: 12 },
    'compare.memory_overhead_pct': { value: 1.2, samples: 12 },
    'nats.publish_time_ms': { value: 1.2, samples: 2400 },
    'nats.connection_drops': { value: 0, samples: 6 },
  } as Record<string, { value: number | null; samples: number; note?: string }>;
  const criteria: CriterionResult[] = plan.criteria
    .filter((c) => c.checkpoints.includes(name))
    .map((c) => ({ ...evaluateRule(c, measurements as never), primary: c.primary }));
  const alerts = faults.restarts
    ? [
        {
          id: 'agent-crash:tdd-expert@dgx-2:1',
          rule: 'agent-crash',
          title: 'Agent crashes',
          severity: 'critical' as const,
          scope: 'tdd-expert@dgx-2',
          state: 'acknowledged' as const,
          firstFiredAt: at(cp.at - 600_000),
          lastFiredAt: at(cp.at - 600_000),
          resolvedAt: null,
          acknowledgedAt: at(cp.at - 300_000),
          acknowledgedBy: 'alice',
          escalated: false,
          message: 'tdd-expert@dgx-2 restarted (NRestarts 0 → 1)',
          value: 1,
          threshold: 0,
          actionTaken: 'Investigating',
        },
      ]
    : [];
  // production's rule: the judge's (a critical alert alone does not change a checkpoint's verdict)
  const v = checkpointVerdict(criteria);
  return {
    wave: plan.wave.name,
    waveId: 'wave2-20260123',
    checkpoint: name,
    collection,
    ...(collection ? { collectionReason: 'manual re-collection: T+6h data incomplete' } : {}),
    offsetMs: cp.at,
    dueAt: at(cp.at),
    startedAt: at(cp.at + 1000),
    finishedAt: at(cp.at + 330_000),
    windowStart,
    verdict: v.verdict,
    verdictReason: checkpointVerdictReason(v.reasons),
    actions: cp.actions,
    criteria,
    headline: toHeadline(judgeHeadline(criteria, { checkpoint: measurements as never })),
    agents,
    probes,
    nats: sampled
      ? {
          sampled: true,
          windowStart: at(cp.at + 2000),
          windowEnd: at(cp.at + 302_000),
          windowMs: 300_000,
          legacy: { pattern: 'cim-agent.>', messages: 2404, uniqueSubjects: 12, perMinute: r(480.8) },
          unified: { pattern: 'cim.agent.>', messages: 2398, uniqueSubjects: 12, perMinute: r(479.6) },
          agentRefPct: r(49.94, '', 4802),
          dualPublishPct: r(99.9, '', 2404),
          pairing: { paired: 2396, legacyOnly: 2, unifiedOnly: 0, pendingAtEnd: 4 },
          publishSkewP50Ms: r(0.3),
          publishSkewP99Ms: r(1.2),
          topSubjects: [
            { subject: 'cim.agent.network-expert.events.heartbeat', pattern: 'unified', messages: 600 },
            { subject: 'cim-agent.network-expert.events.heartbeat', pattern: 'legacy', messages: 600 },
          ],
          subjectsOmitted: 22,
          dualSubscription: plan.hosts.flatMap((h) => plan.agents.underTest.map((a) => ({ agent: a.name, host: h.name, connection: `${a.name}@${h.name}`, legacy: true, unified: true }))),
          corruptPayloads: 0,
          connectionDrops: r(0),
          serverReachable: true,
        }
      : {
          sampled: false,
          reason: 'no nats-sampling at this checkpoint',
          windowStart: null,
          windowEnd: null,
          windowMs: null,
          legacy: null,
          unified: null,
          agentRefPct: r(null, 'not sampled at this checkpoint'),
          dualPublishPct: r(null, 'not sampled at this checkpoint'),
          pairing: null,
          publishSkewP50Ms: r(null, 'not sampled at this checkpoint'),
          publishSkewP99Ms: r(null, 'not sampled at this checkpoint'),
          topSubjects: [],
          subjectsOmitted: 0,
          dualSubscription: plan.hosts.flatMap((h) => plan.agents.underTest.map((a) => ({ agent: a.name, host: h.name, connection: `${a.name}@${h.name}`, legacy: true, unified: true }))),
          corruptPayloads: 0,
          connectionDrops: r(0),
          serverReachable: true,
        },
    hosts,
    errorLog: {
      entries: Array.from({ length: faults.errors ?? 0 }, (_, i) => ({
        at: at(cp.at - 1_000_000 + i * 1000),
        host: 'dgx-1',
        agent: 'network-expert',
        role: 'test' as const,
        priority: i % 2 ? 3 : null,
        message: `ERROR connection reset by peer ${i}${i === 0 ? '\nstack: at foo (bar.js:1)' : ''}`,
      })),
      omitted: 0,
    },
    comparison: null,
    findings: faults.restarts ? [{ kind: 'restart', severity: 'critical', scope: 'tdd-expert@dgx-2', at: at(cp.at - 600_000), message: 'NRestarts 0 → 1; active again after 2 s' }] : [],
    alerts,
    operatorActions: faults.restarts ? [{ at: at(cp.at - 300_000), kind: 'acknowledgeAlert', by: 'alice', reason: 'looking at the crash dump', detail: 'agent-crash:tdd-expert@dgx-2:1', outcome: 'accepted' }] : [],
    gaps: faults.unreachableHost ? [`host ${faults.unreachableHost} unreachable over SSH: connect ECONNREFUSED`] : [],
  };
}

/** Monitor samples every 5 min from START for `hours` hours; memory of tdd-expert grows slowly. */
export function makeSamples(plan: Plan, hours: number, fromHour = 0): MonitorSample[] {
  const out: MonitorSample[] = [];
  for (let i = fromHour * 12 + 1; i <= hours * 12; i++) {
    const t = i * 300_000;
    out.push({
      at: at(t),
      windowMs: 300_000,
      agents: plan.hosts.flatMap((h) =>
        [...plan.agents.underTest.map((a) => [a.name, 'test'] as const), ...plan.agents.control.map((a) => [a.name, 'control'] as const)].map(([agent, role]) => ({
          agent,
          host: h.name,
          role,
          active: !(agent === 'tdd-expert' && h.name === 'dgx-2' && i === 40),
          memoryBytes: (200 + (t / H) * (agent === 'tdd-expert' ? 2 : 0.5)) * MIB,
          cpuPct: 3,
          errors: agent === 'network-expert' && i % 37 === 0 ? 2 : 0,
          messages: 3000,
          restarts: 0,
        })),
      ),
      probes: [...plan.agents.underTest.map((a) => [a.name, 'test'] as const), ...plan.agents.control.map((a) => [a.name, 'control'] as const)].map(([agent, role]) => ({
        agent,
        role,
        sent: 20,
        received: 20,
        p50Ms: 0.8 + (i % 7) * 0.05,
        p99Ms: 2.2 + (i % 11) * 0.1,
      })),
      hosts: plan.hosts.map((h) => ({ host: h.name, reachable: true, load1: 0.4 + (i % 5) * 0.02, memoryUsedPct: 19.5, diskUsedPct: 30 })),
      natsReachable: true,
    });
  }
  return out;
}

export function makeWave(plan: Plan, checkpoints: CheckpointRecord[], verdict: WaveRecord['verdict'], extra: Partial<WaveRecord> = {}): WaveRecord {
  const last = checkpoints[checkpoints.length - 1];
  const final = last?.criteria ?? [];
  return {
    wave: plan.wave.name,
    waveId: 'wave2-20260123',
    title: plan.wave.title,
    monitoringStart: START,
    plannedEnd: at(plan.wave.duration),
    finishedAt: verdict ? at(plan.wave.duration + 400_000) : null,
    timeScale: 1,
    phase: verdict === 'ABORTED' ? 'aborted' : verdict ? 'completed' : 'monitoring',
    verdict,
    verdictReason: verdict === 'GO' ? 'every primary criterion passed' : verdict === 'NO-GO' ? 'primary criteria not met' : verdict === 'ABORTED' ? 'aborted by bob' : 'running',
    criteria: verdict ? plan.criteria.map((c) => final.find((x) => x.id === c.id) ?? { id: c.id, title: c.title, metric: c.metric, op: c.op, threshold: c.threshold, window: c.window, outcome: 'pass', value: c.threshold, samples: 1, primary: c.primary }) : [],
    checkpoints: checkpoints.map((c) => ({ name: c.checkpoint, collection: c.collection, dueAt: c.dueAt, finishedAt: c.finishedAt, verdict: c.verdict })),
    alerts: checkpoints.flatMap((c) => c.alerts),
    operatorActions: checkpoints.flatMap((c) => c.operatorActions),
    rollback: null,
    timeline: [],
    skippedTicks: 0,
    ...extra,
  };
}

// Crafted observations for the judge's tests: a healthy Wave 2 (3 hosts, 2 agents under test, 2
// control agents) with deterministic noise, and helpers to break it one way at a time.
import { loadPlan } from '../../src/plan/load';
import type { Plan } from '../../src/plan/schema';
import type { AgentSample, CheckpointObservation, Observation, ProbeObservation, TickObservation } from '../../src/judge/observations';
import type { JudgeContext } from '../../src/judge/measure/context';

export const plan: Plan = loadPlan(`${__dirname}/../../plans/wave2.yaml`);
export const START = Date.parse('2026-01-23T12:00:00Z');
export const MIN = 60_000;
export const HOUR = 3_600_000;
export const TICK = 5 * MIN;
export const GiB = 1024 ** 3;
export const MiB = 1024 ** 2;
export const ctx: JudgeContext = { plan, startMs: START };

/** Deterministic pseudo-random in [0, 1) from a key (no Math.random: reproducible tests). */
export function noise(...key: (string | number)[]): number {
  let h = 2166136261;
  for (const ch of key.join('|')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 16777619);
  }
  h ^= h >>> 13;
  h = Math.imul(h, 0x5bd1e995);
  h ^= h >>> 15;
  return (h >>> 0) / 4294967296;
}

export const testAgents = plan.agents.underTest.map((a) => a.name);
export const controlAgents = plan.agents.control.map((a) => a.name);
const hosts = plan.hosts.map((h) => h.name);

export function latencies(n: number, seed: string | number, baseMs = 1.5): number[] {
  return Array.from({ length: n }, (_, i) => baseMs + noise('lat', seed, i) * 2);
}

// The noise is most of a history's making (a hashed value per latency and per sample): each probe
// is made once per key and handed out as a copy, so a test that breaks one breaks only its own.
const probes = new Map<string, ProbeObservation & { latenciesMs: number[] }>();

function probe(agent: string, role: 'test' | 'control', n: number, seed: string | number): ProbeObservation {
  const key = `${agent}|${role}|${n}|${seed}`;
  let p = probes.get(key);
  if (!p) {
    const lat = latencies(n, `${seed}-${agent}`);
    const sorted = [...lat].sort((a, b) => a - b);
    p = { agent, role, sent: n, received: n, timeouts: 0, p50: sorted[Math.ceil(n * 0.5) - 1], p99: sorted[Math.ceil(n * 0.99) - 1], samples: n, corrupt: 0, latenciesMs: lat };
    probes.set(key, p);
  }
  return { ...p, latenciesMs: [...p.latenciesMs] };
}

const samplesAt = new Map<number, AgentSample[]>();

/** The healthy unit samples at `at`, made once and handed out as copies (like the probes). */
function agentSamples(at: number): AgentSample[] {
  let made = samplesAt.get(at);
  if (!made) samplesAt.set(at, (made = makeAgentSamples(at)));
  return made.map((x) => ({ ...x }));
}

function makeAgentSamples(at: number): AgentSample[] {
  const out: AgentSample[] = [];
  for (const host of hosts)
    for (const [agent, role] of [...testAgents.map((a) => [a, 'test'] as const), ...controlAgents.map((a) => [a, 'control'] as const)])
      out.push({
        host,
        agent,
        role,
        state: 'active',
        nRestarts: 0,
        activeEnterTimestamp: START - 10 * MIN,
        activeExitTimestamp: null,
        memoryBytes: 512 * MiB + Math.round(noise('mem', host, agent, at) * 8 * MiB),
        cpuPct: 2 + noise('cpu', host, agent, at),
      });
  return out;
}

function base(kind: Observation['kind'], at: number, windowMs: number, probesPerAgent: number): TickObservation {
  const all = [...testAgents.map((a) => [a, 'test'] as const), ...controlAgents.map((a) => [a, 'control'] as const)];
  return {
    kind,
    at,
    windowMs,
    agents: agentSamples(at),
    hosts: hosts.map((host) => ({ host, reachable: true, load1: 0.3 + noise('load', host, at) * 0.4, memoryUsedPct: 40 + noise('memp', host, at), memoryTotalBytes: 64 * GiB, diskUsedPct: 50 })),
    errors: kind === 'baseline' ? null : hosts.flatMap((host) => all.map(([agent, role]) => ({ host, agent, role, count: 0 }))),
    messages: kind === 'baseline' ? null : all.map(([agent, role]) => ({ agent, role, messages: Math.round((1000 * windowMs) / TICK) })),
    probes: all.map(([agent, role]) => probe(agent, role, probesPerAgent, at)),
    nats: { reachable: true, connections: hosts.flatMap((host) => all.map(([agent, role], i) => ({ host, agent, role, cid: 100 + i }))) },
    // the continuous watch starts after the T+0 baseline; on a healthy wave it sees nothing
    watch: kind === 'baseline' ? null : { events: [], fromMs: at - windowMs, toMs: at, covered: true },
  };
}

export function checkpointObs(name: string, at: number, prevAt: number): CheckpointObservation {
  return {
    ...base('checkpoint', at, at - prevAt, plan.nats.probe.count),
    kind: 'checkpoint',
    name,
    sampling: { legacy: 1000, unified: 1000, paired: 998, either: 1000, skewP99Ms: 2, corrupt: 0, complete: true },
    subscriptions: hosts.flatMap((host) => [...testAgents.map((a) => ({ host, agent: a, role: 'test' as const, legacy: true, unified: true })), ...controlAgents.map((a) => ({ host, agent: a, role: 'control' as const, legacy: true, unified: true }))]),
  };
}

/** A healthy wave from the T+0 baseline up to `until` (ms after START): ticks every 5 min, checkpoints at the plan's times. */
export function healthyHistory(untilOffsetMs: number): Observation[] {
  const out: Observation[] = [base('baseline', START, 0, plan.nats.probe.count)];
  let prevCp = START;
  const cps = new Map(plan.checkpoints.map((c) => [c.at, c.name]));
  for (let t = TICK; t <= untilOffsetMs; t += TICK) {
    const name = cps.get(t);
    if (name) {
      out.push(checkpointObs(name, START + t, prevCp));
      prevCp = START + t;
    } else out.push(base('tick', START + t, TICK, plan.nats.probe.perTick));
  }
  return out;
}

export const last = <T>(xs: T[]): T => xs[xs.length - 1];
export const checkpointAt = (name: string) => plan.checkpoints.find((c) => c.name === name)!.at;

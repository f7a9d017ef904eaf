// Crafted breakages of a healthy wave, one per plan rule: `fail` breaks the rule's data, `inconclusive`
// removes it. Shared by the per-rule tests and the scenario tests.
import type { CheckpointObservation, Observation } from '../../src/judge/observations';
import { GiB, HOUR, last, MIN, MiB, START, TICK } from './fixtures';

export type Mut = (h: Observation[]) => void;

const lastCp = (h: Observation[]) => [...h].reverse().find((o) => o.kind === 'checkpoint') as CheckpointObservation;
const cp = (h: Observation[], name: string) => h.find((o) => o.kind === 'checkpoint' && (o as CheckpointObservation).name === name) as CheckpointObservation;
const ticksFrom = (h: Observation[], offsetMs: number) => h.filter((o) => o.kind !== 'baseline' && o.at >= START + offsetMs);
const agent = (o: Observation, host: string, name: string) => o.agents.find((a) => a.host === host && a.agent === name)!;
const testProbes = (o: Observation) => o.probes.filter((p) => p.role === 'test');
const setLatencies = (o: Observation, f: (lat: number[], i: number) => number[]) =>
  testProbes(o).forEach((p, i) => {
    p.latenciesMs = f(p.latenciesMs ?? [], i);
    p.samples = p.sent = p.received = p.latenciesMs.length;
    const s = [...p.latenciesMs].sort((a, b) => a - b);
    p.p50 = s.length ? s[Math.ceil(s.length * 0.5) - 1] : null;
    p.p99 = s.length ? s[Math.ceil(s.length * 0.99) - 1] : null;
  });
const testErrors = (o: Observation, n: number, agents = ['network-expert', 'tdd-expert']) => o.errors?.forEach((e) => e.role === 'test' && agents.includes(e.agent) && (e.count = n));
/** n errors per unit and 5 minutes from `fromOffset` on, consistently in ticks and in the checkpoints' longer windows. */
const errorsFrom = (h: Observation[], n: number, fromOffset: number, agents?: string[]) =>
  h.forEach((o) => {
    const covered = o.at - Math.max(o.at - o.windowMs, START + fromOffset);
    if (covered > 0) testErrors(o, Math.round((n * covered) / TICK), agents);
  });

// ---- reusable breakages (tick window: the newest tick; the history runs to T+2h) -----------------
const tick = {
  errorRate: ((h) => testErrors(last(h), 10)) as Mut,
  noMessages: ((h) => last(h).messages!.forEach((m) => (m.messages = 0))) as Mut,
  crash: ((h) => Object.assign(agent(last(h), 'dgx-1', 'network-expert'), { nRestarts: 1, activeEnterTimestamp: last(h).at - 30_000 })) as Mut,
  inactive: ((h) => (agent(last(h), 'dgx-2', 'tdd-expert').state = 'failed')) as Mut,
  noAgents: ((h) => (last(h).agents = [])) as Mut,
  // a real agent loss: 2 of 20 replies lost, the collector's re-probe lost too, the control agents lost nothing
  loss: ((h) => Object.assign(testProbes(last(h))[0], { received: 18, reprobe: { sent: 5, lost: 5 } })) as Mut,
  noProbes: ((h) => (last(h).probes = [])) as Mut,
  noHosts: ((h) => (last(h).hosts = [])) as Mut,
  host: (field: 'load1' | 'memoryUsedPct' | 'diskUsedPct', v: number): Mut => (h) => (last(h).hosts[1][field] = v),
  natsDown: ((h) => (last(h).nats = { reachable: false, error: 'connection refused' })) as Mut,
  noNats: ((h) => (last(h).nats = null)) as Mut,
  noBaseline: ((h) => h.splice(h.findIndex((o) => o.kind === 'baseline'), 1)) as Mut,
  // the watch saw a 40-second outage of its NATS connection inside the newest tick's window, over by the tick
  natsOutage: ((h) => last(h).watch!.events.push({ kind: 'nats-outage', subject: 'nats://127.0.0.1:4222', role: null, startMs: last(h).at - 100_000, endMs: last(h).at - 60_000, flaps: 0, lostProbes: 0, evidence: 'disconnect' })) as Mut,
  agentSilent: ((h) => last(h).watch!.events.push({ kind: 'agent-silent', subject: 'network-expert', role: 'test', startMs: last(h).at - 100_000, endMs: last(h).at - 40_000, flaps: 0, lostProbes: 12, evidence: 'no probe answered' })) as Mut,
  noWatch: ((h) => (last(h).watch = null)) as Mut,
};

const leak: Mut = (h) => h.forEach((o) => {
  const a = o.agents.find((x) => x.host === 'dgx-1' && x.agent === 'network-expert');
  if (a) a.memoryBytes = 512 * MiB + Math.round((5 * GiB * (o.at - START)) / HOUR);
});
const noMemory: Mut = (h) => h.forEach((o) => o.agents.forEach((a) => (a.memoryBytes = null)));
const noControl: Mut = (h) => h.forEach((o) => (o.agents = o.agents.filter((a) => a.role === 'test')));

export interface Case {
  /** When to judge (ms after START); default: the rule's first checkpoint, or T+2h for tick rules. */
  at?: number;
  fail: Mut;
  inconclusive: Mut;
}

export const CASES: Record<string, Case> = {
  // ---- criteria ------------------------------------------------------------------------------------
  'all-agents-active': { fail: (h) => (agent(cp(h, 'T+1h'), 'dgx-2', 'tdd-expert').state = 'failed'), inconclusive: (h) => (cp(h, 'T+1h').agents = []) },
  'zero-errors': { fail: (h) => (cp(h, 'T+1h').errors![0].count = 3), inconclusive: (h) => h.forEach((o) => (o.errors = null)) },
  'load-nominal': { fail: (h) => (cp(h, 'T+1h').hosts[2].load1 = 2.5), inconclusive: (h) => (cp(h, 'T+1h').hosts = []) },
  'dual-publishing-confirmed': { fail: (h) => (cp(h, 'T+1h').subscriptions![1].unified = false), inconclusive: (h) => (cp(h, 'T+1h').subscriptions = null) },
  'agents-stable': {
    fail: (h) => ticksFrom(h, 3 * HOUR).forEach((o) => Object.assign(agent(o, 'dgx-2', 'network-expert'), { nRestarts: 1, activeEnterTimestamp: START + 3 * HOUR - MIN })),
    inconclusive: (h) => h.forEach((o) => (o.agents = [])),
  },
  'no-performance-degradation': { fail: (h) => setLatencies(cp(h, 'T+6h'), (l) => l.map((x) => x * 1.5 + 10)), inconclusive: tick.noBaseline },
  'no-leaks': { fail: leak, inconclusive: noMemory },
  'no-anomalies': {
    fail: (h) => (agent(h.find((o) => o.at === START + 7 * HOUR)!, 'dgx-3', 'tdd-expert').cpuPct = 90),
    inconclusive: (h) => h.splice(0, h.length, ...h.filter((o) => o.kind !== 'tick')),
  },
  'agent-uptime': {
    fail: (h) => {
      for (const o of ticksFrom(h, 10 * HOUR)) {
        const a = agent(o, 'dgx-1', 'tdd-expert');
        if (o.at < START + 10 * HOUR + 10 * MIN) a.state = 'failed';
        else Object.assign(a, { nRestarts: 1, activeEnterTimestamp: START + 10 * HOUR + 9 * MIN });
      }
    },
    inconclusive: (h) => h.forEach((o) => (o.agents = [])),
  },
  'error-rate': { fail: (h) => errorsFrom(h, 5, 3 * HOUR), inconclusive: (h) => h.forEach((o) => o.messages?.forEach((m) => (m.messages = 0))) },
  'message-delivery': { fail: (h) => (testProbes(h.find((o) => o.at === START + 5 * HOUR)!)[0].received = 19), inconclusive: (h) => h.forEach((o) => (o.probes = [])) },
  'latency-p50': { fail: (h) => setLatencies(cp(h, 'T+6h'), (l) => l.map((x) => x + 150)), inconclusive: (h) => setLatencies(cp(h, 'T+6h'), (l) => l.slice(0, 3)) },
  'latency-p99': { fail: (h) => setLatencies(cp(h, 'T+6h'), (l) => l.map((x, i) => (i < 3 ? 500 : x))), inconclusive: (h) => setLatencies(cp(h, 'T+6h'), (l) => l.slice(0, 10)) },
  'dual-publishing': { fail: (h) => (cp(h, 'T+6h').sampling!.paired = 900), inconclusive: (h) => h.forEach((o) => o.kind === 'checkpoint' && ((o as CheckpointObservation).sampling = null)) },
  'agent-ref-traffic': { fail: (h) => Object.assign(cp(h, 'T+6h').sampling!, { unified: 10, legacy: 1000 }), inconclusive: (h) => Object.assign(cp(h, 'T+6h').sampling!, { unified: 0, legacy: 0, paired: 0, either: 0 }) },
  'clusters-working': {
    fail: (h) => errorsFrom(h, 5, 0, ['tdd-expert']),
    inconclusive: (h) => h.forEach((o) => o.messages?.forEach((m) => m.agent === 'tdd-expert' && (m.messages = 0))),
  },
  'cpu-overhead': { fail: (h) => h.forEach((o) => o.agents.forEach((a) => a.role === 'test' && a.cpuPct !== null && (a.cpuPct += 2))), inconclusive: noControl },
  'memory-overhead': { fail: (h) => h.forEach((o) => o.agents.forEach((a) => a.role === 'test' && a.memoryBytes !== null && (a.memoryBytes += 200 * MiB))), inconclusive: noControl },
  'publish-time': { fail: (h) => (cp(h, 'T+6h').sampling!.skewP99Ms = 25), inconclusive: (h) => (cp(h, 'T+6h').sampling!.skewP99Ms = null) },
  'system-load': { fail: (h) => (cp(h, 'T+24h').hosts[0].load1 = 1.5), inconclusive: (h) => (cp(h, 'T+24h').hosts = []) },
  'nats-connections-stable': {
    fail: (h) => ticksFrom(h, 5 * HOUR).forEach((o) => (o.nats!.connections!.find((c) => c.host === 'dgx-2' && c.agent === 'network-expert')!.cid = 999)),
    inconclusive: (h) => h.forEach((o) => o.nats && delete o.nats.connections),
  },
  // ---- alert rules -----------------------------------------------------------------------------------
  'error-rate-critical': { fail: tick.errorRate, inconclusive: tick.noMessages },
  'error-rate-warning': { fail: (h) => testErrors(last(h), 1), inconclusive: tick.noMessages },
  'agent-crash': { fail: tick.crash, inconclusive: tick.noAgents },
  'agent-inactive': { fail: tick.inactive, inconclusive: tick.noAgents },
  'error-spike': { fail: (h) => testErrors(last(h), 2), inconclusive: (h) => (last(h).errors = null) },
  'latency-high': { fail: (h) => setLatencies(last(h), (l) => l.map(() => 300)), inconclusive: (h) => setLatencies(last(h), (l) => l.slice(0, 5)) },
  'load-high': { fail: tick.host('load1', 3), inconclusive: tick.noHosts },
  'memory-high': { fail: tick.host('memoryUsedPct', 95), inconclusive: tick.noHosts },
  'message-loss': { fail: tick.loss, inconclusive: tick.noProbes },
  'nats-lost': { fail: tick.natsDown, inconclusive: tick.noNats },
  'nats-outage': { fail: tick.natsOutage, inconclusive: tick.noWatch },
  'agent-silent': { fail: tick.agentSilent, inconclusive: tick.noWatch },
  'host-unreachable': { fail: (h) => Object.assign(last(h).hosts[1], { reachable: false, load1: null, error: 'ssh: connect timeout' }), inconclusive: tick.noHosts },
  // ---- rollback criteria -------------------------------------------------------------------------------
  'rollback-message-loss': { fail: tick.loss, inconclusive: tick.noProbes },
  'rollback-error-rate': { fail: tick.errorRate, inconclusive: tick.noMessages },
  'rollback-agent-crash': { fail: tick.crash, inconclusive: tick.noAgents },
  'rollback-agent-down': { fail: tick.inactive, inconclusive: tick.noAgents },
  // judged on the checkpoint's full probe (plans: window checkpoint)
  'rollback-degradation': { fail: (h) => setLatencies(lastCp(h), (l) => l.map((x) => x * 2 + 10)), inconclusive: tick.noBaseline },
  'rollback-nats-instability': { fail: (h) => h.slice(-2).forEach((o) => (o.nats = { reachable: false })), inconclusive: tick.noNats },
  'rollback-nats-outage': { fail: tick.natsOutage, inconclusive: tick.noWatch },
  'rollback-load-instability': { fail: (h) => h.slice(-3).forEach((o) => (o.hosts[0].load1 = 2.5)), inconclusive: tick.noHosts },
  'rollback-memory-exhaustion': { fail: tick.host('memoryUsedPct', 95), inconclusive: tick.noHosts },
  'rollback-disk-exhaustion': { fail: tick.host('diskUsedPct', 95), inconclusive: tick.noHosts },
  'rollback-memory-leak': { at: 12 * HOUR, fail: leak, inconclusive: noMemory },
  'rollback-data-corruption': { fail: (h) => (testProbes(last(h))[0].corrupt = 1), inconclusive: tick.noProbes },
};


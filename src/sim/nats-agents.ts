// The simulated fleet's agents on NATS: per plan host × agent (under test and control, every agent
// on every host) one named connection that
//  - answers probe requests on the plan's probe subject in a queue group per agent (as NATS
//    services do), with a realistic small latency (log-normal, median ~2 ms, p99 ~8 ms by default);
//  - subscribes to both the legacy and the unified pattern (the "dual subscription");
//  - publishes events on the legacy and the unified subject with the same Nats-Msg-Id and payload
//    (dual publishing) at a configurable rate.
// Faults can be set while it runs. Fractions (dropRepliesPct, corruptPct) are applied with an
// accumulator, not dice, so a test knows exact counts: 10 % drops exactly every 10th reply. What
// callers see and set (SimAgents, SimAgentsOptions, AgentFault) is sim-agents.ts.
import { connect, headers, type NatsConnection, type Msg } from '../collect/nats/client';
import type { AgentFault, FaultTarget, InstanceStats, SimAgents, SimAgentsOptions } from './sim-agents';
import { agentConnectionName, fillPattern, probeSubject } from '../collect/nats/subjects';

const DEFAULT_KINDS = ['heartbeat', 'status', 'task.completed', 'capability.announce'];

/** mulberry32: a small seeded generator. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Deterministic fraction: true on exactly pct % of calls, evenly spread. */
class Fraction {
  private acc = 0;
  hit(pct: number | undefined): boolean {
    if (!pct || pct <= 0) return false;
    this.acc += Math.min(pct, 100) / 100;
    if (this.acc >= 1 - 1e-9) {
      this.acc -= 1;
      return true;
    }
    return false;
  }
}

interface Instance {
  host: string;
  agent: string;
  name: string;
  fault: AgentFault;
  nc: NatsConnection | null;
  connecting: Promise<void> | null;
  /** Bumped on every (re)connect and disconnect, so a late callback of an old connection is ignored. */
  generation: number;
  wantUp: boolean;
  stats: InstanceStats;
  drop: Fraction;
  corruptReply: Fraction;
  corruptEvent: Fraction;
  seq: number;
  /** Background schedule: events due since `since`. */
  since: number;
  due: number;
  timers: Set<NodeJS.Timeout>;
}

export async function startSimAgents(opts: SimAgentsOptions): Promise<SimAgents> {
  const { plan } = opts;
  const rate = opts.ratePerSecond ?? 2;
  const random = rng(opts.seed ?? 0x5eed);
  const median = opts.baseLatency?.medianMs ?? 2;
  const sigma = opts.baseLatency?.sigma ?? 0.6;
  const msgIds = opts.msgIds ?? true;
  const subscribeMode = opts.subscribe ?? 'patterns';
  const crashRestartMs = opts.crashRestartMs ?? 300;
  const kinds = opts.eventKinds ?? DEFAULT_KINDS;
  const { legacy, unified } = plan.nats.patterns;
  const agents = [...plan.agents.underTest.map((a) => a.name), ...plan.agents.control.map((a) => a.name)];
  let stopped = false;

  const instances: Instance[] = [];
  for (const h of plan.hosts)
    for (const agent of agents) {
      const name = agentConnectionName(plan.nats.agentConnectionName, h.name, agent);
      instances.push({
        host: h.name,
        agent,
        name,
        fault: {},
        nc: null,
        connecting: null,
        generation: 0,
        wantUp: opts.units ? opts.units.isActive(h.name, agent) : true,
        stats: {
          host: h.name, agent, connectionName: name, connected: false, cid: null, connections: 0, events: 0,
          legacyPublished: 0, unifiedPublished: 0, corruptEvents: 0, probesReceived: 0, repliesSent: 0,
          repliesDropped: 0, repliesCorrupt: 0, received: 0,
        },
        drop: new Fraction(),
        corruptReply: new Fraction(),
        corruptEvent: new Fraction(),
        seq: 0,
        since: Date.now(),
        due: 0,
        timers: new Set(),
      });
    }

  const matches = (inst: Instance, t: FaultTarget) => (!t.host || t.host === inst.host) && (!t.agent || t.agent === inst.agent);

  const latencyFor = (inst: Instance): number => {
    let base = 0;
    if (median > 0) {
      // Box–Muller normal → log-normal around the median.
      const u = Math.max(random(), 1e-12);
      const v = random();
      const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
      base = median * Math.exp(sigma * z);
    }
    return base + (inst.fault.latencyMs ?? 0);
  };

  const later = (inst: Instance, ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      inst.timers.delete(t);
      fn();
    }, ms);
    inst.timers.add(t);
  };

  const onProbe = (inst: Instance, gen: number, m: Msg) => {
    inst.stats.probesReceived++;
    if (inst.fault.stopAnswering) return;
    if (inst.drop.hit(inst.fault.dropRepliesPct)) {
      inst.stats.repliesDropped++;
      return;
    }
    const corrupt = inst.corruptReply.hit(inst.fault.corruptPct);
    const body = corrupt
      ? `{"agent":"${inst.agent}","answer":` // truncated: not JSON
      : JSON.stringify({ agent: inst.agent, host: inst.host, answer: 'ok', task: 'test' });
    const send = () => {
      if (inst.generation !== gen || !inst.nc || inst.nc.isClosed()) return;
      try {
        m.respond(body);
        inst.stats.repliesSent++;
        if (corrupt) inst.stats.repliesCorrupt++;
      } catch {
        /* connection went away meanwhile: the requester times out, as with a real agent */
      }
    };
    const delay = latencyFor(inst);
    if (delay <= 0) send();
    else later(inst, delay, send);
  };

  const publishEvent = (inst: Instance) => {
    const nc = inst.nc;
    if (!nc || nc.isClosed()) return;
    const gen = inst.generation;
    const seq = ++inst.seq;
    const kind = kinds[(seq - 1) % kinds.length];
    const suffix = `${inst.agent}.${kind}`;
    const corrupt = inst.corruptEvent.hit(inst.fault.corruptPct);
    const payload = corrupt
      ? `{"agent":"${inst.agent}","host":"${inst.host}","seq":${seq},` // truncated
      : JSON.stringify({ agent: inst.agent, host: inst.host, kind, seq, ts: Date.now() });
    const id = `${inst.name}-${nc.info?.client_id ?? 0}-${seq}`;
    const opts = () => {
      if (!msgIds) return undefined;
      const h = headers();
      h.set('Nats-Msg-Id', id);
      return { headers: h };
    };
    const single = inst.fault.singlePublish;
    const doLegacy = single !== 'unified';
    const doUnified = !single || single === 'unified';
    inst.stats.events++;
    if (corrupt) inst.stats.corruptEvents++;
    const pub = (pattern: string, which: 'legacy' | 'unified') => {
      if (inst.generation !== gen || !inst.nc || inst.nc.isClosed()) return;
      try {
        inst.nc.publish(fillPattern(pattern, suffix), payload, opts());
        if (which === 'legacy') inst.stats.legacyPublished++;
        else inst.stats.unifiedPublished++;
      } catch {
        /* closed meanwhile */
      }
    };
    if (doLegacy) pub(legacy, 'legacy');
    if (doUnified) {
      const slow = inst.fault.slowPublishMs ?? 0;
      if (slow > 0 && doLegacy) later(inst, slow, () => pub(unified, 'unified'));
      else pub(unified, 'unified');
    }
  };

  const subscribeAll = (inst: Instance, nc: NatsConnection, gen: number) => {
    nc.subscribe(probeSubject(plan.nats.probe.subject, inst.agent), {
      queue: inst.agent,
      callback: (err, m) => {
        if (!err) onProbe(inst, gen, m);
      },
    });
    const count = (err: Error | null) => {
      if (!err) inst.stats.received++;
    };
    if (subscribeMode === 'patterns') {
      nc.subscribe(legacy, { callback: count });
      nc.subscribe(unified, { callback: count });
    } else if (subscribeMode === 'own') {
      nc.subscribe(fillPattern(legacy, `${inst.agent}.>`), { callback: count });
      nc.subscribe(fillPattern(unified, `${inst.agent}.>`), { callback: count });
    }
  };

  const bringUp = (inst: Instance): Promise<void> => {
    if (inst.nc || inst.connecting || stopped || !inst.wantUp) return inst.connecting ?? Promise.resolve();
    const gen = ++inst.generation;
    inst.connecting = (async () => {
      for (let attempt = 0; !stopped && inst.wantUp && inst.generation === gen; attempt++) {
        try {
          const nc = await connect({
            servers: opts.servers,
            name: inst.name,
            reconnect: true,
            maxReconnectAttempts: -1,
            reconnectTimeWait: 250,
            timeout: 2000,
          });
          if (stopped || !inst.wantUp || inst.generation !== gen) {
            await nc.close().catch(() => undefined);
            return;
          }
          inst.nc = nc;
          inst.stats.connections++;
          inst.stats.connected = true;
          inst.stats.cid = nc.info?.client_id ?? null;
          subscribeAll(inst, nc, gen);
          (async () => {
            for await (const s of nc.status()) {
              if (s.type === 'disconnect') inst.stats.connected = false;
              if (s.type === 'reconnect') {
                inst.stats.connected = true;
                inst.stats.cid = nc.info?.client_id ?? null;
              }
            }
          })().catch(() => undefined);
          nc.closed().then(() => {
            if (inst.nc === nc) {
              inst.nc = null;
              inst.stats.connected = false;
              inst.stats.cid = null;
            }
          });
          await nc.flush();
          return;
        } catch {
          await new Promise((r) => setTimeout(r, Math.min(250 * (attempt + 1), 2000)));
        }
      }
    })().finally(() => {
      inst.connecting = null;
    });
    return inst.connecting;
  };

  const bringDown = async (inst: Instance): Promise<void> => {
    inst.generation++;
    for (const t of inst.timers) clearTimeout(t);
    inst.timers.clear();
    const nc = inst.nc;
    inst.nc = null;
    inst.stats.connected = false;
    inst.stats.cid = null;
    if (nc) await nc.close().catch(() => undefined);
  };

  if (opts.units)
    opts.units.on('unit-changed', (e) => {
      const inst = instances.find((i) => i.host === e.host && i.agent === e.agent);
      if (!inst || stopped) return;
      inst.wantUp = e.active;
      if (e.active) {
        inst.since = Date.now();
        inst.due = 0;
        void bringUp(inst);
      } else void bringDown(inst);
    });

  // Background publishing: one scheduler for every instance; the count published equals
  // rate × time elapsed (open loop), in batches when the event loop is late.
  const tickMs = rate > 0 ? Math.max(5, Math.min(100, Math.floor(1000 / rate))) : 0;
  const phase = new Map<Instance, number>();
  for (const inst of instances) phase.set(inst, random());
  const scheduler = rate > 0
    ? setInterval(() => {
        const now = Date.now();
        for (const inst of instances) {
          if (!inst.nc || !inst.wantUp) continue;
          const target = Math.floor(((now - inst.since) / 1000) * rate + (phase.get(inst) ?? 0));
          while (inst.due < target) {
            inst.due++;
            publishEvent(inst);
          }
        }
      }, tickMs)
    : null;

  // Connect everything before returning; a server that is not there is an error, not a hang.
  const startTimeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000).unref());
  const up = await Promise.race([Promise.all(instances.map((i) => bringUp(i))).then(() => 'up' as const), startTimeout]);
  if (up === 'timeout' || instances.some((i) => i.wantUp && !i.nc)) {
    stopped = true;
    if (scheduler) clearInterval(scheduler);
    await Promise.all(instances.map((i) => bringDown(i)));
    throw new Error(`simulated agents could not connect to ${opts.servers.join(', ')} within 10 s`);
  }
  const t0 = Date.now();
  for (const inst of instances) inst.since = t0;

  const api: SimAgents = {
    instances: instances.map((i) => ({ host: i.host, agent: i.agent, connectionName: i.name })),
    setFault(target, fault) {
      for (const inst of instances) if (matches(inst, target)) inst.fault = { ...inst.fault, ...fault };
    },
    clearFaults(target = {}) {
      for (const inst of instances) if (matches(inst, target)) inst.fault = {};
    },
    async crash(host, agent) {
      const inst = instances.find((i) => i.host === host && i.agent === agent);
      if (!inst) throw new Error(`no simulated agent ${agent}@${host}`);
      await bringDown(inst);
      if (!inst.wantUp || stopped) return;
      await new Promise((r) => setTimeout(r, crashRestartMs));
      inst.since = Date.now();
      inst.due = 0;
      await bringUp(inst);
    },
    async publishNow(target, count) {
      for (const inst of instances) if (matches(inst, target)) for (let i = 0; i < count; i++) publishEvent(inst);
      await api.flush();
    },
    stats() {
      return instances.map((i) => ({ ...i.stats }));
    },
    async flush() {
      await Promise.all(instances.map((i) => (i.nc && !i.nc.isClosed() ? i.nc.flush().catch(() => undefined) : undefined)));
    },
    async ready(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (instances.some((i) => i.wantUp && !i.stats.connected)) {
        if (Date.now() > deadline) throw new Error('simulated agents not connected in time');
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop() {
      stopped = true;
      if (scheduler) clearInterval(scheduler);
      await Promise.all(instances.map((i) => bringDown(i)));
    },
  };
  return api;
}

// Runs a scenario against a running fleet: applies each fault when its (scaled) time comes and
// reverts it when its `for` ends. The scheduling is pure logic over a Clock and a FleetEffects
// interface, so tests drive it with a fake clock; fleetEffects() maps it onto a LocalFleet.
//
// The runner keeps the desired state (what every active fault asks for, combined) and applies only
// what changed, so overlapping faults combine instead of undoing each other: latencies add up, the
// largest drop/corrupt share, load and disk fill win, error rates and memory growth add up, a unit
// stays stopped (a host down, NATS down) while any fault says so.
// Events, not states: a crash happens once at its start (or every interval of a crash loop); crashes
// that were due more than CRASH_GRACE_MS before the runner started are not replayed (a scenario
// started with a monitoring start in the past). Error lines are written as they accrue.
import type { Plan } from '../plan/schema';
import type { AgentFault } from './nats-agents';
import type { LocalFleet } from '../stack/local-stack';
import { DEFAULT_CRASH_INTERVAL_MS, MIN_CRASHES_PER_LOOP, placeFaults, type PlacedFault, type Scenario, type ScenarioFault, faultScope } from './scenario';

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** The scenario's faults as the fleet sees them. Values of null mean "back to how it was". */
export interface FleetEffects {
  /** The scenario's whole agent fault for one instance (replaces what the scenario set before). */
  setAgentFault(host: string, agent: string, fault: ScenarioAgentFault): void;
  /** The unit's main process dies; systemd restarts it. */
  crash(host: string, agent: string): void;
  setUnitStopped(host: string, agent: string, stopped: boolean): void;
  setHostDown(host: string, mode: 'refuse' | 'hang' | null): void;
  setLoad(host: string, load1: number | null): void;
  setDiskPct(host: string, pct: number | null): void;
  /** Bytes per real second; null: the unit's own growth again. */
  setMemoryGrowth(host: string, agent: string, bytesPerSec: number | null): void;
  /** Writes `count` error lines to the unit's journal now. */
  logErrors(host: string, agent: string, count: number): void;
  setNatsDown(down: boolean): Promise<void> | void;
}

export type ScenarioAgentFault = Pick<AgentFault, 'latencyMs' | 'dropRepliesPct' | 'corruptPct' | 'singlePublish'>;

export interface UnitState {
  agentFault: ScenarioAgentFault;
  stopped: boolean;
  /** Bytes per real second, null when no fault. */
  memoryGrowth: number | null;
  /** Error lines per real second. */
  errorsPerSec: number;
}
export interface HostState {
  down: 'refuse' | 'hang' | null;
  load1: number | null;
  diskPct: number | null;
}
export interface DesiredState {
  units: Map<string, UnitState>; // key host\0agent
  hosts: Map<string, HostState>;
  natsDown: boolean;
}

export interface ScenarioEvent {
  /** Epoch ms (real) of the event. */
  at: number;
  /** Plan time since monitoring start, ms. */
  planMs: number;
  action: 'apply' | 'revert' | 'crash';
  fault: ScenarioFault;
  /** A line for people ("applied latency +150ms on network-expert@dgx-1, T+3h for 2h"). */
  text: string;
}

export interface ScenarioRunnerOptions {
  /** Hosts and agents (under test and control) of the plan the fleet runs. */
  plan: Pick<Plan, 'hosts' | 'agents'>;
  /** Monitoring start, epoch ms (real). */
  startAtMs: number;
  timeScale: number;
  effects: FleetEffects;
  clock?: Clock;
  onEvent?(e: ScenarioEvent): void;
  /** An effect that failed (e.g. NATS did not come back); the runner goes on. */
  onError?(err: unknown, what: string): void;
}

/** How often accrued error lines are written, real ms. */
export const ERROR_PUMP_MS = 250;
/** Crashes due up to this long before the runner started are still run (a scenario "at: 0"). */
export const CRASH_GRACE_MS = 5000;

const key = (host: string, agent: string) => `${host}\0${agent}`;

function covers(p: PlacedFault, t: number): boolean {
  return p.startMs <= t && (p.endMs === null || t < p.endMs);
}

function matches(f: ScenarioFault, host: string, agent: string | null): boolean {
  return (f.target.host === undefined || f.target.host === host) && (agent === null || f.target.agent === undefined || f.target.agent === agent);
}

/** Units and hosts of a plan, every agent on every host (product.md, Wave 2's layout). */
export function fleetUnits(plan: Pick<Plan, 'hosts' | 'agents'>): { hosts: string[]; units: [string, string][] } {
  const agents = [...plan.agents.underTest, ...plan.agents.control].map((a) => a.name);
  const hosts = plan.hosts.map((h) => h.name);
  return { hosts, units: hosts.flatMap((h) => agents.map((a) => [h, a] as [string, string])) };
}

/** What the active faults at time t ask of the fleet (pure). */
export function desiredState(placed: readonly PlacedFault[], t: number, plan: Pick<Plan, 'hosts' | 'agents'>, timeScale: number): DesiredState {
  const { hosts, units } = fleetUnits(plan);
  const active = placed.filter((p) => covers(p, t)).sort((a, b) => a.startMs - b.startMs || a.fault.index - b.fault.index);
  const state: DesiredState = { units: new Map(), hosts: new Map(), natsDown: false };
  for (const [host, agent] of units) {
    const u: UnitState = { agentFault: {}, stopped: false, memoryGrowth: null, errorsPerSec: 0 };
    for (const { fault: f } of active) {
      if (faultScope(f.fault) !== 'unit' || !matches(f, host, agent)) continue;
      const af = u.agentFault;
      switch (f.fault) {
        case 'latency':
          af.latencyMs = (af.latencyMs ?? 0) + f.latencyMs;
          break;
        case 'drop-replies':
          af.dropRepliesPct = Math.max(af.dropRepliesPct ?? 0, f.pct);
          break;
        case 'corrupt-payload':
          af.corruptPct = Math.max(af.corruptPct ?? 0, f.pct);
          break;
        case 'single-publish':
          af.singlePublish = f.only; // the latest to start wins
          break;
        case 'stop':
          u.stopped = true;
          break;
        case 'memory-growth':
          u.memoryGrowth = (u.memoryGrowth ?? 0) + (f.bytesPerPlanHour * timeScale) / 3600; // per real second
          break;
        case 'errors':
          u.errorsPerSec += f.perSecond;
          break;
        default:
          break; // crash: an event, not a state
      }
    }
    state.units.set(key(host, agent), u);
  }
  for (const host of hosts) {
    const h: HostState = { down: null, load1: null, diskPct: null };
    for (const { fault: f } of active) {
      if (!matches(f, host, null)) continue;
      if (f.fault === 'host-down') h.down = h.down === 'hang' || f.mode === 'hang' ? 'hang' : 'refuse';
      if (f.fault === 'load') h.load1 = Math.max(h.load1 ?? 0, f.load1);
      if (f.fault === 'disk-fill') h.diskPct = Math.max(h.diskPct ?? 0, f.pct);
    }
    state.hosts.set(host, h);
  }
  state.natsDown = active.some((p) => p.fault.fault === 'nats-down');
  return state;
}

/** The crash times of a placed crash fault (real epoch ms): once, or a loop over its window. */
export function crashTimes(p: PlacedFault): number[] {
  if (p.fault.fault !== 'crash') return [];
  if (p.endMs === null) return [p.startMs];
  const window = p.endMs - p.startMs;
  const interval = p.fault.intervalMs ?? Math.min(DEFAULT_CRASH_INTERVAL_MS, window / MIN_CRASHES_PER_LOOP);
  const out: number[] = [];
  for (let i = 0; ; i++) {
    const t = Math.round(p.startMs + i * interval);
    if (t >= p.endMs) return out;
    out.push(t);
  }
}

/** A single crash is an event only; a crash loop, like every other fault, is applied and reverted. */
const isState = (p: PlacedFault) => !(p.fault.fault === 'crash' && p.endMs === null);

const sameAgentFault = (a: ScenarioAgentFault, b: ScenarioAgentFault) =>
  a.latencyMs === b.latencyMs && a.dropRepliesPct === b.dropRepliesPct && a.corruptPct === b.corruptPct && a.singlePublish === b.singlePublish;

export class ScenarioRunner {
  readonly placed: PlacedFault[];
  private readonly clock: Clock;
  private readonly crashes: { at: number; p: PlacedFault }[];
  private applied: DesiredState;
  private readonly baseline: DesiredState;
  private active = new Set<PlacedFault>();
  private timer: unknown = null;
  private startedAt: number | null = null;
  private lastAt = -Infinity;
  private stopped = false;
  private errorDebt = new Map<string, number>();
  private lastPump: number | null = null;
  /** NATS stop/start run one after the other. */
  private natsChain: Promise<void> = Promise.resolve();
  private natsInFlight = 0;

  constructor(
    readonly scenario: Scenario,
    private readonly opts: ScenarioRunnerOptions,
  ) {
    this.clock = opts.clock ?? realClock;
    this.placed = placeFaults(scenario, opts.startAtMs, opts.timeScale);
    this.crashes = this.placed.flatMap((p) => crashTimes(p).map((at) => ({ at, p }))).sort((a, b) => a.at - b.at);
    this.baseline = desiredState([], 0, opts.plan, opts.timeScale);
    this.applied = this.baseline;
  }

  /** Applies what is due now and schedules the rest. */
  start(): this {
    if (this.startedAt !== null) throw new Error('scenario runner already started');
    this.startedAt = this.clock.now();
    this.lastAt = this.startedAt - CRASH_GRACE_MS;
    this.step();
    return this;
  }

  /** Faults active now (for display). */
  activeFaults(): ScenarioFault[] {
    return [...this.active].map((p) => p.fault);
  }

  /** The next moment something changes (real epoch ms), or null when nothing is left. */
  nextChangeAt(): number | null {
    return this.nextChangeAfter(this.clock.now());
  }

  /** The first change strictly after `t` (real epoch ms), or null. */
  private nextChangeAfter(t: number): number | null {
    let next = Infinity;
    for (const p of this.placed) {
      if (p.startMs > t) next = Math.min(next, p.startMs);
      if (p.endMs !== null && p.endMs > t) next = Math.min(next, p.endMs);
    }
    for (const c of this.crashes) if (c.at > t) next = Math.min(next, c.at);
    return Number.isFinite(next) ? next : null;
  }

  /** Stops scheduling. With revert (default), every fault is taken back (NATS restarted if down). */
  async stop(opts: { revert?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    if (opts.revert ?? true) this.reconcile(this.baseline);
    await this.natsChain;
  }

  private planMs(t: number): number {
    return Math.max(0, (t - this.opts.startAtMs) * this.opts.timeScale);
  }

  private emit(action: ScenarioEvent['action'], p: PlacedFault, at: number): void {
    const verb = action === 'apply' ? 'applied' : action === 'revert' ? 'reverted' : 'crashed';
    this.opts.onEvent?.({ at, planMs: this.planMs(at), action, fault: p.fault, text: `${verb} ${p.fault.describe}` });
  }

  private guard(what: string, fn: () => unknown): void {
    try {
      const r = fn();
      if (r && typeof (r as Promise<unknown>).then === 'function') (r as Promise<unknown>).catch((err) => this.opts.onError?.(err, what));
    } catch (err) {
      this.opts.onError?.(err, what);
    }
  }

  private step(): void {
    if (this.stopped) return;
    this.timer = null;
    const now = this.clock.now();
    this.pumpErrors(now);
    // Which faults started or ended since the last step (reported in time order).
    const nowActive = new Set(this.placed.filter((p) => isState(p) && covers(p, now)));
    const changes: { at: number; action: 'apply' | 'revert'; p: PlacedFault }[] = [];
    for (const p of this.active) if (!nowActive.has(p)) changes.push({ at: p.endMs ?? now, action: 'revert', p });
    for (const p of nowActive) if (!this.active.has(p)) changes.push({ at: p.startMs, action: 'apply', p });
    // A fault that started and ended between two steps (shorter than the clock's resolution): applied and reverted.
    for (const p of this.placed)
      if (isState(p) && !nowActive.has(p) && !this.active.has(p) && p.endMs !== null && p.startMs > this.lastAt && p.startMs <= now && p.endMs <= now) {
        changes.push({ at: p.startMs, action: 'apply', p }, { at: p.endMs, action: 'revert', p });
        this.reconcile(desiredState([p], p.startMs, this.opts.plan, this.opts.timeScale));
      }
    changes.sort((a, b) => a.at - b.at);
    for (const c of changes) this.emit(c.action, c.p, Math.min(c.at, now));
    this.active = nowActive;
    const desired = desiredState(this.placed, now, this.opts.plan, this.opts.timeScale);
    this.reconcile(desired);
    // Crashes due since the last step, after the state (a unit stopped by the scenario does not crash).
    for (const c of this.crashes) {
      if (c.at <= this.lastAt || c.at > now) continue;
      this.emit('crash', c.p, c.at);
      for (const [host, agent] of fleetUnits(this.opts.plan).units)
        if (matches(c.p.fault, host, agent) && !desired.units.get(key(host, agent))!.stopped && !desired.hosts.get(host)!.down)
          this.guard(`crash ${agent}@${host}`, () => this.opts.effects.crash(host, agent));
    }
    this.lastAt = now;
    this.schedule(now, desired);
  }

  /**
   * The next step: at the first change after `now`, the instant this step applied. Not after the
   * clock's time at this point: the clock moves on while a step runs (a GC pause, the process
   * preempted on a loaded machine, a timer that fired early against Date.now() because Node counts
   * timers from the event loop's cached time), and a change that fell due meanwhile would get no step
   * at all — a fault never applied, or never reverted for the rest of the wave. It runs at once.
   */
  private schedule(now: number, desired: DesiredState): void {
    if (this.stopped) return;
    let next = this.nextChangeAfter(now) ?? Infinity;
    if ([...desired.units.values()].some((u) => u.errorsPerSec > 0)) next = Math.min(next, now + ERROR_PUMP_MS);
    if (!Number.isFinite(next)) return;
    this.timer = this.clock.setTimeout(() => this.step(), Math.max(0, next - this.clock.now()));
  }

  /** Writes the error lines accrued since the last pump at the rates that applied then. */
  private pumpErrors(now: number): void {
    const since = this.lastPump;
    this.lastPump = now;
    if (since === null) return;
    const dt = (now - since) / 1000;
    for (const [k, u] of this.applied.units) {
      if (u.errorsPerSec <= 0) continue;
      const owed = (this.errorDebt.get(k) ?? 0) + u.errorsPerSec * dt;
      const n = Math.floor(owed);
      this.errorDebt.set(k, owed - n);
      const [host, agent] = k.split('\0');
      if (n > 0) this.guard(`errors ${agent}@${host}`, () => this.opts.effects.logErrors(host, agent, n));
    }
  }

  /** Applies what differs between the applied state and `desired`. */
  private reconcile(desired: DesiredState): void {
    const fx = this.opts.effects;
    for (const [k, want] of desired.units) {
      const had = this.applied.units.get(k)!;
      const [host, agent] = k.split('\0');
      if (!sameAgentFault(had.agentFault, want.agentFault)) this.guard(`agent fault ${agent}@${host}`, () => fx.setAgentFault(host, agent, want.agentFault));
      if (had.stopped !== want.stopped) this.guard(`${want.stopped ? 'stop' : 'start'} ${agent}@${host}`, () => fx.setUnitStopped(host, agent, want.stopped));
      if (had.memoryGrowth !== want.memoryGrowth) this.guard(`memory growth ${agent}@${host}`, () => fx.setMemoryGrowth(host, agent, want.memoryGrowth));
    }
    for (const [host, want] of desired.hosts) {
      const had = this.applied.hosts.get(host)!;
      if (had.down !== want.down) this.guard(`host ${host} ${want.down ? 'down' : 'up'}`, () => fx.setHostDown(host, want.down));
      if (had.load1 !== want.load1) this.guard(`load on ${host}`, () => fx.setLoad(host, want.load1));
      if (had.diskPct !== want.diskPct) this.guard(`disk on ${host}`, () => fx.setDiskPct(host, want.diskPct));
    }
    if (this.applied.natsDown !== desired.natsDown) {
      const down = desired.natsDown;
      const run = async () => {
        try {
          await fx.setNatsDown(down);
        } catch (err) {
          this.opts.onError?.(err, down ? 'stop NATS' : 'start NATS');
        } finally {
          this.natsInFlight--;
        }
      };
      // Started at once when nothing is in flight, else after the previous stop/start.
      this.natsChain = this.natsInFlight++ === 0 ? run() : this.natsChain.then(run);
    }
    this.applied = desired;
  }
}

/**
 * The runner's effects on a LocalFleet: agent faults through SimAgents, units, hosts, load, disk and
 * memory through the FleetModel, NATS through its server handle. What the scenario changes is put
 * back as it was found when the fault ends. A crash restarts the unit after RestartSec (5 s of plan
 * time, so a crash costs the same uptime at every scale).
 */
export function fleetEffects(fleet: Pick<LocalFleet, 'model' | 'agents' | 'nats'>, opts: { timeScale: number; restartSecPlanMs?: number }): FleetEffects & { dispose(): void } {
  const { model, agents, nats } = fleet;
  const restartDelay = (opts.restartSecPlanMs ?? 5000) / opts.timeScale;
  const timers = new Set<NodeJS.Timeout>();
  const loadBase = new Map<string, [number, number, number]>();
  const diskBase = new Map<string, number>();
  const growthBase = new Map<string, number>();
  const stoppedByUs = new Set<string>();
  return {
    setAgentFault(host, agent, f) {
      agents.setFault({ host, agent }, { latencyMs: f.latencyMs, dropRepliesPct: f.dropRepliesPct, corruptPct: f.corruptPct, singlePublish: f.singlePublish });
    },
    crash(host, agent) {
      if (!model.isActive(host, agent)) return;
      model.crash(host, agent, { restart: false });
      const t = setTimeout(() => {
        timers.delete(t);
        const u = model.unit(host, agent);
        // Restart=on-failure: only a unit still failed comes back (a rollback may have stopped it meanwhile).
        if (u.activeState !== 'failed' || !u.enabled) return;
        u.nRestarts++;
        model.start(host, agent);
      }, restartDelay);
      timers.add(t);
    },
    setUnitStopped(host, agent, stopped) {
      const k = key(host, agent);
      if (stopped) {
        if (model.unit(host, agent).activeState === 'active') stoppedByUs.add(k);
        model.stop(host, agent);
      } else if (stoppedByUs.delete(k)) {
        // Started again only when nothing else changed it meanwhile (a rollback disables the unit).
        const u = model.unit(host, agent);
        if (u.activeState === 'inactive' && u.enabled) model.start(host, agent);
      }
    },
    setHostDown(host, mode) {
      model.setHostDown(host, mode !== null, mode ?? 'refuse');
    },
    setLoad(host, load1) {
      if (!loadBase.has(host)) loadBase.set(host, [...model.host(host).load]);
      if (load1 === null) model.setLoad(host, ...loadBase.get(host)!);
      else model.setLoad(host, load1, load1, load1);
    },
    setDiskPct(host, pct) {
      const disk = model.host(host).disk;
      if (!diskBase.has(host)) diskBase.set(host, disk.usedBytes);
      model.setDiskUsed(host, pct === null ? diskBase.get(host)! : Math.round((disk.sizeBytes * pct) / 100));
    },
    setMemoryGrowth(host, agent, bytesPerSec) {
      const k = key(host, agent);
      if (!growthBase.has(k)) growthBase.set(k, model.unit(host, agent).memoryGrowthPerSec);
      model.setMemoryGrowth(host, agent, bytesPerSec ?? growthBase.get(k)!);
    },
    logErrors(host, agent, count) {
      if (!model.isActive(host, agent)) return;
      model.errorBurst(host, agent, count, { spreadMs: ERROR_PUMP_MS, message: `ERROR ${agent}: failed to handle request {n}: upstream timeout after 5000ms` });
    },
    async setNatsDown(down) {
      if (down) await nats.kill();
      else await nats.restart();
    },
    dispose() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}

/** A runner on a LocalFleet: faults placed from `startAtMs` at `timeScale`; `stop()` ends it (and reverts unless told not to). */
export function runScenario(
  scenario: Scenario,
  fleet: Pick<LocalFleet, 'model' | 'agents' | 'nats' | 'plan'>,
  opts: { startAtMs: number; timeScale: number; onEvent?: ScenarioRunnerOptions['onEvent']; onError?: ScenarioRunnerOptions['onError']; clock?: Clock },
): { runner: ScenarioRunner; stop(o?: { revert?: boolean }): Promise<void> } {
  const effects = fleetEffects(fleet, { timeScale: opts.timeScale });
  const runner = new ScenarioRunner(scenario, { plan: fleet.plan, startAtMs: opts.startAtMs, timeScale: opts.timeScale, effects, clock: opts.clock, onEvent: opts.onEvent, onError: opts.onError }).start();
  return {
    runner,
    async stop(o) {
      await runner.stop(o);
      effects.dispose();
    },
  };
}

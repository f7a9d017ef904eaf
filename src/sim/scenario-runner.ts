// Runs a scenario against a running fleet: applies each fault when its (scaled) time comes and
// reverts it when its `for` ends. The scheduling is pure logic over a Clock and a FleetEffects
// interface, so tests drive it with a fake clock; fleetEffects() (fleet-effects.ts) maps it onto a
// LocalFleet.
//
// The runner keeps the desired state (what every active fault asks for, combined: scenario-state.ts)
// and applies only what changed.
// Events, not states: a crash happens once at its start (or every interval of a crash loop); crashes
// that were due more than CRASH_GRACE_MS before the runner started are not replayed (a scenario
// started with a monitoring start in the past). Error lines are written as they accrue.
import type { Plan } from '../plan/schema';
import type { LocalFleet } from '../stack/local-stack';
import { placeFaults, type PlacedFault, type Scenario, type ScenarioFault } from './scenario';
import { covers, crashTimes, desiredState, ERROR_PUMP_MS, fleetUnits, matches, unitKey, type DesiredState, type ScenarioAgentFault } from './scenario-state';
import { fleetEffects, type FleetEffects } from './fleet-effects';

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

/** Crashes due up to this long before the runner started are still run (a scenario "at: 0"). */
export const CRASH_GRACE_MS = 5000;

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
        if (matches(c.p.fault, host, agent) && !desired.units.get(unitKey(host, agent))!.stopped && !desired.hosts.get(host)!.down)
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

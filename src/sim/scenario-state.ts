// What the scenario's active faults ask of the fleet at one time, combined (pure): overlapping
// faults combine instead of undoing each other — latencies add up, the largest drop/corrupt share,
// load and disk fill win, error rates and memory growth add up, a unit stays stopped (a host down,
// NATS down) while any fault says so. A crash is an event, not a state: crashTimes() lists them.
import type { Plan } from '../plan/schema';
import type { AgentFault } from './sim-agents';
import type { PlacedFault, ScenarioFault } from './scenario';
import { DEFAULT_CRASH_INTERVAL_MS, faultScope, MIN_CRASHES_PER_LOOP } from './scenario-faults';


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

/** How often accrued error lines are written, real ms. */
export const ERROR_PUMP_MS = 250;

/** The key of one unit (agent instance) in DesiredState.units. */
export const unitKey = (host: string, agent: string) => `${host}\0${agent}`;
export function covers(p: PlacedFault, t: number): boolean {
  return p.startMs <= t && (p.endMs === null || t < p.endMs);
}

export function matches(f: ScenarioFault, host: string, agent: string | null): boolean {
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
    state.units.set(unitKey(host, agent), u);
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

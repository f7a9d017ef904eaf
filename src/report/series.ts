// Time series from the monitor samples (one per tick): what the hourly trends, trends.txt, the
// charts and the watch screen draw.
import type { MonitorSample } from '../artifacts/records/monitor';
import type { Role } from '../model/vocabulary';
import { isNum } from '../plan/units';
import { max, sum } from './stats';
import { memoryGrowth } from '../judge/trends';
import { instanceKey } from '../model/instance';

export interface TickPoint {
  at: string;
  t: number;
  errors: number | null;
  messages: number | null;
  /** errors ÷ messages × 100 over the role's instances in this tick; null without messages. */
  errorRatePct: number | null;
  /** Worst agent p50/p99 of the tick's light probe. */
  p50Ms: number | null;
  p99Ms: number | null;
  sent: number;
  received: number;
  /** Share of the role's instances active in this tick, %. */
  activePct: number | null;
  load1Max: number | null;
  memoryUsedPctMax: number | null;
}

export function tickSeries(samples: MonitorSample[], role: Role = 'test'): TickPoint[] {
  return [...samples]
    .sort((a, b) => a.at.localeCompare(b.at))
    .map((s) => {
      const inst = s.agents.filter((a) => a.role === role);
      const both = inst.filter((a) => isNum(a.errors) && isNum(a.messages));
      const errors = sum(inst.map((a) => a.errors));
      const msgs = both.length ? (sum(both.map((a) => a.messages)) as number) : null;
      const errsBoth = both.length ? (sum(both.map((a) => a.errors)) as number) : null;
      const probes = s.probes.filter((p) => p.role === role);
      const known = inst.filter((a) => a.active !== null);
      return {
        at: s.at,
        t: Date.parse(s.at),
        errors,
        messages: msgs,
        errorRatePct: msgs && errsBoth !== null ? (errsBoth / msgs) * 100 : null,
        p50Ms: max(probes.map((p) => p.p50Ms)),
        p99Ms: max(probes.map((p) => p.p99Ms)),
        sent: probes.reduce((a, p) => a + p.sent, 0),
        received: probes.reduce((a, p) => a + p.received, 0),
        activePct: known.length ? (known.filter((a) => a.active).length / known.length) * 100 : null,
        load1Max: max(s.hosts.map((h) => h.load1)),
        memoryUsedPctMax: max(s.hosts.map((h) => h.memoryUsedPct)),
      };
    });
}

export interface InstanceSeries {
  key: string;
  agent: string;
  host: string;
  role: Role;
  points: { at: string; t: number; memoryBytes: number | null; cpuPct: number | null; active: boolean | null; restarts: number | null }[];
  /** Share of samples with the unit active (of those where the state was known), %. */
  uptimePct: number | null;
  /** Memory slope of the current run (judge/trends memoryGrowth), bytes per hour of plan time; null with fewer than 3 points. */
  memorySlopePerHour: number | null;
  memoryR2: number | null;
}

/** Hours of plan time between two instants: wall time × the wave's --time-scale. */
export function planHours(fromMs: number, toMs: number, timeScale = 1): number {
  return ((toMs - fromMs) * (timeScale || 1)) / 3_600_000;
}

/** Per agent instance; memory slopes are per hour of plan time (wall time × `timeScale`). */
export function instanceSeries(samples: MonitorSample[], timeScale = 1): InstanceSeries[] {
  const map = new Map<string, InstanceSeries>();
  for (const s of [...samples].sort((a, b) => a.at.localeCompare(b.at)))
    for (const a of s.agents) {
      const key = instanceKey(a.host, a.agent);
      const cur = map.get(key) ?? { key, agent: a.agent, host: a.host, role: a.role, points: [], uptimePct: null, memorySlopePerHour: null, memoryR2: null };
      cur.points.push({ at: s.at, t: Date.parse(s.at), memoryBytes: a.memoryBytes, cpuPct: a.cpuPct, active: a.active, restarts: a.restarts });
      map.set(key, cur);
    }
  const out = [...map.values()].sort((a, b) => (a.role === b.role ? a.key.localeCompare(b.key) : a.role === 'test' ? -1 : 1));
  for (const s of out) {
    const known = s.points.filter((p) => p.active !== null);
    s.uptimePct = known.length ? (known.filter((p) => p.active).length / known.length) * 100 : null;
    // the judge's estimator: the current run (since the last restart), per hour of plan time
    const { fit } = memoryGrowth(s.points.map((p) => ({ hours: planHours(0, p.t, timeScale), memoryBytes: p.memoryBytes, active: p.active === true, run: p.restarts })));
    s.memorySlopePerHour = fit ? fit.slope : null;
    s.memoryR2 = fit ? fit.rSquared : null;
  }
  return out;
}

/** Per agent (all its instances), the cumulative uptime over the samples: share of instance-ticks active, %. */
export function cumulativeUptime(samples: MonitorSample[], role: Role = 'test'): { agent: string; points: { at: string; uptimePct: number | null }[] }[] {
  const agents = [...new Set(samples.flatMap((s) => s.agents.filter((a) => a.role === role).map((a) => a.agent)))].sort();
  const sorted = [...samples].sort((a, b) => a.at.localeCompare(b.at));
  return agents.map((agent) => {
    let up = 0;
    let seen = 0;
    return {
      agent,
      points: sorted.map((s) => {
        for (const a of s.agents)
          if (a.agent === agent && a.active !== null) {
            seen++;
            if (a.active) up++;
          }
        return { at: s.at, uptimePct: seen ? (up / seen) * 100 : null };
      }),
    };
  });
}

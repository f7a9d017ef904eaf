// Anomalies over a window: robust z-scores (median/MAD, threshold 3.5) on the series the monitor
// samples — memory and CPU per agent instance, errors per 5 minutes and probe p99 per agent, load
// per host. Only spikes in the bad direction count, and only when they also differ from the median
// by a minimum that matters (noise on a flat series is not an anomaly). Series with fewer points
// than the minimum are not judged.
import type { Observation, Role } from './observations';
import { anomalyIndexes, robustZ } from './stats/robust-z';
import { median } from './stats/descriptive';
import { instanceKey } from '../model/instance';

export interface Anomaly {
  series: string;
  at: number;
  value: number;
  median: number;
  z: number;
  description: string;
}

export interface AnomalyOptions {
  inScope: (x: { agent: string; role: Role }) => boolean;
  hosts: string[];
  minPoints?: number;
  threshold?: number;
  minLatencyDifferenceMs?: number;
}

interface Series {
  name: string;
  unit: string;
  points: { at: number; value: number }[];
  minAbs: number;
}

const MiB = 1024 * 1024;

export function buildSeries(obs: readonly Observation[], opts: AnomalyOptions): Series[] {
  const series = new Map<string, Series>();
  const add = (name: string, unit: string, minAbs: number, at: number, value: number | null | undefined) => {
    if (value === null || value === undefined || !Number.isFinite(value)) return;
    const s = series.get(name) ?? { name, unit, points: [], minAbs };
    s.points.push({ at, value });
    series.set(name, s);
  };
  for (const o of obs) {
    for (const a of o.agents) {
      if (!opts.inScope(a) || !(a.state === 'active' || a.state === 'reloading')) continue;
      add(`memory ${instanceKey(a.host, a.agent)}`, 'bytes', 64 * MiB, o.at, a.memoryBytes);
      add(`cpu ${instanceKey(a.host, a.agent)}`, '%', 5, o.at, a.cpuPct);
    }
    if (o.kind === 'tick' && o.errors && o.windowMs > 0) {
      const perAgent = new Map<string, number | null>();
      for (const e of o.errors) {
        if (!opts.inScope(e)) continue;
        const prev = perAgent.get(e.agent);
        perAgent.set(e.agent, prev === null || e.count === null ? null : (prev ?? 0) + e.count);
      }
      for (const [agent, n] of perAgent) add(`errors/5min ${agent}`, 'errors', 5, o.at, n === null ? null : (n * 300_000) / o.windowMs);
    }
    if (o.kind === 'tick') for (const p of o.probes) if (opts.inScope(p)) add(`probe p99 ${p.agent}`, 'ms', opts.minLatencyDifferenceMs ?? 5, o.at, p.p99);
    for (const h of o.hosts) if (opts.hosts.includes(h.host) && h.reachable) add(`load1 ${h.host}`, '', 0.5, o.at, h.load1);
  }
  // memory: the minimum that matters grows with the agent's size (10 % of its median)
  for (const s of series.values()) if (s.unit === 'bytes') s.minAbs = Math.max(s.minAbs, 0.1 * median(s.points.map((p) => p.value)));
  return [...series.values()];
}

export function detectAnomalies(obs: readonly Observation[], opts: AnomalyOptions): { anomalies: Anomaly[]; seriesJudged: number } {
  const minPoints = opts.minPoints ?? 10;
  const threshold = opts.threshold ?? 3.5;
  const anomalies: Anomaly[] = [];
  let seriesJudged = 0;
  for (const s of buildSeries(obs, opts)) {
    if (s.points.length < minPoints) continue;
    seriesJudged++;
    const values = s.points.map((p) => p.value);
    const { center, scores } = robustZ(values);
    for (const i of anomalyIndexes(values, threshold, s.minAbs)) {
      if (scores[i] <= 0) continue; // only spikes in the bad direction
      const p = s.points[i];
      anomalies.push({
        series: s.name,
        at: p.at,
        value: p.value,
        median: center,
        z: scores[i],
        description: `${s.name} ${fmt(p.value, s.unit)} at ${new Date(p.at).toISOString()} (median ${fmt(center, s.unit)}, z ${scores[i].toFixed(1)})`,
      });
    }
  }
  return { anomalies, seriesJudged };
}

function fmt(v: number, unit: string): string {
  if (unit === 'bytes') return `${(v / MiB).toFixed(1)} MiB`;
  return `${+v.toFixed(3)}${unit && unit !== 'errors' ? ` ${unit}` : ''}`;
}

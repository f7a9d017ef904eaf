// Hosts: reachability, load, memory and disk over the fleet, and the anomaly detector's findings.
import { noiseFloor } from '../../plan/metrics';
import type { Measurement } from '../rules';
import type { Observation } from '../observations';
import { detectAnomalies } from '../anomalies';
import { partial, trailingRun, type Calc, type Measures } from './context';

function hostMax(c: Calc, field: 'load1' | 'memoryUsedPct' | 'diskUsedPct', obs: Observation = c.sel.current): Measurement {
  const values: number[] = [];
  const missing: string[] = [];
  const failed: string[] = [];
  let worst = '';
  let max = -Infinity;
  for (const h of c.plan.hosts) {
    const s = obs.hosts.find((x) => x.host === h.name);
    const v = s && s.reachable ? s[field] : null;
    if (!s) missing.push(h.name);
    else if (v === null || v === undefined) failed.push(`${h.name}${s.error ? ` (${s.error})` : !s.reachable ? ' (unreachable)' : ''}`);
    else {
      values.push(v);
      if (v > max) {
        max = v;
        worst = h.name;
      }
    }
  }
  if (values.length === 0)
    return failed.length ? { value: null, samples: 0, error: `${field} not collected: ${failed.join(', ')}` } : { value: null, samples: 0, note: `no ${field} reported` };
  const note = `highest ${+max.toFixed(3)} on ${worst}`;
  if (missing.length + failed.length) return partial({ value: max, bound: 'lower', samples: values.length, note }, missing, failed, field);
  return { value: max, samples: values.length, note };
}

function hostMaxWindow(c: Calc, field: 'load1' | 'memoryUsedPct' | 'diskUsedPct'): Measurement {
  if (c.sel.kind !== 'wave') return hostMax(c, field);
  const per = c.sel.inWindow.filter((o) => o.hosts.length > 0).map((o) => hostMax(c, field, o));
  const known = per.filter((m) => m.value !== null);
  if (known.length === 0) return per[per.length - 1] ?? { value: null, samples: 0, note: 'no host samples' };
  const max = Math.max(...known.map((m) => m.value as number));
  return { value: max, samples: known.length, note: `highest over ${known.length} observations: ${+max.toFixed(3)}` };
}

function unreachableHosts(c: Calc): Measurement {
  const down: string[] = [];
  const missing: string[] = [];
  for (const h of c.plan.hosts) {
    const s = c.sel.current.hosts.find((x) => x.host === h.name);
    if (!s) missing.push(h.name);
    else if (!s.reachable) down.push(`${h.name}${s.error ? ` (${s.error})` : ''}`);
  }
  const note = down.length ? `unreachable: ${down.join(', ')}` : 'all hosts reachable';
  if (missing.length) return partial({ value: down.length, bound: 'lower', samples: c.plan.hosts.length - missing.length, note }, missing, [], 'host status');
  return { value: down.length, samples: c.plan.hosts.length, note };
}

function highLoadTicks(c: Calc): Measurement {
  const warn = c.plan.monitor.loadWarning;
  return trailingRun(
    c,
    (o) => {
      const m = hostMax(c, 'load1', o);
      if (m.value === null) return m.error ? 'error' : 'nodata';
      if (m.value > warn) return true;
      return m.bound ? (m.error ? 'error' : 'nodata') : false;
    },
    `with load1 above ${warn}`,
  );
}

function anomalyCount(c: Calc): Measurement {
  const r = detectAnomalies(c.sel.inWindow.filter((o) => o.kind !== 'baseline'), {
    inScope: c.inScope,
    hosts: c.plan.hosts.map((h) => h.name),
    minPoints: c.opts.anomalyMinPoints,
    threshold: c.opts.anomalyThreshold,
    minLatencyDifferenceMs: noiseFloor('probe.p50_ms', c.plan),
  });
  if (r.seriesJudged === 0) return { value: null, samples: 0, note: `too few points for anomaly detection (need ${c.opts.anomalyMinPoints} per series)` };
  return { value: r.anomalies.length, samples: r.seriesJudged, note: r.anomalies.length ? r.anomalies.slice(0, 10).map((a) => a.description).join('; ') : `no anomaly in ${r.seriesJudged} series` };
}

export const SYSTEM_MEASURES = {
  'hosts.unreachable_count': unreachableHosts,
  'system.load1_max': (c) => hostMaxWindow(c, 'load1'),
  'system.high_load_ticks': highLoadTicks,
  'system.memory_used_pct_max': (c) => hostMaxWindow(c, 'memoryUsedPct'),
  'system.disk_used_pct_max': (c) => hostMaxWindow(c, 'diskUsedPct'),
  'anomalies.count': anomalyCount,
} satisfies Partial<Measures>;

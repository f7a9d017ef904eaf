// Capability clusters: a cluster works when every one of its agents passes the plan's per-agent
// primary criteria, each measured for that agent alone.
import { PER_AGENT_METRICS } from '../../plan/metrics';
import { evaluateRule, type Measurement, type Measurements } from '../rules';
import type { Observation } from '../observations';
import type { WindowKind } from '../windows';
import type { Calc, Measures } from './context';

function clustersWorkingPct(c: Calc, history: readonly Observation[]): Measurement {
  if (c.scope.role !== 'test') return { value: null, samples: 0, note: 'clusters are judged for the agents under test' };
  const criteria = c.plan.criteria.filter((r) => r.primary && PER_AGENT_METRICS.has(r.metric));
  if (criteria.length === 0) return { value: null, samples: 0, note: 'no per-agent primary criteria in the plan' };
  const clusters = new Map<string, string[]>();
  for (const a of c.plan.agents.underTest) if (!c.scope.agents || c.scope.agents.includes(a.name)) clusters.set(a.cluster, [...(clusters.get(a.cluster) ?? []), a.name]);
  let working = 0;
  let failing = 0;
  const notes: string[] = [];
  const upTo = history.filter((o) => o.at <= c.sel.to);
  for (const [cluster, agents] of clusters) {
    const agentStates = agents.map((agent) => {
      const cache = new Map<WindowKind, Measurements>();
      const results = criteria.map((rule) => {
        const metrics = criteria.filter((r) => r.window === rule.window).map((r) => r.metric);
        if (!cache.has(rule.window)) cache.set(rule.window, c.remeasure(upTo, rule.window, { role: 'test', agents: [agent] }, metrics));
        return evaluateRule(rule, cache.get(rule.window) as Measurements);
      });
      const failed = results.filter((r) => r.outcome === 'fail');
      const open = results.filter((r) => r.outcome === 'inconclusive' || r.outcome === 'error');
      return { agent, state: failed.length ? 'fail' : open.length ? 'open' : 'pass', detail: [...failed.map((r) => `${r.id} failed (${r.value})`), ...open.map((r) => `${r.id} ${r.outcome}`)] };
    });
    const state = agentStates.some((a) => a.state === 'fail') ? 'fail' : agentStates.some((a) => a.state === 'open') ? 'open' : 'pass';
    if (state === 'pass') working++;
    if (state === 'fail') failing++;
    notes.push(`${cluster} ${state === 'pass' ? 'working' : state === 'fail' ? 'NOT working' : 'undetermined'}${agentStates.some((a) => a.detail.length) ? ` (${agentStates.filter((a) => a.detail.length).map((a) => `${a.agent}: ${a.detail.join(', ')}`).join('; ')})` : ''}`);
  }
  const n = clusters.size;
  const note = notes.join('; ');
  if (working + failing === n) return { value: (100 * working) / n, samples: n, note };
  return { value: (100 * (n - failing)) / n, bound: 'upper', samples: working + failing, note };
}

export const CLUSTER_MEASURES = {
  'clusters.working_pct': clustersWorkingPct,
} satisfies Partial<Measures>;

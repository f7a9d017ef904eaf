// Test vs control: the overheads of the agents under test over the control agents (CPU, memory).
import type { Measurement } from '../rules';
import type { Role } from '../observations';
import { isActive } from '../uptime';
import { evidencedRelativeChange } from '../canary-judge';
import type { Calc, Measures } from './context';

function cohortValues(c: Calc, role: Role, field: 'cpuPct' | 'memoryBytes'): number[] {
  const obs = c.sel.kind === 'tick' ? [c.sel.current] : c.sel.inWindow;
  return obs.flatMap((o) => o.agents.filter((s) => s.role === role && s.state !== 'unknown' && isActive(s)).map((s) => s[field]).filter((v): v is number => v !== null));
}

function overheadPct(c: Calc, field: 'cpuPct' | 'memoryBytes'): Measurement {
  if (c.scope.role !== 'test') return { value: null, samples: 0, note: 'overhead is judged for the agents under test' };
  if (c.plan.agents.control.length === 0) return { value: null, samples: 0, note: 'no control agents in the plan' };
  const test = cohortValues(c, 'test', field);
  const control = cohortValues(c, 'control', field);
  const r = evidencedRelativeChange(
    {
      name: field,
      direction: 'increase',
      minAbsoluteDifference: field === 'cpuPct' ? c.opts.cpuMinDifferencePct : c.opts.memoryMinDifferenceBytes,
    },
    test,
    control,
    { confLevel: c.opts.confLevel, minSamples: c.opts.compareMinSamples },
  );
  return { value: r.value, samples: r.samples, note: r.note };
}

export const COMPARE_MEASURES = {
  'compare.cpu_overhead_pct': (c) => overheadPct(c, 'cpuPct'),
  'compare.memory_overhead_pct': (c) => overheadPct(c, 'memoryBytes'),
} satisfies Partial<Measures>;

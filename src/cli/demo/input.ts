// The demo's input, checked before anything starts: the plan, the scenario, the time scale and the
// ports. A problem here is the user's (exit 2), not a failure to run.
import { loadPlan, PlanError } from '../../plan/load';
import { parsePort } from '../../plan/port';
import type { Plan } from '../../plan/schema';
import { loadScenario, ScenarioError, type Scenario } from '../../sim/scenario';
import { readTimeScale } from '../wave-clock';
import type { Policy } from '../../model/vocabulary';

export interface DemoOptions {
  plan: string;
  scenario?: string;
  timeScale: string;
  json?: boolean;
  stateDir: string;
  temporalPort: string;
  uiPort: string;
  policy: Policy;
}

export class DemoInputError extends Error {}

export interface DemoInput {
  plan: Plan;
  scenario: Scenario | null;
  timeScale: number;
  temporalPort: number;
  uiPort: number;
}

/** The options read and checked; throws DemoInputError with one line for the user. */
export function readDemoInput(o: DemoOptions): DemoInput {
  let plan: Plan;
  let scenario: Scenario | null = null;
  try {
    plan = loadPlan(o.plan);
    if (o.scenario) scenario = loadScenario(o.scenario, plan);
  } catch (err) {
    if (err instanceof PlanError || err instanceof ScenarioError) throw new DemoInputError(err.message);
    throw err;
  }
  const scale = readTimeScale(o.timeScale);
  if (scale.problem !== null) throw new DemoInputError(scale.problem);
  const port = (flag: string, text: string): number => {
    const n = parsePort(text);
    if (n === null) throw new DemoInputError(`${flag}: expected a port number, got "${text}"`);
    return n;
  };
  const temporalPort = port('--temporal-port', o.temporalPort);
  const uiPort = port('--ui-port', o.uiPort);
  return { plan, scenario, timeScale: scale.scale, temporalPort, uiPort };
}

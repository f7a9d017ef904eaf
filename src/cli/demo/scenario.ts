// A scenario's faults injected into the demo's fleet on the wave's clock, each effect said as it
// happens; stopped with the rest (the faults are not reverted: the fleet goes too).
import { firstLine } from '../../client/waves';
import { formatDuration } from '../../plan/duration';
import type { Scenario } from '../../sim/scenario';
import { runScenario, type ScenarioEvent } from '../../sim/scenario-runner';
import type { LocalFleet } from '../../stack/local-stack';
import type { Io } from './io';
import type { Teardown } from './lifecycle';

export function startScenario(scenario: Scenario, fleet: LocalFleet, clock: { startAtMs: number; timeScale: number }, io: Io, teardown: Teardown): void {
  for (const f of scenario.faults) io.say(`  fault ${f.describe}`);
  const run = runScenario(scenario, fleet, {
    startAtMs: clock.startAtMs,
    timeScale: clock.timeScale,
    onEvent: (e: ScenarioEvent) => io.say(`⚡ T+${formatDuration(e.planMs)}  ${e.text}`),
    onError: (err, what) => io.say(`⚡ fault effect failed (${what}): ${firstLine(err)}`),
  });
  teardown.add('scenario', () => run.stop({ revert: false }));
}

// Long-running commands: the worker, the simulated fleet, and the demo (src/cli/demo.ts: the main
// job on the embedded default: a local Temporal dev server, NATS and a simulated fleet on 127.0.0.1).
import type { Command } from 'commander';
import { loadPlan } from '../plan/load';
import { createWaveWorker } from '../worker/worker';
import { WaveCommandError } from '../client/waves';
import type { TemporalSettings } from '../client/connection';
import { formatDuration } from '../plan/duration';
import { loadScenario, placeFaults, ScenarioError, type Scenario } from '../sim/scenario';
import { runScenario } from '../sim/scenario-runner';
import { natsAnswers, needsOwnNats, startSimFleet } from '../sim/scenario-fleet';
import { registerDemoCommand } from './demo';
import { sayErr } from './terminal';
import { waveClockOf } from './wave-clock';

/** Resolves on Ctrl-C or SIGTERM. */
function untilStopped(): Promise<void> {
  return new Promise((r) => {
    process.once('SIGINT', () => r());
    process.once('SIGTERM', () => r());
  });
}

export function registerRunCommands(program: Command, settings: () => TemporalSettings): void {
  program
    .command('worker')
    .description('run a worker: the wave workflow and its activities (secrets from this environment)')
    .action(async () => {
      const w = await createWaveWorker({ temporal: settings() });
      sayErr(`worker polling task queue "wavewatch" on ${settings().address}`);
      const run = w.worker.run();
      await Promise.race([untilStopped().then(() => w.worker.shutdown()), run]);
      await run;
      await w.close();
    });

  program
    .command('sim')
    .description('run only the simulated fleet of a local plan (SSH hosts + NATS agents on 127.0.0.1), optionally with a scenario\'s faults')
    .requiredOption('--plan <file>', 'plan pointing at 127.0.0.1', 'plans/local.yaml')
    .option('--scenario <file>', 'faults to inject (docs/demo.md, "Scenario files")')
    .option('--start-at <time>', 'the monitoring start the fault times count from: ISO time, "now" or "-2h"', 'now')
    .option('--time-scale <n>', 'the wave\'s time scale: fault times are divided by it', '1')
    .action(async (o: { plan: string; scenario?: string; startAt: string; timeScale: string }) => {
      // Everything is checked before anything starts.
      const plan = loadPlan(o.plan);
      const { timeScale, startAtMs } = waveClockOf(o);
      let scenario: Scenario | null = null;
      if (o.scenario) {
        try {
          scenario = loadScenario(o.scenario, plan);
        } catch (err) {
          if (!(err instanceof ScenarioError)) throw err;
          sayErr(err.message);
          process.exitCode = 2;
          return;
        }
      }
      // `wavewatch dev up` runs NATS on the plan's ports: join it rather than fail on a taken port.
      const existingNats = await natsAnswers(plan.nats.monitoringUrl);
      const conflict = existingNats ? needsOwnNats(scenario) : null;
      if (conflict) throw new WaveCommandError(`${o.scenario}: ${conflict}`, 2);
      const fleet = await startSimFleet({ plan, stateDir: '.wavewatch', existingNats });
      sayErr(
        `simulated fleet up: ${fleet.plan.hosts.map((h) => `${h.name} ssh 127.0.0.1:${h.port}`).join(', ')}; ` +
          `NATS ${fleet.nats.url}${fleet.ownsNats ? '' : ' (the server already running there)'}`,
      );
      if (scenario) {
        sayErr(`scenario ${scenario.name}: monitoring start ${new Date(startAtMs).toISOString()}, time scale ${timeScale}`);
        for (const p of placeFaults(scenario, startAtMs, timeScale))
          sayErr(`  ${new Date(p.startMs).toISOString()}  ${p.fault.describe}${p.endMs !== null && p.endMs < Date.now() ? ' (past)' : ''}`);
      }
      const run = scenario
        ? runScenario(scenario, fleet, {
            startAtMs,
            timeScale,
            onEvent: (e) => sayErr(`${new Date(e.at).toISOString()} T+${formatDuration(e.planMs)}  ${e.text}`),
            onError: (err, what) => sayErr(`fault effect failed (${what}): ${(err as Error)?.message ?? err}`),
          })
        : null;
      await untilStopped();
      await run?.stop();
      await fleet.stop();
    });

  registerDemoCommand(program);
}

// Long-running commands: the worker, the simulated fleet, and the demo (the main job on the
// embedded default: a local Temporal dev server, NATS and a simulated fleet on 127.0.0.1).
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadPlan } from '../plan/load';
import { createWaveWorker } from '../worker/worker';
import { startLocalFleet } from '../stack/local-stack';
import { startTemporalDevServer, waitForTemporal, type TemporalDevServer } from '../stack/temporal-server';
import { connectClient, defaultWaveId, startWave, waveStatus } from '../client/waves';
import type { TemporalSettings } from '../client/connection';
import type { WaveStatus } from '../workflows/status';

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
      console.error(`worker polling task queue "wavewatch" on ${settings().address}`);
      const run = w.worker.run();
      await Promise.race([untilStopped().then(() => w.worker.shutdown()), run]);
      await run;
      await w.close();
    });

  program
    .command('sim')
    .description('run only the simulated fleet of a local plan (SSH hosts + NATS agents on 127.0.0.1)')
    .requiredOption('--plan <file>', 'plan pointing at 127.0.0.1', 'plans/local.yaml')
    .action(async (o: { plan: string }) => {
      const fleet = await startLocalFleet({ plan: loadPlan(o.plan), stateDir: '.wavewatch' });
      console.error(`simulated fleet up: ${fleet.plan.hosts.map((h) => `${h.name} ssh 127.0.0.1:${h.port}`).join(', ')}; NATS ${fleet.nats.url}`);
      await untilStopped();
      await fleet.stop();
    });

  program
    .command('demo')
    .description('run a whole compressed wave on the local default stack and report it')
    .option('--plan <file>', 'plan', 'plans/local.yaml')
    .option('--time-scale <n>', 'compression (720: 24 h in 2 minutes)', '720')
    .action(async (o: { plan: string; timeScale: string }) => {
      const stateDir = resolve('.wavewatch/demo');
      const stops: (() => Promise<unknown>)[] = [];
      const stopAll = async () => {
        for (const s of stops.reverse()) await s().catch(() => undefined);
      };
      process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
      try {
        // The Web UI link stays the same when the dev stack is already up: use its server then.
        let temporal: TemporalDevServer | null = null;
        const address = '127.0.0.1:7233';
        try {
          await waitForTemporal(address, 1500);
          console.error(`using the Temporal server already at ${address}`);
        } catch {
          temporal = await startTemporalDevServer({ port: 7233, uiPort: 8233, dbFile: join(stateDir, 'temporal.db'), logFile: join(stateDir, 'temporal.log') });
          stops.push(() => temporal!.stop());
        }
        const fleet = await startLocalFleet({ plan: loadPlan(o.plan), stateDir, freePorts: true });
        stops.push(() => fleet.stop());
        const s: TemporalSettings = { address, namespace: 'default' };
        const w = await createWaveWorker({ temporal: s });
        const running = w.worker.run();
        stops.push(async () => {
          w.worker.shutdown();
          await running;
          await w.close();
        });
        const client = await connectClient(s);
        const waveId = defaultWaveId(fleet.plan, new Date());
        await startWave(client, fleet.plan, { timeScale: Number(o.timeScale), startAtMs: Date.now(), policy: 'auto', waveId });
        console.log(`wave ${waveId} started (${fleet.plan.wave.title}, 24 h compressed ×${o.timeScale})`);
        console.log(`watch it in the Web UI: http://localhost:8233/namespaces/default/workflows/${waveId}`);
        let status: WaveStatus;
        const shown = new Set<string>();
        for (;;) {
          status = await waveStatus(client, waveId);
          for (const cp of status.checkpoints)
            if (cp.verdict && !shown.has(cp.name)) {
              shown.add(cp.name);
              console.log(`  ${cp.name}: ${cp.verdict}  (${cp.criteria.map((r) => `${r.id} ${r.outcome}`).join(', ')})`);
            }
          if (status.phase === 'completed' || status.phase === 'aborted') break;
          await new Promise((r) => setTimeout(r, 1000));
        }
        console.log(`verdict: ${status.verdict}`);
        console.log(`artifacts: ${status.artifactsDir}`);
      } finally {
        await stopAll();
      }
    });
}

// `wavewatch demo`: the main job on the embedded default (docs/demo.md). Starts the local stack — a
// Temporal dev server with its Web UI (or the one already answering), the simulated fleet of the
// plan on free ports, a local SMTP sink and a worker in a child process —, runs one compressed wave,
// shows its progress, prints where everything is, and stops everything it started, also on Ctrl-C.
// Exit 0 when the wave ran to its end (whatever the verdict), 2 on bad input, 1 when it could not
// run, 130 when interrupted. The pieces are in ./demo/.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { Client } from '@temporalio/client';
import type { Plan } from '../plan/schema';
import { connectClient, defaultWaveId, startWave } from '../client/waves';
import { formatDuration } from '../plan/duration';
import { POLICIES } from '../model/vocabulary';
import { printJson, sayErr } from './terminal';
import { DemoInputError, readDemoInput, type DemoOptions } from './demo/input';
import { makeIo } from './demo/io';
import { Interrupts, Teardown } from './demo/lifecycle';
import { demoOutputs, sayOutcome, writeOutcome } from './demo/outcome';
import { startScenario } from './demo/scenario';
import { startFleet, startMail, startTemporal, startWorker } from './demo/stack';
import { endLeftover, endOrphans, endWave, waveResult, watchUntilVerdict } from './demo/wave';

export async function runDemo(o: DemoOptions): Promise<number> {
  const io = makeIo(!!o.json);
  const teardown = new Teardown();
  const interrupts = new Interrupts(io);
  const stateDir = resolve(o.stateDir);
  // The wave this run started, until it ended: running.json names it for the next run to end.
  const runningFile = join(stateDir, 'running.json');
  let running: { client: Client; waveId: string } | null = null;
  let code = 1;
  try {
    const { plan, scenario, timeScale, temporalPort, uiPort } = readDemoInput(o);
    mkdirSync(stateDir, { recursive: true });

    const temporal = await startTemporal({ temporalPort, uiPort }, stateDir, io, teardown);
    if (interrupts.interrupted) return 130;
    const client = await connectClient({ address: temporal.address, namespace: 'default' });
    teardown.add('Temporal client', () => client.connection.close());
    await endLeftover(client, runningFile, io);
    // In the demo's own database every running wave is an earlier demo's: its fleet is gone, and this
    // run's worker would otherwise pick it up. (A server the demo did not start is left alone.)
    if (temporal.server) await endOrphans(client, io);

    const fleet = await startFleet(plan, stateDir, io, teardown);
    const waveId = defaultWaveId(plan, new Date());
    const runDir = join(stateDir, 'out', waveId);
    mkdirSync(runDir, { recursive: true });
    const sink = await startMail(runDir, io, teardown);
    if (interrupts.interrupted) return 130;
    const workerLog = join(runDir, 'worker.log');
    const worker = await startWorker(client, temporal.address, sink.env(), workerLog, io, teardown, interrupts);

    const runPlan: Plan = { ...fleet.plan, output: demoOutputs(plan, runDir) };
    const startAtMs = Date.now();
    await startWave(client, runPlan, { timeScale, startAtMs, policy: o.policy, waveId });
    running = { client, waveId };
    writeFileSync(runningFile, JSON.stringify({ waveId, address: temporal.address, pid: process.pid }));
    const webUrl = temporal.webBase ? `${temporal.webBase}/namespaces/default/workflows/${waveId}` : null;
    io.say(`wave ${waveId} started: ${plan.wave.title}, ${formatDuration(plan.wave.duration)} compressed ×${timeScale} (${(plan.wave.duration / timeScale / 1000).toFixed(0)} s)${scenario ? `, scenario ${scenario.name}` : ''}`);
    io.say(webUrl ? `Web UI: ${webUrl}` : `Web UI: not found at 127.0.0.1:${uiPort} (the Temporal server at ${temporal.address} was already running)`);
    if (scenario) startScenario(scenario, fleet, { startAtMs, timeScale }, io, teardown);

    if (!(await watchUntilVerdict(client, waveId, timeScale, { child: worker, log: workerLog }, io, interrupts))) return 130;
    // The verdict is in, but the wave still writes its reports and sends the final email: the demo
    // ends with the workflow, not with its phase (stopping the worker now would leave it running).
    io.say('verdict in: waiting for the wave to write its reports and send the final email…');
    const status = await waveResult(client, waveId, () => interrupts.interrupted);
    if (interrupts.interrupted || !status) return 130;
    running = null;
    rmSync(runningFile, { force: true });

    const outcome = writeOutcome({
      status,
      output: runPlan.output,
      sink,
      webUrl,
      scenario: scenario?.name ?? null,
      runDir,
      processes: { temporal: temporal.server?.pid ?? null, worker: worker.pid ?? null, nats: fleet.nats.pid },
    });
    sayOutcome(outcome, io);
    if (o.json) printJson(outcome);
    code = 0;
  } catch (err) {
    if (interrupts.interrupted) code = 130;
    else if (err instanceof DemoInputError) {
      sayErr(err.message);
      code = 2;
    } else {
      sayErr(`wavewatch demo: could not run: ${err instanceof Error ? err.message : String(err)}`);
      code = 1;
    }
  } finally {
    // A wave that did not end here must not be picked up by the next run's worker.
    if (running && (await endWave(running.client, running.waveId, interrupts.interrupted ? 'demo interrupted' : 'demo could not finish', io))) rmSync(runningFile, { force: true });
    await teardown.run(io);
    interrupts.remove();
    if (code !== 0 && interrupts.interrupted) io.say('stopped.');
  }
  return code;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run a whole compressed wave on the local default stack and report it (docs/demo.md)')
    .option('--plan <file>', 'plan pointing at 127.0.0.1', 'plans/local.yaml')
    .option('--scenario <file>', 'inject the faults of a scenario file (scenarios/*.yaml)')
    .option('--time-scale <n>', 'compression: 720 runs 24 h in 2 minutes', '720')
    .option('--json', 'progress on stderr; the outcome as one JSON object, last on stdout')
    .option('--state-dir <dir>', 'Temporal database, fleet state and outputs', '.wavewatch/demo')
    .option('--temporal-port <n>', 'Temporal frontend port on 127.0.0.1 (reused when a server answers there)', '7233')
    .option('--ui-port <n>', 'Web UI port of a dev server the demo starts', '8233')
    .addOption(new Option('--policy <policy>', 'rollback policy of the wave').choices([...POLICIES]).default('auto'))
    .action(async (o: DemoOptions) => {
      const code = await runDemo(o);
      // Everything the demo started is stopped; leave now even if a library keeps a handle open.
      await new Promise<void>((r) => process.stdout.write('', () => r()));
      process.exit(code);
    });
}

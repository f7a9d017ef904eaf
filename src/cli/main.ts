// `wavewatch`: the operator's entry point. Every failure is one line on stderr and a non-zero exit
// (2: bad input, 1: could not do it), never a stack trace.
import { Command, Option } from 'commander';
import { loadPlan, PlanError } from '../plan/load';
import { formatDuration } from '../plan/duration';
import { parseStartAt, START_AT_FORMS } from '../plan/start-at';
import { temporalSettings, type TemporalSettings } from '../client/connection';
import { connectClient, defaultWaveId, signalWave, startWave, updateWave, waveStatus, WaveCommandError } from '../client/waves';
import { formatStatus } from './format-status';
import { registerDevCommands } from './dev';
import { registerRunCommands } from './run';
import { registerInspectCommands } from './inspect';

const program = new Command('wavewatch')
  .description('24-hour monitoring of a deployment wave as one durable Temporal workflow')
  .option('--address <host:port>', 'Temporal frontend (env TEMPORAL_ADDRESS, default 127.0.0.1:7233)')
  .option('--namespace <ns>', 'Temporal namespace (env TEMPORAL_NAMESPACE, default "default")')
  .showHelpAfterError();

const settings = (): TemporalSettings => temporalSettings(program.opts());
const client = () => connectClient(settings());
const print = (obj: unknown) => process.stdout.write(JSON.stringify(obj, null, 2) + '\n');

// ── plan ──────────────────────────────────────────────────────────────────────────────────────
const planCmd = program.command('plan').description('plan files');
planCmd
  .command('validate <file>')
  .description('check a plan file; exit 0 with a summary, or 2 with one line per problem')
  .option('--json', 'machine-readable summary')
  .action((file: string, o: { json?: boolean }) => {
    const plan = loadPlan(file);
    const summary = {
      file,
      wave: plan.wave.name,
      title: plan.wave.title,
      duration: formatDuration(plan.wave.duration),
      hosts: plan.hosts.map((h) => h.name),
      agentsUnderTest: plan.agents.underTest.map((a) => a.name),
      controlAgents: plan.agents.control.map((a) => a.name),
      checkpoints: plan.checkpoints.map((c) => c.name),
      criteria: plan.criteria.length,
      alertRules: plan.alerts.length,
      rollbackCriteria: plan.rollback.criteria.length,
      rollbackSteps: plan.rollback.steps.map((s) => s.name),
    };
    if (o.json) {
      print({ valid: true, ...summary });
      return;
    }
    console.log(
      `${file}: valid plan "${plan.wave.title}" (${summary.wave}), ${summary.duration}, ${plan.hosts.length} hosts, ` +
        `${summary.agentsUnderTest.length} agents under test, ${summary.controlAgents.length} control, ` +
        `checkpoints ${summary.checkpoints.join(' ')}, ${summary.criteria} criteria, ${summary.alertRules} alert rules, ` +
        `${summary.rollbackCriteria} rollback criteria, ${summary.rollbackSteps.length} rollback steps`,
    );
  });

// ── waves ─────────────────────────────────────────────────────────────────────────────────────
program
  .command('start')
  .description('start monitoring a wave; prints the wave id (the Temporal workflow id) last')
  .requiredOption('--plan <file>', 'plan file')
  .option('--time-scale <n>', 'divide every schedule duration by n (1 = real time)', '1')
  .option('--start-at <time>', 'monitoring start: ISO time, "now" or "-2h" (the end of phase 2)', 'now')
  .addOption(new Option('--policy <policy>', 'auto: as the plan says; hold: a human decides every rollback; observe: record only').choices(['auto', 'hold', 'observe']).default('auto'))
  .option('--id <id>', 'wave id (default: <wave>-<time>); also lets this wave run beside a running wave of the same plan (its files then go under <output.dir>/waves/<id>/)')
  .action(async (o: { plan: string; timeScale: string; startAt: string; policy: 'auto' | 'hold' | 'observe'; id?: string }) => {
    const plan = loadPlan(o.plan);
    const timeScale = Number(o.timeScale);
    if (!Number.isFinite(timeScale) || timeScale <= 0) throw new WaveCommandError(`--time-scale: expected a positive number, got "${o.timeScale}"`, 2);
    const startAtMs = parseStartAt(o.startAt);
    if (startAtMs === null) throw new WaveCommandError(`--start-at: expected ${START_AT_FORMS}, got "${o.startAt}"`, 2);
    const waveId = o.id ?? defaultWaveId(plan, new Date());
    if (!/^[A-Za-z0-9][A-Za-z0-9._:+-]{0,127}$/.test(waveId)) throw new WaveCommandError(`--id: expected letters, digits and . _ : + -, got "${waveId}"`, 2);
    const c = await client();
    await startWave(c, plan, { timeScale, startAtMs, policy: o.policy, waveId, besideRunning: o.id !== undefined });
    const s = settings();
    console.error(`started ${plan.wave.title}; watch it: wavewatch watch ${waveId}`);
    if (s.address.startsWith('127.0.0.1:7233')) console.error(`Web UI: http://localhost:8233/namespaces/${s.namespace}/workflows/${waveId}`);
    console.log(waveId);
  });

program
  .command('status <waveId>')
  .description("the wave's status (also for a finished wave)")
  .option('--json', 'the status object as JSON')
  .action(async (waveId: string, o: { json?: boolean }) => {
    const s = await waveStatus(await client(), waveId);
    if (o.json) print(s);
    else console.log(formatStatus(s));
  });

program
  .command('watch <waveId>')
  .description('follow a wave until it ends')
  .option('--interval <ms>', 'refresh interval', '2000')
  .action(async (waveId: string, o: { interval: string }) => {
    const c = await client();
    for (;;) {
      const s = await waveStatus(c, waveId);
      process.stdout.write(`\x1b[2J\x1b[H${formatStatus(s)}\n`);
      if (s.phase === 'completed' || s.phase === 'aborted') return;
      await new Promise((r) => setTimeout(r, Number(o.interval)));
    }
  });

const operatorOpts = (cmd: Command) => cmd.requiredOption('--reason <text>', 'why (recorded with the action)').option('--by <name>', 'who (default: $USER)');
const who = (o: { by?: string }) => o.by ?? process.env.USER ?? 'operator';

for (const [name, signal, what] of [
  ['abort', 'abort', 'stop monitoring now, no rollback (verdict ABORTED)'],
  ['pause', 'pause', 'suspend automatic actions (collection goes on)'],
  ['resume', 'resume', 'resume automatic actions; dismisses a hold'],
] as const) {
  operatorOpts(program.command(`${name} <waveId>`).description(what)).action(async (waveId: string, o: { reason: string; by?: string }) => {
    await signalWave(await client(), waveId, signal, { reason: o.reason, by: who(o) });
    console.log(`${name} sent to ${waveId}`);
  });
}

operatorOpts(program.command('rollback <waveId>').description('roll the wave back now and wait for the outcome')).action(
  async (waveId: string, o: { reason: string; by?: string }) => {
    const c = await client();
    const req = { reason: o.reason, by: who(o) };
    try {
      print(await updateWave(c, waveId, 'rollback', req, 60_000));
    } catch (err) {
      if (!(err instanceof WaveCommandError) || err.exitCode !== 3) throw err;
      // No worker answered: the signal is stored by the server and acted on when one runs.
      await signalWave(c, waveId, 'requestRollback', req);
      console.log(`no worker answered within 60 s; rollback requested by signal: it runs as soon as a worker is up`);
    }
  },
);

operatorOpts(program.command('extend <waveId>').description('move the final checkpoint later').requiredOption('--duration <d>', 'e.g. 2h')).action(
  async (waveId: string, o: { reason: string; by?: string; duration: string }) => {
    print(await updateWave(await client(), waveId, 'extendWave', { duration: o.duration, reason: o.reason, by: who(o) }));
  },
);

operatorOpts(program.command('collect-now <waveId>').description('a checkpoint-grade collection now (the spec\'s manual check)')).action(
  async (waveId: string, o: { reason: string; by?: string }) => {
    print(await updateWave(await client(), waveId, 'collectNow', { reason: o.reason, by: who(o) }, 15 * 60_000));
  },
);

operatorOpts(program.command('waive <waveId>').description('count a failed or inconclusive criterion as waived').requiredOption('--criterion <id>', 'criterion id')).action(
  async (waveId: string, o: { reason: string; by?: string; criterion: string }) => {
    print(await updateWave(await client(), waveId, 'waiveCriterion', { criterion: o.criterion, reason: o.reason, by: who(o) }));
  },
);

program
  .command('ack <waveId>')
  .description('acknowledge an alert (no more reminders)')
  .requiredOption('--alert <id>', 'alert id (see `wavewatch status`)')
  .option('--note <text>', 'note')
  .option('--by <name>', 'who')
  .action(async (waveId: string, o: { alert: string; note?: string; by?: string }) => {
    print(await updateWave(await client(), waveId, 'acknowledgeAlert', { alertId: o.alert, by: who(o), ...(o.note ? { note: o.note } : {}) }));
  });

registerDevCommands(program, settings);
registerRunCommands(program, settings);
registerInspectCommands(program, settings);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof PlanError) {
    console.error(err.message);
    process.exit(2);
  }
  if (err instanceof WaveCommandError) {
    console.error(`wavewatch: ${err.message}`);
    process.exit(err.exitCode);
  }
  console.error(`wavewatch: ${(err as Error)?.message?.split('\n')[0] ?? String(err)}`);
  process.exit(1);
});

// `wavewatch`: the operator's entry point. Every failure is one line on stderr and a non-zero exit
// (2: bad input, 1: could not do it), never a stack trace.
import { setTimeout as sleep } from 'node:timers/promises';
import { Command, Option } from 'commander';
import { loadPlan, PlanError } from '../plan/load';
import { formatDuration } from '../plan/duration';
import { temporalSettings, type TemporalSettings } from '../client/connection';
import { connectClient, defaultWaveId, refuseMalformed, signalWave, startWave, updateWave, waveStatus, WaveCommandError } from '../client/waves';
import { formatStatus } from './format-status';
import { waveClockOf } from './wave-clock';
import { POLICIES, type Policy } from '../model/vocabulary';
import { printJson, redraw, say, sayErr } from './terminal';
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
      printJson({ valid: true, ...summary });
      return;
    }
    say(
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
  .addOption(new Option('--policy <policy>', 'auto: as the plan says; hold: a human decides every rollback; observe: record only').choices([...POLICIES]).default('auto'))
  .option('--id <id>', 'wave id (default: <wave>-<time>); also lets this wave run beside a running wave of the same plan (its files then go under <output.dir>/waves/<id>/)')
  .action(async (o: { plan: string; timeScale: string; startAt: string; policy: Policy; id?: string }) => {
    const plan = loadPlan(o.plan);
    const { timeScale, startAtMs } = waveClockOf(o);
    const waveId = o.id ?? defaultWaveId(plan, new Date());
    if (!/^[A-Za-z0-9][A-Za-z0-9._:+-]{0,127}$/.test(waveId)) throw new WaveCommandError(`--id: expected letters, digits and . _ : + -, got "${waveId}"`, 2);
    const c = await client();
    await startWave(c, plan, { timeScale, startAtMs, policy: o.policy, waveId, besideRunning: o.id !== undefined });
    const s = settings();
    sayErr(`started ${plan.wave.title}; watch it: wavewatch watch ${waveId}`);
    if (s.address.startsWith('127.0.0.1:7233')) sayErr(`Web UI: http://localhost:8233/namespaces/${s.namespace}/workflows/${waveId}`);
    say(waveId);
  });

program
  .command('status <waveId>')
  .description("the wave's status (also for a finished wave)")
  .option('--json', 'the status object as JSON')
  .action(async (waveId: string, o: { json?: boolean }) => {
    const s = await waveStatus(await client(), waveId);
    if (o.json) printJson(s);
    else say(formatStatus(s));
  });

/** Each refresh is a status query: more often than twice a second only loads the server. */
const WATCH_INTERVAL_MS = { min: 500, max: 3_600_000 };

program
  .command('watch <waveId>')
  .description('follow a wave until it ends')
  .option('--interval <ms>', `refresh interval, ${WATCH_INTERVAL_MS.min} to ${WATCH_INTERVAL_MS.max} ms`, '2000')
  .action(async (waveId: string, o: { interval: string }) => {
    // Number('abc') is NaN and setTimeout(NaN) waits 1 ms: the watch polled the server without pause.
    const intervalMs = /^\d+$/.test(o.interval) ? Number(o.interval) : NaN;
    if (!(intervalMs >= WATCH_INTERVAL_MS.min && intervalMs <= WATCH_INTERVAL_MS.max))
      throw new WaveCommandError(`--interval: expected milliseconds from ${WATCH_INTERVAL_MS.min} to ${WATCH_INTERVAL_MS.max}, got "${o.interval}"`, 2);
    const c = await client();
    for (;;) {
      const s = await waveStatus(c, waveId);
      redraw(formatStatus(s));
      if (s.phase === 'completed' || s.phase === 'aborted') return;
      await sleep(intervalMs);
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
    const req = { reason: o.reason, by: who(o) };
    refuseMalformed(signal, req);
    await signalWave(await client(), waveId, signal, req);
    say(`${name} sent to ${waveId}`);
  });
}

operatorOpts(program.command('rollback <waveId>').description('roll the wave back now and wait for the outcome')).action(
  async (waveId: string, o: { reason: string; by?: string }) => {
    const req = { reason: o.reason, by: who(o) };
    refuseMalformed('rollback', req);
    const c = await client();
    try {
      printJson(await updateWave(c, waveId, 'rollback', req, 60_000));
    } catch (err) {
      if (!(err instanceof WaveCommandError) || err.exitCode !== 3) throw err;
      // No answer: the signal is stored by the server and acted on when a worker runs. The update
      // may have been taken already (a rollback waiting for its steps): say what the wave says.
      await signalWave(c, waveId, 'requestRollback', req);
      const s = await waveStatus(c, waveId).catch(() => null);
      const r = s?.rollback;
      if (!s) say(`no answer within 60 s; rollback requested by signal: it runs as soon as a worker is up (unless one was already requested: \`wavewatch status ${waveId}\` tells)`);
      else if (r?.requested) say(`no outcome within 60 s; the wave's rollback (requested by ${r.trigger?.by ?? '?'}: ${r.trigger?.reason ?? ''}) is ${r.finishedAt ? (r.ok ? 'done' : 'FAILED') : r.executed ? 'in progress' : 'requested, not yet begun'}`);
      else say(`no outcome within 60 s; rollback requested by signal: the wave has not taken it yet (phase ${s.phase})`);
    }
  },
);

operatorOpts(program.command('extend <waveId>').description('move the final checkpoint later').requiredOption('--duration <d>', 'e.g. 2h')).action(
  async (waveId: string, o: { reason: string; by?: string; duration: string }) => {
    const req = { duration: o.duration, reason: o.reason, by: who(o) };
    refuseMalformed('extendWave', req);
    printJson(await updateWave(await client(), waveId, 'extendWave', req));
  },
);

operatorOpts(program.command('collect-now <waveId>').description('a checkpoint-grade collection now (the spec\'s manual check)')).action(
  async (waveId: string, o: { reason: string; by?: string }) => {
    const req = { reason: o.reason, by: who(o) };
    refuseMalformed('collectNow', req);
    printJson(await updateWave(await client(), waveId, 'collectNow', req, 15 * 60_000));
  },
);

operatorOpts(program.command('waive <waveId>').description('count a failed or inconclusive criterion as waived').requiredOption('--criterion <id>', 'criterion id')).action(
  async (waveId: string, o: { reason: string; by?: string; criterion: string }) => {
    const req = { criterion: o.criterion, reason: o.reason, by: who(o) };
    refuseMalformed('waiveCriterion', req);
    printJson(await updateWave(await client(), waveId, 'waiveCriterion', req));
  },
);

program
  .command('ack <waveId>')
  .description('acknowledge an alert (no more reminders)')
  .requiredOption('--alert <id>', 'alert id (see `wavewatch status`)')
  .option('--note <text>', 'note')
  .option('--by <name>', 'who')
  .action(async (waveId: string, o: { alert: string; note?: string; by?: string }) => {
    const req = { alertId: o.alert, by: who(o), ...(o.note ? { note: o.note } : {}) };
    refuseMalformed('acknowledgeAlert', req);
    printJson(await updateWave(await client(), waveId, 'acknowledgeAlert', req));
  });

registerDevCommands(program, settings);
registerRunCommands(program, settings);
registerInspectCommands(program, settings);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof PlanError) {
    sayErr(err.message);
    process.exit(2);
  }
  if (err instanceof WaveCommandError) {
    sayErr(`wavewatch: ${err.message}`);
    process.exit(err.exitCode);
  }
  sayErr(`wavewatch: ${(err as Error)?.message?.split('\n')[0] ?? String(err)}`);
  process.exit(1);
});

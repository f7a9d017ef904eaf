// `wavewatch demo`: the main job on the embedded default (docs/demo.md). Starts the local stack — a
// Temporal dev server with its Web UI (or the one already answering), the simulated fleet of the
// plan on free ports, a local SMTP sink and a worker in a child process —, runs one compressed wave,
// shows its progress, prints where everything is, and stops everything it started, also on Ctrl-C.
// Exit 0 when the wave ran to its end (whatever the verdict), 2 on bad input, 1 when it could not
// run, 130 when interrupted.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { isAbsolute, join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { loadPlan, PlanError } from '../plan/load';
import type { Plan } from '../plan/schema';
import { startLocalFleet, type LocalFleet } from '../stack/local-stack';
import { startTemporalDevServer, waitForTemporal, type TemporalDevServer } from '../stack/temporal-server';
import { connectClient, defaultWaveId, firstLine, startWave, waveStatus, WaveCommandError } from '../client/waves';
import { TASK_QUEUE } from '../client/connection';
import { startMailSink, type MailSink } from '../notify/sink';
import { loadScenario, parseTimeScale, ScenarioError, formatPlanTime, type Scenario } from '../sim/scenario';
import { runScenario, type ScenarioEvent } from '../sim/scenario-runner';
import type { AlertStatus, Policy, WaveStatus } from '../workflows/status';
import { printJson, say, sayErr } from './terminal';
import { timeScaleProblem } from '../workflows/requests';
import { terminalSafe } from '../report/terminal-text';

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

/** The outcome printed last on stdout with --json: the status object plus where things are. */
export type DemoOutcome = WaveStatus & {
  artifactsDir: string;
  reportPath: string;
  decisionPath: string;
  alertLog: string;
  webUrl: string | null;
  mail: { dir: string; smtp: string; messages: number; byKind: Record<string, number> };
  scenario: string | null;
  runDir: string;
  processes: { temporal: number | null; worker: number | null; nats: number | null };
};

const BIN = resolve(__dirname, '../../bin/wavewatch.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class DemoInputError extends Error {}

/** The plan's output paths made absolute under the run's folder (relative ones keep their layout). */
export function demoOutputs(plan: Plan, runDir: string): Plan['output'] {
  const place = (p: string) => (isAbsolute(p) ? join(runDir, p.replace(/^\/+/, '')) : join(runDir, p));
  return {
    dir: place(plan.output.dir),
    alertLog: place(plan.output.alertLog),
    decisionDoc: place(plan.output.decisionDoc),
    reportDoc: place(plan.output.reportDoc),
  };
}

function httpAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((done) => {
    const req = request(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      done(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => done(false));
    req.end();
  });
}

function logTail(file: string, lines = 8): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

// ── live progress ────────────────────────────────────────────────────────────────────────────────

const VERDICT_MARK: Record<string, string> = { PASS: '✔', WARNING: '!', FAIL: '✖' };

/** Turns successive status objects into lines for people: what changed since the last one, and a progress line. */
export class DemoProgress {
  private phase: string | null = null;
  private checkpoints = new Set<string>();
  private alerts = new Map<string, string>();
  private rollbackShown = { requested: false, started: false, finished: false, steps: new Set<string>() };
  private holdShown: string | null = null;
  private lastHour = -1;

  constructor(private readonly timeScale: number) {}

  /** Plan time since the monitoring start. */
  planMs(s: Pick<WaveStatus, 'startAt'>, nowMs: number): number {
    return Math.max(0, (nowMs - Date.parse(s.startAt)) * this.timeScale);
  }

  /** The lines worth printing for this status (changes since the previous call). */
  changes(s: WaveStatus, nowMs: number): string[] {
    const out: string[] = [];
    const t = (iso: string | null | undefined) => `T+${formatPlanTime(this.planMs(s, iso ? Date.parse(iso) : nowMs))}`;
    for (const cp of s.checkpoints) {
      if (!cp.verdict || this.checkpoints.has(cp.name)) continue;
      this.checkpoints.add(cp.name);
      const counts = new Map<string, number>();
      for (const r of cp.criteria) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
      const bad = cp.criteria.filter((r) => r.outcome !== 'pass' && r.outcome !== 'waived');
      const summary = [...counts].map(([o, n]) => `${n} ${o}`).join(', ') || 'no criteria';
      out.push(`${VERDICT_MARK[cp.verdict] ?? '?'} checkpoint ${cp.name}: ${cp.verdict} (${summary})${cp.note ? ` — ${cp.note}` : ''}`);
      for (const r of bad.slice(0, 6)) out.push(`    ${r.outcome.padEnd(12)} ${r.title}: ${r.value ?? 'no data'}${r.note ? ` — ${r.note.slice(0, 140)}` : ''}`);
      if (bad.length > 6) out.push(`    … and ${bad.length - 6} more`);
    }
    for (const a of s.alerts) {
      const prev = this.alerts.get(a.id);
      if (prev === a.state) continue;
      this.alerts.set(a.id, a.state);
      const scope = a.message.includes(`[${a.scope}]`) ? '' : ` [${a.scope}]`;
      if (a.state === 'firing' && prev === undefined) out.push(`${alertMark(a)} ${t(a.firstFiredAt)}  alert ${a.severity}: ${a.message}${scope}`);
      else if (a.state === 'resolved') out.push(`  ${t(a.resolvedAt ?? null)}  resolved: ${a.message}${scope}`);
      else if (a.state === 'acknowledged') out.push(`  alert acknowledged: ${a.message}${a.acknowledgedBy ? ` (by ${a.acknowledgedBy})` : ''}`);
      else if (a.state === 'firing' && prev === 'resolved') out.push(`${alertMark(a)} ${t(a.lastFiredAt)}  alert again ${a.severity}: ${a.message}${scope}`);
    }
    if (s.hold && this.holdShown !== s.hold.since) {
      this.holdShown = s.hold.since;
      out.push(`⏸ holding for a human until ${s.hold.deadline}: ${s.hold.reason} (then ${s.hold.onTimeout})`);
    }
    const rb = s.rollback;
    if (rb.requested && !this.rollbackShown.requested) {
      this.rollbackShown.requested = true;
      out.push(`↩ rollback requested (${rb.trigger?.kind ?? '?'}${rb.trigger?.criterion ? ` ${rb.trigger.criterion}` : ''}: ${rb.trigger?.reason ?? ''})`);
    }
    if (rb.executed && rb.startedAt && !this.rollbackShown.started) {
      this.rollbackShown.started = true;
      out.push(`↩ ${t(rb.startedAt)}  rollback procedure running`);
    }
    for (const st of rb.steps)
      if (st.state !== 'pending' && !this.rollbackShown.steps.has(st.name)) {
        this.rollbackShown.steps.add(st.name);
        const targets = st.targets.map((x) => `${x.target} ${x.outcome}`).join(', ');
        out.push(`    step ${st.name}: ${st.state}${targets ? ` (${targets})` : ''}`);
      }
    if (rb.finishedAt && !this.rollbackShown.finished) {
      this.rollbackShown.finished = true;
      out.push(`↩ rollback ${rb.ok ? 'done' : 'FAILED'}${rb.verification ? ` — ${rb.verification}` : ''}`);
    }
    if (s.phase !== this.phase) {
      if (this.phase !== null || s.phase !== 'monitoring') out.push(`${t(null)}  phase ${s.phase}${s.verdict ? `, verdict ${s.verdict}` : ''}`);
      this.phase = s.phase;
    }
    return out;
  }

  /** One line: a bar from the previous checkpoint (or the start) to the next one. */
  bar(s: WaveStatus, nowMs: number, width = 24): string {
    const start = Date.parse(s.startAt);
    const end = Date.parse(s.endsAt);
    const done = s.checkpoints.filter((c) => c.ranAt || c.verdict).map((c) => Date.parse(c.dueAt)).filter((x) => x <= nowMs);
    const from = Math.max(start, ...done);
    const next = s.nextCheckpoint;
    const to = next ? Date.parse(next.dueAt) : end;
    const frac = Math.min(1, Math.max(0, (nowMs - from) / Math.max(1, to - from)));
    const filled = Math.round(frac * width);
    const firing = s.alerts.filter((a) => a.state === 'firing').length;
    const left = to - nowMs;
    const wall = left >= 1000 ? `${(left / 1000).toFixed(0)} s` : `${Math.max(0, left)} ms`;
    const what = left <= 0 ? `${next ? next.name : 'final'} collecting…` : `${next ? next.name : 'end'} in ${wall}`;
    return (
      `T+${formatPlanTime(this.planMs(s, nowMs))} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${what}` +
      ` · ticks ${s.interim.ticks}${s.interim.skippedTicks ? ` (${s.interim.skippedTicks} skipped)` : ''} · ${firing} alert${firing === 1 ? '' : 's'} firing · ${s.phase}`
    );
  }

  /** For output that is not a terminal: a progress line every other plan hour. */
  periodic(s: WaveStatus, nowMs: number): string | null {
    const hour = Math.floor(this.planMs(s, nowMs) / 3_600_000 / 2) * 2;
    if (hour === this.lastHour) return null;
    this.lastHour = hour;
    return this.bar(s, nowMs);
  }
}

function alertMark(a: Pick<AlertStatus, 'severity'>): string {
  return a.severity === 'critical' ? '🚨' : '⚠️ ';
}

// ── the run ──────────────────────────────────────────────────────────────────────────────────────

interface Io {
  /** Progress for people: stdout, or stderr with --json. */
  say(line: string): void;
  /** The redrawn progress line (terminal only). */
  live(line: string): void;
  liveCapable: boolean;
}

function makeIo(json: boolean): Io {
  const stream = json ? process.stderr : process.stdout;
  const tty = !!stream.isTTY;
  let shown = false;
  const clear = () => {
    if (shown) stream.write('\r\x1b[2K');
    shown = false;
  };
  return {
    say(line) {
      clear();
      say(line, stream);
    },
    live(line) {
      if (!tty) return;
      const cols = (stream as NodeJS.WriteStream).columns ?? 120;
      clear();
      stream.write([...terminalSafe(line)].slice(0, cols - 1).join(''));
      shown = true;
    },
    liveCapable: tty,
  };
}

/** A worker in a child process (`wavewatch worker`), its output in a log file. */
async function spawnWorker(address: string, env: Record<string, string>, logFile: string): Promise<ChildProcess> {
  const fd = openSync(logFile, 'a');
  try {
    return spawn(process.execPath, [BIN, 'worker', '--address', address], {
      env: { ...process.env, ...env, TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: 'default' },
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
}

/** Resolves when the worker process polls the task queue (its identity is "<pid>@host"). */
async function workerReady(client: Client, child: ChildProcess, logFile: string, timeoutMs: number, interrupted: () => boolean): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the worker exited before it was ready (${child.exitCode ?? child.signalCode}); ${logFile}:\n${logTail(logFile)}`);
    if (interrupted()) throw new Error('interrupted');
    try {
      const r = await client.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: TASK_QUEUE, kind: 1 }, taskQueueType: 1 });
      const ids = (r.pollers ?? []).map((p) => p.identity ?? '');
      if (ids.some((id) => id.startsWith(`${child.pid}@`))) return ids.filter((id) => !id.startsWith(`${child.pid}@`));
    } catch {
      /* the server is busy starting */
    }
    if (Date.now() > deadline) throw new Error(`the worker did not poll the task queue within ${timeoutMs / 1000} s; ${logFile}:\n${logTail(logFile)}`);
    await sleep(300);
  }
}

async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export async function runDemo(o: DemoOptions): Promise<number> {
  const io = makeIo(!!o.json);
  const stops: { what: string; fn: () => Promise<unknown> }[] = [];
  let interrupted = false;
  let hardStop = () => undefined as void;
  const onSignal = () => {
    if (interrupted) {
      hardStop();
      process.exit(130);
    }
    interrupted = true;
    io.say('interrupted: stopping everything the demo started (Ctrl-C again to kill at once)');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const stateDir = resolve(o.stateDir);
  const runningFile = join(stateDir, 'running.json');
  let code = 1;
  let waveStarted: { client: Client; waveId: string } | null = null;
  let ended = false;
  try {
    // ── input, before anything starts ──
    let plan: Plan;
    let scenario: Scenario | null = null;
    try {
      plan = loadPlan(o.plan);
      if (o.scenario) scenario = loadScenario(o.scenario, plan);
    } catch (err) {
      if (err instanceof PlanError || err instanceof ScenarioError) throw new DemoInputError(err.message);
      throw err;
    }
    const timeScale = parseTimeScale(o.timeScale) ?? NaN;
    const badScale = timeScaleProblem(timeScale, JSON.stringify(o.timeScale));
    if (badScale) throw new DemoInputError(`--time-scale: ${badScale}`);
    const temporalPort = Number(o.temporalPort);
    const uiPort = Number(o.uiPort);
    for (const [flag, v] of [['--temporal-port', temporalPort], ['--ui-port', uiPort]] as const)
      if (!Number.isInteger(v) || v < 1 || v > 65535) throw new DemoInputError(`${flag}: expected a port number, got "${flag === '--ui-port' ? o.uiPort : o.temporalPort}"`);
    mkdirSync(stateDir, { recursive: true });

    // ── Temporal: the server already answering, else a dev server with the Web UI ──
    const address = `127.0.0.1:${temporalPort}`;
    let temporal: TemporalDevServer | null = null;
    let webBase: string | null = null;
    try {
      await waitForTemporal(address, 1500);
      io.say(`Temporal: using the server already at ${address}`);
      if (await httpAnswers(`http://127.0.0.1:${uiPort}/`)) webBase = `http://localhost:${uiPort}`;
    } catch {
      io.say(`Temporal: starting a dev server on ${address} (Web UI :${uiPort}, database ${join(stateDir, 'temporal.db')})`);
      // In its own process group: a Ctrl-C in the terminal reaches the demo only, which still needs
      // the server to end its wave before it stops it (last). Killed on any exit of the demo.
      temporal = await startTemporalDevServer({ port: temporalPort, uiPort, dbFile: join(stateDir, 'temporal.db'), logFile: join(stateDir, 'temporal.log'), detached: true });
      const t = temporal;
      const killTemporal = () => {
        try {
          process.kill(t.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      };
      process.once('exit', killTemporal);
      stops.push({
        what: 'Temporal dev server',
        fn: async () => {
          await t.stop();
          process.removeListener('exit', killTemporal);
        },
      });
      webBase = `http://localhost:${uiPort}`;
    }
    if (interrupted) return 130;
    const client = await connectClient({ address, namespace: 'default' });
    stops.push({ what: 'Temporal client', fn: () => client.connection.close() });
    await endLeftover(client, runningFile, io);
    // In the demo's own database every running wave is an earlier demo's: its fleet is gone, and this
    // run's worker would otherwise pick it up. (A server the demo did not start is left alone.)
    if (temporal) await endOrphans(client, io);

    // ── the simulated fleet, the mail sink ──
    const fleet: LocalFleet = await startLocalFleet({ plan, stateDir: join(stateDir, 'fleet'), freePorts: true });
    stops.push({ what: 'simulated fleet', fn: () => fleet.stop() });
    io.say(`fleet: ${fleet.plan.hosts.map((h) => `${h.name} ssh :${h.port}`).join(', ')}; NATS ${fleet.nats.url} (monitoring ${fleet.nats.monitoringUrl})`);
    const waveId = defaultWaveId(plan, new Date());
    const runDir = join(stateDir, 'out', waveId);
    mkdirSync(runDir, { recursive: true });
    const sink: MailSink = await startMailSink({ dir: join(runDir, 'mail') });
    stops.push({ what: 'mail sink', fn: () => sink.close() });
    io.say(`mail: SMTP sink smtp://${sink.host}:${sink.port}, messages saved in ${sink.dir}`);
    if (interrupted) return 130;

    // ── the worker, in its own process, with the sink's SMTP settings ──
    const workerLog = join(runDir, 'worker.log');
    const worker = await spawnWorker(address, sink.env(), workerLog);
    hardStop = () => {
      worker.kill('SIGKILL'); // the dev server and nats-server go with the exit hooks
    };
    const killWorkerOnExit = () => worker.kill('SIGKILL');
    process.once('exit', killWorkerOnExit);
    stops.push({
      what: 'worker',
      fn: async () => {
        await stopChild(worker, 15_000);
        process.removeListener('exit', killWorkerOnExit);
      },
    });
    io.say(`worker: pid ${worker.pid}, log ${workerLog} (bundling the workflow code…)`);
    const others = await workerReady(client, worker, workerLog, 180_000, () => interrupted);
    if (others.length) io.say(`note: other workers poll the task queue "${TASK_QUEUE}" on this server too (${others.join(', ')}); they may run parts of this wave`);

    // ── the wave ──
    const runPlan: Plan = { ...fleet.plan, output: demoOutputs(plan, runDir) };
    const startAtMs = Date.now();
    await startWave(client, runPlan, { timeScale, startAtMs, policy: o.policy, waveId });
    waveStarted = { client, waveId };
    writeFileSync(runningFile, JSON.stringify({ waveId, address, pid: process.pid }));
    const webUrl = webBase ? `${webBase}/namespaces/default/workflows/${waveId}` : null;
    io.say(`wave ${waveId} started: ${plan.wave.title}, ${formatPlanTime(plan.wave.duration)} compressed ×${timeScale} (${(plan.wave.duration / timeScale / 1000).toFixed(0)} s)${scenario ? `, scenario ${scenario.name}` : ''}`);
    io.say(webUrl ? `Web UI: ${webUrl}` : `Web UI: not found at 127.0.0.1:${uiPort} (the Temporal server at ${address} was already running)`);

    let scenarioRun: ReturnType<typeof runScenario> | null = null;
    if (scenario) {
      for (const f of scenario.faults) io.say(`  fault ${f.describe}`);
      scenarioRun = runScenario(scenario, fleet, {
        startAtMs,
        timeScale,
        onEvent: (e: ScenarioEvent) => io.say(`⚡ T+${formatPlanTime(e.planMs)}  ${e.text}`),
        onError: (err, what) => io.say(`⚡ fault effect failed (${what}): ${firstLine(err)}`),
      });
      const r = scenarioRun;
      stops.push({ what: 'scenario', fn: () => r.stop({ revert: false }) });
    }

    // ── progress until the wave ends ──
    const progress = new DemoProgress(timeScale);
    let status: WaveStatus | null = null;
    let failures = 0;
    while (!interrupted) {
      if (worker.exitCode !== null || worker.signalCode !== null) throw new Error(`the worker exited (${worker.exitCode ?? worker.signalCode}); ${workerLog}:\n${logTail(workerLog)}`);
      try {
        status = await waveStatus(client, waveId);
        failures = 0;
      } catch (err) {
        // A wave that failed or was terminated has no status: that is the end of the demo.
        if (err instanceof WaveCommandError && /ended as|unknown wave/.test(err.message)) throw err;
        if (++failures >= 60) throw err; // a status query unanswered for ~30 s
        await sleep(500);
        continue;
      }
      const now = Date.now();
      for (const line of progress.changes(status, now)) io.say(line);
      if (status.phase === 'completed' || status.phase === 'aborted') break;
      if (io.liveCapable) io.live(progress.bar(status, now));
      else {
        const line = progress.periodic(status, now);
        if (line) io.say(line);
      }
      await sleep(io.liveCapable ? 250 : 500);
    }
    if (interrupted || !status) return 130;
    // The verdict is in, but the wave still writes its reports and sends the final email: the demo
    // ends with the workflow, not with its phase (stopping the worker now would leave it running).
    io.say('verdict in: waiting for the wave to write its reports and send the final email…');
    status = await waveResult(client, waveId, () => interrupted);
    if (interrupted || !status) return 130;
    ended = true;
    rmSync(runningFile, { force: true });

    // ── the outcome ──
    const out = runPlan.output;
    const mailCounts = sink.counts();
    const outcome: DemoOutcome = {
      ...status,
      artifactsDir: out.dir,
      reportPath: out.reportDoc,
      decisionPath: out.decisionDoc,
      alertLog: out.alertLog,
      webUrl,
      mail: { dir: sink.dir, smtp: `smtp://${sink.host}:${sink.port}`, messages: sink.messages.filter((m) => !m.duplicate).length, byKind: mailCounts },
      scenario: scenario?.name ?? null,
      runDir,
      processes: { temporal: temporal?.pid ?? null, worker: worker.pid ?? null, nats: fleet.nats.pid },
    };
    writeFileSync(join(runDir, 'outcome.json'), JSON.stringify(outcome, null, 2) + '\n');
    const fired = status.alerts.length;
    io.say('');
    io.say(`verdict: ${status.verdict ?? '(none)'}  phase ${status.phase}  rollback ${status.rollback.executed ? `executed${status.rollback.ok === false ? ' (FAILED)' : ''}` : 'not executed'}  alerts ${fired} (${status.alerts.filter((a) => a.state === 'resolved').length} resolved)`);
    if (webUrl) io.say(`Web UI:     ${webUrl}`);
    io.say(`artifacts:  ${out.dir}${existsSync(out.dir) ? '' : ' (not written)'}`);
    io.say(`report:     ${out.reportDoc}${existsSync(out.reportDoc) ? '' : ' (not written)'}`);
    io.say(`decision:   ${out.decisionDoc}${existsSync(out.decisionDoc) ? '' : ' (not written)'}`);
    io.say(`alert log:  ${out.alertLog}${existsSync(out.alertLog) ? '' : ' (no alert)'}`);
    io.say(`emails:     ${sink.dir} (${outcome.mail.messages} message${outcome.mail.messages === 1 ? '' : 's'}${Object.keys(mailCounts).length ? `: ${Object.entries(mailCounts).map(([k, n]) => `${n} ${k}`).join(', ')}` : ''}; .eml files, index.jsonl)`);
    const problems = (status as { problems?: string[] }).problems ?? [];
    if (problems.length) io.say(`problems:   ${problems.slice(-3).join(' | ')}`);
    if (o.json) printJson(outcome);
    code = 0;
  } catch (err) {
    if (interrupted) code = 130;
    else if (err instanceof DemoInputError) {
      sayErr(err.message);
      code = 2;
    } else {
      sayErr(`wavewatch demo: could not run: ${err instanceof Error ? err.message : String(err)}`);
      code = 1;
    }
  } finally {
    // A wave that did not end here must not be picked up by the next run's worker.
    if (waveStarted && !ended && (await endWave(waveStarted.client, waveStarted.waveId, interrupted ? 'demo interrupted' : 'demo could not finish', io)))
      rmSync(runningFile, { force: true });
    for (const s of stops.reverse()) {
      try {
        await s.fn();
      } catch (err) {
        io.say(`stopping the ${s.what}: ${firstLine(err)}`);
      }
    }
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    if (code !== 0 && interrupted) io.say('stopped.');
  }
  return code;
}

/** The wave's final status, its workflow's result; null when interrupted first. */
async function waveResult(client: Client, waveId: string, stopped: () => boolean): Promise<WaveStatus | null> {
  const result = client.workflow.getHandle(waveId).result() as Promise<WaveStatus>;
  result.catch(() => undefined); // observed below, or abandoned when interrupted
  for (;;) {
    const r = await Promise.race([result, sleep(250).then(() => null)]);
    if (r) return r;
    if (stopped()) return null;
  }
}

/** Terminates the demo's wave (the Temporal server keeps the history). Best effort, a few seconds; true when it no longer runs. */
async function endWave(client: Client, waveId: string, reason: string, io: Io): Promise<boolean> {
  const within = <T>(p: Promise<T>) => Promise.race([p, sleep(3000).then(() => Promise.reject(new Error('no answer within 3 s')))]);
  try {
    const h = client.workflow.getHandle(waveId);
    const d = await within(h.describe());
    if (d.status.name === 'RUNNING') {
      await within(h.terminate(reason));
      io.say(`wave ${waveId} terminated (${reason})`);
    }
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return true; // another server or database: nothing to end here
    io.say(`wave ${waveId} could not be terminated now (${firstLine(err)}); the next demo run ends it`);
    return false;
  }
}

/** A wave left running by an interrupted demo (running.json) is terminated before a new one starts. */
async function endLeftover(client: Client, file: string, io: Io): Promise<void> {
  if (!existsSync(file)) return;
  try {
    const { waveId } = JSON.parse(readFileSync(file, 'utf8')) as { waveId: string };
    if (!(await endWave(client, waveId, 'left running by an interrupted demo', io))) return;
  } catch {
    /* unreadable: nothing to end */
  }
  rmSync(file, { force: true });
}

async function endOrphans(client: Client, io: Io): Promise<void> {
  try {
    for await (const w of client.workflow.list({ query: `ExecutionStatus = 'Running' AND WorkflowType = 'waveWorkflow'` }))
      await endWave(client, w.workflowId, 'left running by an earlier demo (its fleet is gone)', io);
  } catch (err) {
    io.say(`could not look for waves left running by earlier demos: ${firstLine(err)}`);
  }
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
    .addOption(new Option('--policy <policy>', 'rollback policy of the wave').choices(['auto', 'hold', 'observe']).default('auto'))
    .action(async (o: DemoOptions) => {
      const code = await runDemo(o);
      // Everything the demo started is stopped; leave now even if a library keeps a handle open.
      await new Promise<void>((r) => process.stdout.write('', () => r()));
      process.exit(code);
    });
}

// Where a demo run's outputs go, and its outcome: the wave's final status plus where everything is,
// written to outcome.json, summed up for people, and printed last on stdout with --json.
import { existsSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Plan } from '../../plan/schema';
import type { MailSink } from '../../notify/sink';
import type { WaveStatus } from '../../model/status';
import type { Io } from './io';

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

export interface OutcomeParts {
  status: WaveStatus;
  output: Plan['output'];
  sink: MailSink;
  webUrl: string | null;
  scenario: string | null;
  runDir: string;
  processes: DemoOutcome['processes'];
}

/** The outcome, also written to `<runDir>/outcome.json`. */
export function writeOutcome(p: OutcomeParts): DemoOutcome {
  const outcome: DemoOutcome = {
    ...p.status,
    artifactsDir: p.output.dir,
    reportPath: p.output.reportDoc,
    decisionPath: p.output.decisionDoc,
    alertLog: p.output.alertLog,
    webUrl: p.webUrl,
    mail: { dir: p.sink.dir, smtp: `smtp://${p.sink.host}:${p.sink.port}`, messages: p.sink.messages.filter((m) => !m.duplicate).length, byKind: p.sink.counts() },
    scenario: p.scenario,
    runDir: p.runDir,
    processes: p.processes,
  };
  writeFileSync(join(p.runDir, 'outcome.json'), JSON.stringify(outcome, null, 2) + '\n');
  return outcome;
}

/** The summary for people: the verdict, then where each output is (and whether it was written). */
export function sayOutcome(outcome: DemoOutcome, io: Io): void {
  const status = outcome;
  const mailCounts = outcome.mail.byKind;
  const fired = status.alerts.length;
  io.say('');
  io.say(`verdict: ${status.verdict ?? '(none)'}  phase ${status.phase}  rollback ${status.rollback.executed ? `executed${status.rollback.ok === false ? ' (FAILED)' : ''}` : 'not executed'}  alerts ${fired} (${status.alerts.filter((a) => a.state === 'resolved').length} resolved)`);
  if (outcome.webUrl) io.say(`Web UI:     ${outcome.webUrl}`);
  io.say(`artifacts:  ${outcome.artifactsDir}${existsSync(outcome.artifactsDir) ? '' : ' (not written)'}`);
  io.say(`report:     ${outcome.reportPath}${existsSync(outcome.reportPath) ? '' : ' (not written)'}`);
  io.say(`decision:   ${outcome.decisionPath}${existsSync(outcome.decisionPath) ? '' : ' (not written)'}`);
  io.say(`alert log:  ${outcome.alertLog}${existsSync(outcome.alertLog) ? '' : ' (no alert)'}`);
  io.say(`emails:     ${outcome.mail.dir} (${outcome.mail.messages} message${outcome.mail.messages === 1 ? '' : 's'}${Object.keys(mailCounts).length ? `: ${Object.entries(mailCounts).map(([k, n]) => `${n} ${k}`).join(', ')}` : ''}; .eml files, index.jsonl)`);
  const problems = (status as { problems?: string[] }).problems ?? [];
  if (problems.length) io.say(`problems:   ${problems.slice(-3).join(' | ')}`);
}

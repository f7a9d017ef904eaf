// Commands that read without a workflow: the spec's quick health check, and regenerating a wave's
// reports from its stored artifacts (for a finished or a running wave).
import type { Command } from 'commander';
import { defaultPayloadConverter } from '@temporalio/common';
import { loadPlan } from '../plan/load';
import { runHealthCheck, formatHealthReport } from '../collect/hosts/health-check';
import { LocalArtifactStore } from '../artifacts/store';
import { regenerateReports } from '../activities/write-reports';
import { connectClient, firstLine, WaveCommandError } from '../client/waves';
import type { TemporalSettings } from '../client/connection';
import type { WaveInput } from '../workflows/wave-state';
import { printJson, say, sayErr } from './terminal';

export function registerInspectCommands(program: Command, settings: () => TemporalSettings): void {
  program
    .command('check')
    .description("the spec's quick health check: every host's load, memory and disk, every agent unit's state")
    .requiredOption('--plan <file>', 'plan file')
    .option('--agents <list>', 'only these agents (comma-separated)')
    .option('--json', 'as JSON')
    .action(async (o: { plan: string; agents?: string; json?: boolean }) => {
      const plan = loadPlan(o.plan);
      const agents = o.agents?.split(',').map((a) => a.trim()).filter(Boolean);
      const known = [...plan.agents.underTest, ...plan.agents.control].map((a) => a.name);
      const unknown = (agents ?? []).filter((a) => !known.includes(a));
      if (unknown.length) throw new WaveCommandError(`--agents: not in the plan: ${unknown.join(', ')} (the plan has ${known.join(', ')})`, 2);
      const report = await runHealthCheck(plan, { agents });
      if (o.json) printJson(report);
      else say(formatHealthReport(report));
    });

  program
    .command('report <waveId>')
    .description("regenerate a wave's reports and charts from its stored artifacts (finished or running)")
    .action(async (waveId: string) => {
      const client = await connectClient(settings());
      let input: WaveInput;
      try {
        const history = await client.workflow.getHandle(waveId).fetchHistory();
        const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
        input = defaultPayloadConverter.fromPayload(payload as never) as WaveInput;
      } catch (err) {
        throw new WaveCommandError(/not found/i.test(String(err)) ? `unknown wave id "${waveId}"` : `cannot read wave "${waveId}": ${firstLine(err)}`);
      }
      const store = new LocalArtifactStore();
      const r = await regenerateReports(store, input.plan);
      for (const p of r.problems) sayErr(`problem: ${p}`);
      say(`${r.files.length} files regenerated; verdict ${r.verdict ?? '(wave still running)'}`);
      say(`report: ${store.locate(input.plan.output.reportDoc)}`);
      say(`decision: ${store.locate(input.plan.output.decisionDoc)}`);
    });
}

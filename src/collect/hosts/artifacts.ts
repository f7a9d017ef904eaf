// The checkpoint files of the spec's data layout that come from the hosts: agent_status.json,
// errors.log and system_metrics.json. Content builders are pure; `writeHostArtifacts` writes them
// through the project's ArtifactStore.
import type { ArtifactStore } from '../../artifacts/store';
import type { HostsCollection } from './collect';

export const AGENT_STATUS_FILE = 'agent_status.json';
export const ERRORS_LOG_FILE = 'errors.log';
export const SYSTEM_METRICS_FILE = 'system_metrics.json';

export function agentStatusJson(c: HostsCollection): string {
  return `${JSON.stringify(
    {
      collectedFrom: c.startedAt,
      collectedUntil: c.finishedAt,
      unreachable: c.unreachable,
      agents: c.agents,
      errors: c.errors.map(({ lines: _lines, ...rest }) => rest),
    },
    null,
    2,
  )}\n`;
}

/** Raw error lines, oldest first, one per line; units that could not be read say so in a comment line. */
export function errorsLog(c: HostsCollection): string {
  const lines: { at: string; line: string }[] = [];
  const notes: string[] = [];
  for (const e of c.errors) {
    for (const l of e.lines) lines.push({ at: l.slice(0, 24), line: l });
    if (e.error) notes.push(`# ${e.host} ${e.unit || e.agent}: ${e.error}`);
    if (e.truncated) notes.push(`# ${e.host} ${e.unit}: journal read capped; older entries of the window not read`);
  }
  lines.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const head = `# errors since ${new Date(c.sinceMs).toISOString()} (collected ${new Date(c.finishedAt).toISOString()}); priority <= err or matching the plan's errorPattern`;
  return `${[head, ...notes, ...lines.map((l) => l.line)].join('\n')}\n`;
}

export function systemMetricsJson(c: HostsCollection): string {
  return `${JSON.stringify({ collectedFrom: c.startedAt, collectedUntil: c.finishedAt, hosts: c.system }, null, 2)}\n`;
}

export async function writeHostArtifacts(store: ArtifactStore, dir: string, c: HostsCollection): Promise<string[]> {
  const files: [string, string][] = [
    [AGENT_STATUS_FILE, agentStatusJson(c)],
    [ERRORS_LOG_FILE, errorsLog(c)],
    [SYSTEM_METRICS_FILE, systemMetricsJson(c)],
  ];
  for (const [name, content] of files) await store.write(`${dir}/${name}`, content);
  return files.map(([n]) => `${dir}/${n}`);
}

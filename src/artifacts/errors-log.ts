// errors.log's line format, shared by its writer (report/text renderErrorsLog) and its reader
// (readCheckpoint): one entry per line, "<time> <host> <agent> <role> <priority> <message>", with
// \n, \r and \\ escaped in the message; lines starting with "#" are comments.
import type { ErrorEntry } from './records/agents';
import type { Role } from '../model/vocabulary';

export const PRIORITY = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];

export function escapeLine(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

function unescapeLine(s: string): string {
  return s.replace(/\\(\\|n|r)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : '\\'));
}

/** One entry as its errors.log line. */
export function errorLine(e: ErrorEntry): string {
  return `${e.at} ${e.host} ${e.agent} ${e.role} ${e.priority === null ? '-' : PRIORITY[e.priority] ?? String(e.priority)} ${escapeLine(e.message)}`;
}

/** The entries of an errors.log. */
export function parseErrorsLog(text: string): ErrorEntry[] {
  const out: ErrorEntry[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(\S+) (\S+) (\S+) (test|control) (\S+) ?(.*)$/.exec(line);
    if (!m) continue;
    const p = PRIORITY.indexOf(m[5]);
    out.push({ at: m[1], host: m[2], agent: m[3], role: m[4] as Role, priority: m[5] === '-' ? null : p >= 0 ? p : Number(m[5]), message: unescapeLine(m[6]) });
  }
  return out;
}

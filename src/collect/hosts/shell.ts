// The project's one shell-quoting helper, and the wrapper every remote command runs in.
// Remote commands are strings that a POSIX shell on the host parses; every value that came from a
// plan goes through `quote` after validation, so no name can end the quoted word and run anything.
import { NAME_PATTERN } from '../../plan/schema';

/** POSIX single-quote quoting: the result is one shell word whose value is exactly `arg`. */
export function quote(arg: string): string {
  if (arg.includes('\0')) throw new Error('cannot quote a string containing a NUL byte');
  // Inside single quotes nothing is special except the closing quote: end, escaped quote, reopen.
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Throws unless `value` is a plan name (host, agent): letters, digits, ".", "_", "-". */
export function assertName(value: string, what: string): string {
  if (typeof value !== 'string' || !NAME_PATTERN.test(value))
    throw new Error(`invalid ${what} name ${JSON.stringify(value)}: expected letters, digits, ".", "_", "-" (max 64)`);
  return value;
}

/** systemd unit names: the name alphabet plus "@", ":" and "\\" (escapes); no spaces, quotes or "/". */
const UNIT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9:_.@\\-]{0,255}$/;

/** The unit of an agent from the plan's template (`agent-runtime@{agent}`), validated. */
export function unitName(template: string, agent: string): string {
  assertName(agent, 'agent');
  const unit = template.split('{agent}').join(agent);
  if (!UNIT_PATTERN.test(unit)) throw new Error(`invalid unit name ${JSON.stringify(unit)} from template ${JSON.stringify(template)}`);
  return unit;
}

/** An absolute path without NUL or newlines (it is quoted anyway; newlines would confuse parsers). */
export function assertPath(path: string, what: string): string {
  if (typeof path !== 'string' || !path.startsWith('/') || /[\0\n\r]/.test(path))
    throw new Error(`invalid ${what} ${JSON.stringify(path)}: expected an absolute path`);
  return path;
}

/**
 * The form every command takes on the wire: the C locale (stable, parseable output) and a remote
 * kill after `timeoutSec` (GNU coreutils `timeout`; exit 137 when it fires), the command itself run
 * by `sh -c` as one quoted word. The simulated hosts parse exactly this form.
 */
export function wrapRemote(command: string, timeoutSec: number): string {
  const n = Math.max(1, Math.ceil(timeoutSec));
  return `LC_ALL=C timeout -s KILL ${n} sh -c ${quote(command)}`;
}

/** Builds a command from words, quoting each (use for everything built from plan values). */
export function shellWords(words: string[]): string {
  return words.map((w) => (/^[A-Za-z0-9_./=,:@%+-]+$/.test(w) ? w : quote(w))).join(' ');
}

// Every remote command wavewatch runs, built from validated plan values with quoting, and the
// reading of a failed result into a clear error. The simulated hosts answer exactly these forms.
import { SHOW_PROPERTIES } from './parse/systemctl';
import { HOST_CLOCK_KEY } from './parse/clock';
import { quote, assertPath } from './shell';
import type { ExecResult } from './ssh-pool';

/** `systemctl show` of one unit, unix timestamps. */
export function systemctlShowCommand(unit: string, unixTimestamps = true): string {
  return `systemctl show ${quote(unit)} -p ${SHOW_PROPERTIES.join(',')}${unixTimestamps ? ' --timestamp=unix' : ''}`;
}

/** The same for systemd older than 251 (no --timestamp=unix): default format in UTC. */
export function systemctlShowFallbackCommand(unit: string): string {
  return `TZ=UTC ${systemctlShowCommand(unit, false)}`;
}

/**
 * `command` preceded by a reading of the host's clock (parse/clock.ts), so that the host's timestamps
 * in its output can be put on the worker's clock. The reading comes first: the exit status stays the
 * command's, and a host without GNU date still answers the command.
 */
export function withHostClock(command: string): string {
  return `date +${HOST_CLOCK_KEY}=%s%N; ${command}`;
}

/** The journal fields we read (cursor and timestamps always come with -o json). Keeps the transfer small. */
export const JOURNAL_FIELDS = ['MESSAGE', 'PRIORITY', '_PID', 'SYSLOG_IDENTIFIER', '_SYSTEMD_UNIT', 'UNIT'] as const;

/** Journal entries of a unit since an epoch (ms) or after a cursor, as JSON lines. */
export function journalCommand(unit: string, since: { sinceMs?: number; cursor?: string }, maxEntries?: number): string {
  const parts = ['journalctl', '-u', quote(unit), '-o', 'json', `--output-fields=${JOURNAL_FIELDS.join(',')}`, '--no-pager', '-q'];
  if (since.cursor) parts.push(`--after-cursor=${quote(since.cursor)}`);
  else if (since.sinceMs !== undefined) {
    const secs = Math.floor(since.sinceMs / 1000);
    parts.push('--since', `@${secs}`);
  }
  if (maxEntries !== undefined) parts.push('-n', String(Math.max(1, Math.floor(maxEntries))));
  return parts.join(' ');
}

export const PROC_STATUS = (pid: number) => `cat /proc/${Math.floor(pid)}/status`;
export const LOADAVG = 'cat /proc/loadavg';
export const MEMINFO = 'cat /proc/meminfo';
export const UPTIME = 'cat /proc/uptime';
export const NETDEV = 'cat /proc/net/dev';
export const DF_FIELDS = 'source,fstype,size,used,avail,pcent,target';
export function dfCommand(path: string): string {
  return `df -B1 --output=${DF_FIELDS} ${quote(assertPath(path, 'install path'))}`;
}
export const NVIDIA_QUERY_FIELDS = [
  'index',
  'uuid',
  'name',
  'utilization.gpu',
  'utilization.memory',
  'memory.total',
  'memory.used',
  'temperature.gpu',
  'power.draw',
  'ecc.errors.uncorrected.volatile.total',
  'clocks_throttle_reasons.active',
] as const;
/** A host without nvidia-smi answers exit 127 from the shell ("not found"): GPUs absent, not an error. */
export const NVIDIA_SMI = `nvidia-smi --query-gpu=${NVIDIA_QUERY_FIELDS.join(',')} --format=csv,noheader,nounits`;

/**
 * Why a result cannot be used, or null when it ran and exited 0. Names the likely cause for the
 * usual failures (missing program, no systemd, timeout, connection) so reports say it plainly.
 */
export function failureOf(r: ExecResult, what: string): string | null {
  if (r.error) return `${what}: ${r.error}`;
  if (r.exitCode === 0) return null;
  const err = r.stderr.trim().split('\n').slice(-3).join(' | ').slice(0, 400);
  if (r.exitCode === 127) return `${what}: command not found on ${r.host}${err ? ` (${err})` : ''}`;
  if (/not been booted with systemd|Failed to connect to bus|System has not been booted/i.test(r.stderr))
    return `${what}: systemd is not running on ${r.host} (${err})`;
  return `${what}: exit ${r.exitCode ?? 'unknown'}${err ? ` (${err})` : ''}`;
}

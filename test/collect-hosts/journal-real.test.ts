// The journal parser and error analysis on real journalctl output: journal files are made with
// systemd-journal-remote from an export file written here, then queried with our exact command.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { journalCommand } from '../../src/collect/hosts/commands';
import { parseJournalJson, analyseErrors, errorPatternOf, normaliseMessage, errorLogEntry, decodeJournalValue } from '../../src/collect/hosts/parse/journal';
import { tempDir } from './helpers';

const T0 = 1769162400; // 2026-01-23T10:00:00Z
const BOOT = '0123456789abcdef0123456789abcdef';

type Field = [string, string | Buffer];
function exportEntry(ts: number, prio: number, msg: string | Buffer, unit = 'agent-runtime@network-expert.service', extra: Field[] = []): Buffer {
  const fields: Field[] = [
    ['__REALTIME_TIMESTAMP', String(ts * 1_000_000)],
    ['__MONOTONIC_TIMESTAMP', String((ts - T0 + 5000) * 1_000_000)],
    ['_BOOT_ID', BOOT],
    ['_SYSTEMD_UNIT', unit],
    ['PRIORITY', String(prio)],
    ['_PID', '4242'],
    ['SYSLOG_IDENTIFIER', 'agent-runtime'],
    ...extra,
    ['MESSAGE', msg],
  ];
  const parts: Buffer[] = [];
  for (const [k, v] of fields) {
    if (typeof v === 'string' && !v.includes('\n')) parts.push(Buffer.from(`${k}=${v}\n`));
    else {
      // binary-safe form: name, newline, little-endian 64-bit size, data, newline
      const data = Buffer.isBuffer(v) ? v : Buffer.from(v);
      const size = Buffer.alloc(8);
      size.writeBigUInt64LE(BigInt(data.length));
      parts.push(Buffer.from(`${k}\n`), size, data, Buffer.from('\n'));
    }
  }
  parts.push(Buffer.from('\n'));
  return Buffer.concat(parts);
}

describe('journal: real journalctl output', () => {
  const tmp = tempDir('ww-journal-');
  const run = (cmd: string) => execFileSync('/bin/sh', ['-c', `${cmd} --directory=${tmp.dir}/j`], { encoding: 'utf8' });

  beforeAll(() => {
    const entries = [
      exportEntry(T0 - 100, 6, 'agent started'),
      exportEntry(T0 + 1, 3, 'ERROR failed to publish to 192.0.2.1:4222 after 3 retries'),
      exportEntry(T0 + 2, 6, 'request 81723 error: timeout after 5000ms', undefined, [['X_TAG', 'a'], ['X_TAG', 'b']]),
      exportEntry(T0 + 3, 6, Buffer.from('binary \x01\x02 error here')),
      exportEntry(T0 + 4, 3, 'other unit err', 'agent-runtime@tdd-expert.service'),
      exportEntry(T0 + 5, 6, 'request 90001 error: timeout after 7000ms'),
      exportEntry(T0 + 6, 6, 'handled 120 messages'),
      exportEntry(T0 + 7, 4, 'multi\nline warning with errors'),
      exportEntry(T0 + 8, 2, 'CRIT session 3f2b8c1e-9a7d-4c2e-8f10-2b3c4d5e6f70 corrupted'),
    ];
    writeFileSync(join(tmp.dir, 'export'), Buffer.concat(entries));
    execFileSync('mkdir', ['-p', join(tmp.dir, 'j')]);
    execFileSync('/lib/systemd/systemd-journal-remote', [`--output=${join(tmp.dir, 'j', 'remote.journal')}`, join(tmp.dir, 'export')], { stdio: 'ignore' });
  });
  afterAll(() => tmp.cleanup());

  test('our exact command: unit filter, --since @epoch, fields decoded', () => {
    const out = run(journalCommand('agent-runtime@network-expert', { sinceMs: T0 * 1000 }));
    const { entries, badLines, lastCursor } = parseJournalJson(out);
    expect(badLines).toBe(0);
    expect(entries.map((e) => e.realtimeUs! / 1e6)).toEqual([T0 + 1, T0 + 2, T0 + 3, T0 + 5, T0 + 6, T0 + 7, T0 + 8]);
    expect(entries[0]).toMatchObject({ priority: 3, pid: 4242, message: 'ERROR failed to publish to 192.0.2.1:4222 after 3 retries', unit: 'agent-runtime@network-expert.service' });
    expect(entries[2].message).toBe('binary \x01\x02 error here'); // printed by journalctl as a byte array
    expect(entries[5].message).toBe('multi\nline warning with errors'); // newline: byte array too
    expect(entries.every((e) => e.cursor && e.cursor.includes(`b=${BOOT}`))).toBe(true);
    expect(lastCursor).toBe(entries[6].cursor);
  });

  test('repeated fields come as arrays (without --output-fields filtering them away)', () => {
    const out = run(`journalctl -u 'agent-runtime@network-expert' -o json -q --since @${T0 + 2} -n 1 --until @${T0 + 2}`);
    const { entries } = parseJournalJson(out);
    expect(entries).toHaveLength(1);
    expect(entries[0].fields.X_TAG).toEqual(['a', 'b']);
  });

  test('after a cursor: only newer entries', () => {
    const first = parseJournalJson(run(journalCommand('agent-runtime@network-expert', { sinceMs: T0 * 1000 })));
    const cursor = first.entries[3].cursor!;
    const next = parseJournalJson(run(journalCommand('agent-runtime@network-expert', { cursor })));
    expect(next.entries.map((e) => e.realtimeUs! / 1e6)).toEqual([T0 + 6, T0 + 7, T0 + 8]);
  });

  test('no entries: empty output, exit 0 (not an error, not a fake zero from grep)', () => {
    const out = run(journalCommand('agent-runtime@nix-expert', { sinceMs: T0 * 1000 }));
    expect(out).toBe('');
    expect(parseJournalJson(out).entries).toEqual([]);
  });

  test('error analysis: priority ≤ err plus the plan pattern; normalised types; recurring vs one-off', () => {
    const { entries } = parseJournalJson(run(journalCommand('agent-runtime@network-expert', { sinceMs: T0 * 1000 })));
    const a = analyseErrors(entries, errorPatternOf('\\berror\\b'));
    expect(a.entries).toBe(7);
    expect(a.byPriority).toBe(2); // err + crit
    expect(a.byPattern).toBe(3); // two timeouts + the binary line ("errors" does not match \berror\b)
    expect(a.errors).toBe(5);
    const timeout = a.types.find((t) => t.type === 'request <n> error: timeout after <n>ms')!;
    expect(timeout.count).toBe(2);
    expect(timeout.recurring).toBe(true);
    expect(timeout.firstSeen).toBe((T0 + 2) * 1000);
    expect(timeout.lastSeen).toBe((T0 + 5) * 1000);
    expect(a.types.find((t) => t.type === 'ERROR failed to publish to <ip> after <n> retries')!.recurring).toBe(false);
    expect(a.types.find((t) => t.type.startsWith('CRIT session'))!.type).toBe('CRIT session <uuid> corrupted');
    expect(a.recurring).toBe(1);
    expect(a.oneOff).toBe(3);
    const entry = errorLogEntry('agent-runtime@network-expert', a.errorEntries[0]);
    expect(entry).toEqual({ at: '2026-01-23T10:00:01.000Z', unit: 'agent-runtime@network-expert', pid: 4242, priority: 3, message: 'ERROR failed to publish to 192.0.2.1:4222 after 3 retries' });
  });
});

describe('journal parsing edge cases', () => {
  test('the error entry handed over: no time, a priority outside 0–7, CRLF, a literal backslash-n kept as written', () => {
    const p = parseJournalJson('{"MESSAGE":"a\\r\\nb \\\\n c","PRIORITY":"9"}\n{"PRIORITY":"2","_PID":"7","__REALTIME_TIMESTAMP":"1769162401000000"}\n');
    expect(errorLogEntry('u', p.entries[0])).toEqual({ at: null, unit: 'u', pid: null, priority: null, message: 'a\nb \\n c' });
    expect(errorLogEntry('u', p.entries[1])).toEqual({ at: '2026-01-23T10:00:01.000Z', unit: 'u', pid: 7, priority: 2, message: '(no message)' });
  });
  test('values: string, bytes, array of strings and bytes, null', () => {
    expect(decodeJournalValue('x')).toBe('x');
    expect(decodeJournalValue([104, 105])).toBe('hi');
    expect(decodeJournalValue(['a', [98]])).toEqual(['a', 'b']);
    expect(decodeJournalValue(null)).toBeNull();
  });
  test('null MESSAGE (too large without --all) and non-JSON lines are counted, not invented', () => {
    const p = parseJournalJson('{"MESSAGE":null,"PRIORITY":"3","__REALTIME_TIMESTAMP":"1"}\nnot json\n\n');
    expect(p.entries).toHaveLength(1);
    expect(p.entries[0].message).toBeNull();
    expect(p.badLines).toBe(1);
    const a = analyseErrors(p.entries, /error/i);
    expect(a.errors).toBe(1);
    expect(a.types[0].type).toBe('(no message)');
  });
  test('normalisation masks numbers, ids, addresses, timestamps', () => {
    expect(normaliseMessage('2026-01-23T10:00:00.123Z conn 0x7f3a from [fe80::1]:4222 id deadbeef01 took 12.5ms')).toBe('<ts> conn <hex> from [<ip>]:<n> id <id> took <n>ms');
    expect(normaliseMessage('peer 192.168.1.20:55012 reset, aa:bb:cc:dd:ee:ff')).toBe('peer <ip> reset, <mac>');
  });
  test('an invalid plan pattern is a clear error', () => {
    expect(() => errorPatternOf('(')).toThrow(/invalid agents.errorPattern/);
  });
});

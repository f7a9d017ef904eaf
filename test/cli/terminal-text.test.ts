// Host-written text reaches the operator's terminal with its control characters shown, never acted
// on: the sanitizer on crafted strings, the watch frame on a crafted alert, and the CLI itself (a
// child process) printing a plan title and an error carrying escape sequences.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { terminalJson, terminalSafe } from '../../src/report/terminal-text';
import { renderWatch } from '../../src/report/watch';

const ROOT = join(__dirname, '../..');
// Anything a terminal could act on: C0 but \n and \t, DEL, C1.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
// A journal line as a hostile or broken agent could write it: clear the screen, set the window
// title, an 8-bit CSI, a carriage return that overwrites the line, a bell.
const HOSTILE = 'oops \x1b[2J\x1b]0;pwned\x07 \u009b31m red\r GO\x7f';

describe('terminalSafe', () => {
  test('shows every control character but newline and tab as \\xNN', () => {
    expect(terminalSafe(HOSTILE)).toBe('oops \\x1b[2J\\x1b]0;pwned\\x07 \\x9b31m red\\x0d GO\\x7f');
    expect(terminalSafe('line 1\n\tline 2 — ✅ ünïcode')).toBe('line 1\n\tline 2 — ✅ ünïcode');
    expect(terminalSafe(HOSTILE)).not.toMatch(CONTROL);
  });
  test('JSON keeps the same value and carries no raw control character', () => {
    const json = terminalJson({ message: HOSTILE });
    expect(json).not.toMatch(CONTROL);
    expect(JSON.parse(json)).toEqual({ message: HOSTILE });
  });
});

describe('the watch frame', () => {
  test('an alert message from a host is shown, not acted on', () => {
    const at = '2026-11-28T10:10:00.000Z';
    const frame = renderWatch({
      title: 'w', waveId: 'w-1', phase: 'monitoring', verdict: null, now: at, checkpoints: [], samples: [],
      alerts: [{ id: 'a', rule: 'errors', severity: 'critical', scope: 'dgx-1', state: 'firing', firstFiredAt: at, message: HOSTILE }],
    });
    expect(frame).not.toMatch(CONTROL);
    expect(frame).toContain('oops \\x1b[2J');
  });
});

describe('the CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wavewatch-terminal-'));
    const text = readFileSync(join(ROOT, 'plans/local.yaml'), 'utf8').replace('title: Sprint 5.3 Wave 2', `title: "Wave \\e[2J\\e]0;pwned\\a 2"`);
    writeFileSync(join(dir, 'plan.yaml'), text);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/wavewatch.js'), ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });

  test('prints text from a file with its escape sequences shown', () => {
    const r = cli('plan', 'validate', join(dir, 'plan.yaml'));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('valid plan "Wave \\x1b[2J\\x1b]0;pwned\\x07 2"');
    expect(r.stdout).not.toMatch(CONTROL);
  });
  test('an error line is shown the same way', () => {
    const r = cli('plan', 'validate', join(dir, 'no\x1b[31msuch.yaml'));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no\\x1b[31msuch.yaml');
    expect(r.stderr).not.toMatch(CONTROL);
  });
});

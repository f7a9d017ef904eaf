import { execFileSync } from 'node:child_process';
import { quote, wrapRemote, unitName, assertName } from '../../src/collect/hosts/shell';

const HOSTILE = [
  "x'; touch /tmp/pwned; echo '",
  '$(touch /tmp/pwned)',
  '`id`',
  'a b\tc\nd',
  "'",
  "''",
  '\\',
  '"; rm -rf / #',
  '-n',
  '*',
  '',
  'ü€\u0001',
];

describe('quote', () => {
  test.each(HOSTILE)('real /bin/sh reads %j back as one literal word', (s) => {
    const out = execFileSync('/bin/sh', ['-c', `printf '%s' ${quote(s)}`]).toString();
    expect(out).toBe(s);
  });
  test('nested in the remote wrapper, still literal', () => {
    for (const s of HOSTILE) {
      const cmd = wrapRemote(`printf '%s' ${quote(s)}`, 5);
      expect(execFileSync('/bin/sh', ['-c', cmd]).toString()).toBe(s);
    }
  });
  test('NUL is refused', () => expect(() => quote('a\0b')).toThrow(/NUL/));
  test('names are validated before a unit name is built', () => {
    expect(unitName('agent-runtime@{agent}', 'network-expert')).toBe('agent-runtime@network-expert');
    expect(() => unitName('agent-runtime@{agent}', "x'; touch /tmp/p; '")).toThrow(/invalid agent name/);
    expect(() => assertName('-rf', 'host')).toThrow();
  });
});

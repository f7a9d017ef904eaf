import { utils } from 'ssh2';
import { parseKnownHosts, verifyHostKey, hashHostName, knownHostsName, fingerprintOf, entryMatches, keyTypeOf, hostKeyAlgorithmsFor } from '../../src/collect/hosts/known-hosts';

const key = () => utils.generateKeyPairSync('ed25519').public.split(' ');
const blob = (k: string[]) => Buffer.from(k[1], 'base64');

describe('known_hosts', () => {
  const [t1, b1] = key();
  const [t2, b2] = key();
  const k1 = Buffer.from(b1, 'base64');
  const k2 = Buffer.from(b2, 'base64');

  test('names: port 22 plain, other ports bracketed', () => {
    expect(knownHostsName('192.0.2.1', 22)).toBe('192.0.2.1');
    expect(knownHostsName('dgx-1.example', 2222)).toBe('[dgx-1.example]:2222');
  });

  test('plain, wildcard, negated, hashed, comments and corrupt lines', () => {
    const text = [
      '# comment',
      '',
      `192.0.2.1,dgx-1 ${t1} ${b1} root@dgx-1`,
      `192.0.2.* ,!192.0.2.9 ${t2} ${b2}`.replace(' ,', ','),
      `${hashHostName('[127.0.0.1]:2201', Buffer.alloc(20, 7))} ${t1} ${b1}`,
      `broken-line ssh-ed25519`,
      `mismatch ssh-rsa ${b1}`,
      `@revoked 192.0.2.66 ${t1} ${b1}`,
      `@cert-authority *.example ${t2} ${b2}`,
    ].join('\n');
    const e = parseKnownHosts(text);
    expect(e).toHaveLength(5); // broken and type-mismatched lines are skipped
    expect(entryMatches(e[0], '192.0.2.1')).toBe(true);
    expect(entryMatches(e[0], 'DGX-1')).toBe(true);
    expect(entryMatches(e[1], '192.0.2.5')).toBe(true);
    expect(entryMatches(e[1], '192.0.2.9')).toBe(false);
    expect(entryMatches(e[2], '[127.0.0.1]:2201')).toBe(true);
    expect(entryMatches(e[2], '[127.0.0.1]:2202')).toBe(false);
    const policy = { knownHosts: e, knownHostsFile: 'kh' };
    expect(verifyHostKey(policy, 'h', '192.0.2.1', 22, k1)).toEqual({ ok: true, how: 'known_hosts line 3' });
    expect(verifyHostKey(policy, 'h', '127.0.0.1', 2201, k1).ok).toBe(true);
    // any matching line with the key will do (192.0.2.1 is also under 192.0.2.*, which has k2)
    expect(verifyHostKey(policy, 'h', '192.0.2.1', 22, k2).ok).toBe(true);
    const k3 = blob(key());
    expect(verifyHostKey(policy, 'h', '192.0.2.1', 22, k3)).toMatchObject({ ok: false, reason: expect.stringMatching(/^HOST KEY CHANGED for h \(192\.0\.2\.1\).*kh lines 3, 4/) });
    expect(verifyHostKey(policy, 'h', 'dgx-1', 22, k2)).toMatchObject({ ok: false, reason: expect.stringMatching(/kh line 3;/) });
    expect(verifyHostKey(policy, 'h', '192.0.2.9', 22, k3)).toMatchObject({ ok: false, reason: expect.stringMatching(/^UNKNOWN HOST KEY/) });
    expect(verifyHostKey(policy, 'h', '192.0.2.66', 22, k1)).toMatchObject({ ok: false, reason: expect.stringMatching(/@revoked/) });
    // a @cert-authority line is not a host key
    expect(verifyHostKey(policy, 'h', 'a.example', 22, k2).ok).toBe(false);
  });

  test('pinned fingerprints win over known_hosts and must match', () => {
    const fp = fingerprintOf(k1);
    expect(fp).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(verifyHostKey({ knownHosts: null, fingerprint: fp }, 'h', 'x', 22, k1).ok).toBe(true);
    expect(verifyHostKey({ knownHosts: null, fingerprint: fp }, 'h', 'x', 22, k2)).toMatchObject({ ok: false, reason: expect.stringMatching(/HOST KEY MISMATCH/) });
    expect(verifyHostKey({ knownHosts: null }, 'h', 'x', 22, k1)).toMatchObject({ ok: false, reason: expect.stringMatching(/no known_hosts file and no pinned fingerprint/) });
  });

  test('key types and offered algorithms', () => {
    expect(keyTypeOf(blob([t1, b1]))).toBe('ssh-ed25519');
    expect(keyTypeOf(Buffer.from('x'))).toBeNull();
    expect(hostKeyAlgorithmsFor(['ssh-rsa', 'ssh-ed25519'])).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519']);
    expect(hostKeyAlgorithmsFor([])).toBeNull();
    void t2;
  });
});

// Host-key verification: OpenSSH known_hosts files (plain and hashed `|1|salt|hash` entries,
// wildcards, negation, `[host]:port`, `@revoked`) and pinned `SHA256:` fingerprints.
// ssh2 accepts any host key unless told otherwise; this module is what tells it.
import { createHash, createHmac } from 'node:crypto';

export interface KnownHostEntry {
  marker: 'cert-authority' | 'revoked' | null;
  patterns: string[]; // as written (may be hashed)
  keyType: string;
  key: Buffer; // the key blob (base64-decoded third field)
  line: number;
}

/** OpenSSH's fingerprint: "SHA256:" + unpadded base64 of the SHA-256 of the key blob. */
export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside a key blob (its first SSH string), e.g. "ssh-ed25519". */
export function keyTypeOf(blob: Buffer): string | null {
  if (blob.length < 4) return null;
  const len = blob.readUInt32BE(0);
  if (len <= 0 || len > 64 || blob.length < 4 + len) return null;
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** Parses a known_hosts file; lines it cannot read are skipped (as OpenSSH does), comments too. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'] = null;
    if (fields[0].startsWith('@')) {
      const m = fields.shift()!;
      if (m === '@cert-authority') marker = 'cert-authority';
      else if (m === '@revoked') marker = 'revoked';
      else return;
    }
    if (fields.length < 3) return;
    const [hosts, keyType, b64] = fields;
    if (!/^[A-Za-z0-9+/]+=*$/.test(b64)) return;
    const key = Buffer.from(b64, 'base64');
    if (keyTypeOf(key) !== keyType) return; // a corrupt or mismatched line never matches anything
    out.push({ marker, patterns: hosts.split(','), keyType, key, line: i + 1 });
  });
  return out;
}

/** The name OpenSSH looks up: "host" on port 22, "[host]:port" otherwise. */
export function knownHostsName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

function globMatch(pattern: string, text: string): boolean {
  const re = new RegExp(
    `^${pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\[/g, '\\[').replace(/\]/g, '\\]').replace(/\*/g, '.*').replace(/\?/g, '.')}$`,
    'i',
  );
  return re.test(text);
}

function patternMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const parts = pattern.split('|');
    if (parts.length !== 4) return false;
    const salt = Buffer.from(parts[2], 'base64');
    const want = Buffer.from(parts[3], 'base64');
    const got = createHmac('sha1', salt).update(name).digest();
    return want.length === got.length && got.equals(want);
  }
  return globMatch(pattern, name);
}

/** Whether an entry's host patterns match `name` (OpenSSH semantics: any negated match excludes). */
export function entryMatches(entry: KnownHostEntry, name: string): boolean {
  let matched = false;
  for (const p of entry.patterns) {
    if (p.startsWith('!')) {
      if (patternMatches(p.slice(1), name)) return false;
    } else if (patternMatches(p, name)) matched = true;
  }
  return matched;
}

/** A hashed known_hosts pattern for `name` (what `ssh-keygen -H` writes), for tests and tools. */
export function hashHostName(name: string, salt: Buffer): string {
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

export type HostKeyVerdict = { ok: true; how: string } | { ok: false; reason: string };

export interface HostKeyPolicy {
  /** Entries of the known_hosts file, or null when none is configured. */
  knownHosts: KnownHostEntry[] | null;
  knownHostsFile?: string;
  /** Pinned fingerprint of this host, if any. */
  fingerprint?: string;
}

/**
 * Decides whether the key a host presented is the one we expect. Pinned fingerprint first (it
 * must match when set); else the known_hosts file must list this key for the host. Unknown and
 * changed keys are refused with a reason that names the host, the key and where we looked.
 */
export function verifyHostKey(policy: HostKeyPolicy, hostLabel: string, address: string, port: number, blob: Buffer): HostKeyVerdict {
  const fp = fingerprintOf(blob);
  const type = keyTypeOf(blob) ?? 'unknown';
  const name = knownHostsName(address, port);
  const entries = (policy.knownHosts ?? []).filter((e) => e.marker !== 'cert-authority' && entryMatches(e, name));
  if (entries.some((e) => e.marker === 'revoked' && e.key.equals(blob)))
    return { ok: false, reason: `host key of ${hostLabel} (${name}) is marked @revoked in ${policy.knownHostsFile}: ${type} ${fp}` };
  if (policy.fingerprint) {
    if (policy.fingerprint === fp) return { ok: true, how: 'pinned fingerprint' };
    return {
      ok: false,
      reason: `HOST KEY MISMATCH for ${hostLabel} (${name}): it presented ${type} ${fp}, the plan pins ${policy.fingerprint}; refusing the host (possible man-in-the-middle or a reinstalled host)`,
    };
  }
  if (policy.knownHosts === null)
    return { ok: false, reason: `cannot verify the host key of ${hostLabel} (${name}): no known_hosts file and no pinned fingerprint; refusing ${type} ${fp}` };
  const plain = entries.filter((e) => e.marker === null);
  if (plain.some((e) => e.key.equals(blob))) return { ok: true, how: `known_hosts line ${plain.find((e) => e.key.equals(blob))!.line}` };
  if (plain.length > 0)
    return {
      ok: false,
      reason: `HOST KEY CHANGED for ${hostLabel} (${name}): it presented ${type} ${fp}, which does not match ${policy.knownHostsFile} line${plain.length > 1 ? 's' : ''} ${plain.map((e) => e.line).join(', ')}; refusing the host (possible man-in-the-middle or a reinstalled host)`,
    };
  return { ok: false, reason: `UNKNOWN HOST KEY for ${hostLabel} (${name}): ${type} ${fp} is not in ${policy.knownHostsFile}; refusing the host` };
}

/** The ssh2 host-key algorithms to offer for the key types known for a host (so it presents one we know). */
export function hostKeyAlgorithmsFor(types: string[]): string[] | null {
  const out: string[] = [];
  for (const t of new Set(types)) {
    if (t === 'ssh-rsa') out.push('rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa');
    else out.push(t);
  }
  return out.length ? out : null;
}

// Plan hosts as SSH targets, and the check every target passes before anything is dialled.
import type { Plan } from '../../../plan/schema';
import { NAME_PATTERN } from '../../../plan/schema';
import type { SshTarget } from './types';

/** The pool's target for a plan host. */
export function targetOf(host: Plan['hosts'][number]): SshTarget {
  return { name: host.name, address: host.address, port: host.port, user: host.user };
}

/** Why a target cannot be used (names, address, port), or null. */
export function validateTarget(t: SshTarget): string | null {
  if (!t || typeof t !== 'object') return 'invalid target';
  if (!NAME_PATTERN.test(t.name ?? '')) return `invalid host name ${JSON.stringify(t.name)}`;
  if (!NAME_PATTERN.test(t.user ?? '')) return `invalid user name ${JSON.stringify(t.user)} for ${t.name}`;
  if (!/^[A-Za-z0-9.:-]{1,253}$/.test(t.address ?? '')) return `invalid address ${JSON.stringify(t.address)} for ${t.name}`;
  if (!Number.isInteger(t.port) || t.port < 1 || t.port > 65535) return `invalid port ${t.port} for ${t.name}`;
  return null;
}

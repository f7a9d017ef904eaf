// What the sampler checks in each message: an empty payload, a payload that is not JSON (corrupt),
// the message's identity for dual-publish pairing, and the agent it belongs to.
import { createHash } from 'node:crypto';
import type { Msg } from '../client';

/** The payload read: empty, corrupt (not JSON) or the parsed JSON. */
export type PayloadCheck = { kind: 'empty' } | { kind: 'corrupt' } | { kind: 'json'; payload: unknown };

export function checkPayload(m: Pick<Msg, 'data' | 'string'>): PayloadCheck {
  if (m.data.length === 0) return { kind: 'empty' };
  try {
    return { kind: 'json', payload: JSON.parse(m.string()) };
  } catch {
    return { kind: 'corrupt' };
  }
}

/** The Nats-Msg-Id header, else a hash of the payload: the same event on both patterns pairs by it. */
export function messageId(m: Pick<Msg, 'data' | 'headers'>): string {
  const id = m.headers?.get('Nats-Msg-Id') || undefined;
  return id ?? 'h:' + createHash('sha1').update(m.data).digest('base64');
}

/** The agent a message belongs to: a suffix token naming an agent of the plan, else the payload's "agent". */
export function attributeAgent(suffix: string, agents: ReadonlySet<string>, payload: unknown): string | null {
  const dot = suffix.indexOf('.');
  const first = dot < 0 ? suffix : suffix.slice(0, dot);
  if (agents.has(first)) return first;
  for (const tok of suffix.split('.')) if (agents.has(tok)) return tok;
  if (payload && typeof payload === 'object' && typeof (payload as { agent?: unknown }).agent === 'string') return (payload as { agent: string }).agent;
  return null;
}

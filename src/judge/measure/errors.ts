// Error entries of the agents in scope: count, per 5 minutes, per message handled.
import type { Measurement } from '../rules';
import type { Observation } from '../observations';
import { coverWindows } from '../windows';
import { fmtPct, partial, type Calc, type Measures } from './context';
import { instanceKey } from '../../model/instance';

function errorObservations(c: Calc): Observation[] {
  if (c.sel.kind === 'tick') return c.sel.current.errors ? [c.sel.current] : [];
  return coverWindows(c.sel.inWindow, (o) => o.errors !== null);
}

function errorCount(c: Calc): Measurement & { windowMs: number } {
  const obs = errorObservations(c);
  if (obs.length === 0) return { value: null, samples: 0, windowMs: 0, note: 'errors not collected in this window' };
  let total = 0;
  const failed: string[] = [];
  const missing: string[] = [];
  const perAgent = new Map<string, number>();
  for (const o of obs)
    for (const { host, agent } of c.expected) {
      const e = (o.errors ?? []).find((x) => x.host === host && x.agent === agent && c.inScope(x));
      if (!e) missing.push(instanceKey(host, agent));
      else if (e.count === null) failed.push(`${instanceKey(host, agent)}${e.error ? ` (${e.error})` : ''}`);
      else {
        total += e.count;
        perAgent.set(agent, (perAgent.get(agent) ?? 0) + e.count);
      }
    }
  const windowMs = obs.reduce((s, o) => s + o.windowMs, 0);
  const note = `${total} errors in ${Math.round(windowMs / 1000)} s${perAgent.size ? ` (${[...perAgent].map(([a, n]) => `${a} ${n}`).join(', ')})` : ''}`;
  if (failed.length + missing.length === 0) return { value: total, samples: obs.length, windowMs, note };
  return { ...partial({ value: total, bound: 'lower', samples: obs.length, note }, [...new Set(missing)], [...new Set(failed)], 'errors'), windowMs };
}

function errorsPer5Min(c: Calc): Measurement {
  const m = errorCount(c);
  if (m.value === null || m.windowMs <= 0) return { value: null, samples: m.samples, error: m.error, note: m.note ?? 'no measured window' };
  const value = (m.value * 300_000) / m.windowMs;
  return { value, samples: m.samples, bound: m.bound, error: m.error, note: `${m.note}: ${+value.toFixed(3)} per 5 min over the window measured` };
}

/**
 * Errors ÷ messages over the instances (agent@host) whose two counts were both read. A host that could
 * not be read leaves its instances out — of the errors *and* of the messages — and is named in the
 * note: one unreadable host must not blind the criterion on every agent (decisions-turn2, Trust).
 * No data only when no instance was read. Messages come per instance (`host` set, the collector's
 * /connz deltas); an agent-wide count (older observations) is used only when every host's errors
 * are known, since its hosts' share cannot be told apart.
 */
function errorRatePct(c: Calc): Measurement {
  const obs = c.sel.kind === 'tick'
    ? [c.sel.current].filter((o) => o.errors && o.messages)
    : coverWindows(c.sel.inWindow, (o) => o.errors !== null && o.messages !== null);
  if (obs.length === 0) return { value: null, samples: 0, note: 'no error and messages-handled counts in this window' };
  let errors = 0;
  let messages = 0;
  let read = 0;
  const notRead = new Map<string, string>();
  for (const o of obs)
    for (const agent of c.agentNames) {
      const hosts = c.expected.filter((e) => e.agent === agent).map((e) => e.host);
      const errOf = (host: string) => (o.errors ?? []).find((x) => x.host === host && x.agent === agent && c.inScope(x));
      const msgs = (o.messages ?? []).filter((m) => m.agent === agent && c.inScope(m));
      const perHost = msgs.some((m) => m.host !== undefined);
      if (perHost) {
        for (const host of hosts) {
          const e = errOf(host);
          const m = msgs.find((x) => x.host === host);
          if (e && e.count !== null && m && m.messages !== null) {
            errors += e.count;
            messages += m.messages;
            read++;
          } else
            notRead.set(instanceKey(host, agent), !e || e.count === null ? `errors: ${e?.error ?? 'not reported'}` : `messages: ${m?.error ?? 'not reported'}`);
        }
        continue;
      }
      const errs = hosts.map(errOf);
      const failed = hosts.filter((_, i) => !errs[i] || errs[i]!.count === null);
      const msgKnown = msgs.length > 0 && msgs.every((m) => m.messages !== null);
      if (failed.length || !msgKnown) {
        const why = !msgKnown ? `messages: ${msgs.find((m) => m.error)?.error ?? 'not reported'}` : 'errors of another host not read (messages counted per agent, not per host)';
        for (const host of hosts) notRead.set(instanceKey(host, agent), failed.includes(host) ? `errors: ${errOf(host)?.error ?? 'not reported'}` : why);
        continue;
      }
      errors += errs.reduce((s, e) => s + (e?.count ?? 0), 0);
      messages += msgs.reduce((s, m) => s + (m.messages ?? 0), 0);
      read += hosts.length;
    }
  const missing = [...notRead].map(([k, why]) => `${k} (${why})`);
  const missNote = missing.length ? `; not read, left out of errors and messages alike: ${missing.join(', ')}` : '';
  if (read === 0) return { value: null, samples: 0, note: `no instance with both error and message counts${missNote}` };
  if (messages === 0) return { value: null, samples: 0, note: `no messages handled: no data (${errors} errors)${missNote}` };
  const value = (100 * errors) / messages;
  return { value, samples: messages, note: `${errors} errors / ${messages} messages = ${fmtPct(value)} (${+((1000 * errors) / messages).toFixed(3)} per 1000) on the hosts read${missNote}` };
}

export const ERROR_MEASURES = {
  'errors.count': (c) => {
    const { windowMs: _w, ...m } = errorCount(c);
    return m;
  },
  'errors.per_5min': errorsPer5Min,
  'errors.rate_pct': errorRatePct,
} satisfies Partial<Measures>;

// What a collection could not read, one line each, for the checkpoint record's `gaps`: unreachable
// hosts, units and journals not read, failed system commands, the NATS server, health, probes and
// sampling, led by each failed source's own reason. Said once each (a host that is down is not also
// listed per command).
import type { Plan } from '../plan/schema';
import type { Collection } from '../collect/wave-collection';
import { distinct } from './readings';
import { instanceKey } from '../model/instance';

export function gapsOf(plan: Plan, c: Collection): string[] {
  const g: string[] = [];
  // A source that failed says why (wave-collection.ts); the lines below say what is missing.
  for (const m of c.missing) g.push(`${m.source} failed: ${m.error}`);
  const h = c.hosts;
  if (!h) g.push('hosts not collected');
  else {
    for (const u of h.unreachable) g.push(`host ${u.host} unreachable: ${u.error}`);
    const down = new Set(h.unreachable.map((u) => u.host));
    for (const a of h.agents) if (a.state === 'unknown' && !down.has(a.host)) g.push(`${instanceKey(a.host, a.agent)}: unit state not collected${a.error ? `: ${a.error}` : ''}`);
    for (const e of h.errors) {
      if (down.has(e.host)) continue;
      if (e.errors === null) g.push(`${instanceKey(e.host, e.agent)}: journal not read${e.error ? `: ${e.error}` : ''}`);
      else if (e.truncated) g.push(`${instanceKey(e.host, e.agent)}: journal read capped, error counts are lower bounds`);
    }
    for (const s of h.system) {
      if (down.has(s.host)) continue;
      for (const [what, v] of [['load', s.load], ['memory', s.memory], ['disk', s.disk], ['network', s.network]] as const) if (v.error) g.push(`${s.host} ${what}: ${v.error}`);
      if (s.gpus.error && !s.gpus.absent && c.kind === 'checkpoint') g.push(`${s.host} GPUs: ${s.gpus.error}`);
    }
  }
  const s = c.server;
  if (!s) g.push('NATS server statistics not collected');
  else {
    if (!s.reachable) g.push(s.error ?? 'NATS monitoring endpoint unreachable');
    for (const n of s.notes) if (!n.startsWith('no data:')) g.push(`NATS server: ${n}`);
  }
  if (c.health && !c.health.reachable) g.push(...c.health.problems.filter((p) => /unreachable|not answering/i.test(p)));
  if (!c.health) g.push('NATS health not checked');
  if (!c.probes) g.push('probes not run (the probe activity failed)');
  else if (c.probes.fault) g.push(`probes: ${c.probes.fault.message}`);
  if (c.kind === 'checkpoint') {
    if (!c.sampling) g.push('NATS traffic not sampled');
    else if (!c.sampling.patterns) g.push(`NATS sampling: ${c.sampling.fault?.message ?? 'did not connect'}`);
    else if (!c.sampling.complete) g.push(`NATS sampling incomplete: ${c.sampling.incompleteReasons.join('; ') || 'window cut short'}`);
  }
  return distinct(g);
}

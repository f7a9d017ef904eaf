// The factory: the sources of a plan's collections, built around the worker's long-lived clients.
// A new source adds its collector here; the Record type fails to compile until it does.
import type { Plan } from '../plan/schema';
import type { SshPool } from './hosts/ssh-pool';
import type { Source, SourceName } from './source';
import { SOURCE_SPECS } from './specs';
import { hostsSource } from './sources/hosts/source';
import { natsServerSource } from './sources/nats-server/source';
import { natsHealthSource } from './sources/nats-health/source';
import { probesSource } from './sources/probes/source';
import { samplingSource } from './sources/sampling/source';

/** The worker's clients the sources need: an SSH pool per fleet (src/activities/ssh-pools.ts). */
export interface SourceClients {
  ssh: { forPlan(plan: Plan): SshPool };
}

const COLLECTORS: { readonly [N in SourceName]: (plan: Plan, clients: SourceClients) => Source<N> } = {
  probes: () => probesSource(),
  hosts: (plan, c) => hostsSource(c.ssh.forPlan(plan)),
  sampling: () => samplingSource(),
  health: () => natsHealthSource(),
  server: () => natsServerSource(),
};

/** Every source of the plan, in the order of SOURCE_SPECS. */
export function sourcesFor(plan: Plan, clients: SourceClients): Source[] {
  return (Object.keys(SOURCE_SPECS) as SourceName[]).map((n) => COLLECTORS[n](plan, clients) as Source);
}

// Every source's spec, in one list, I/O-free. A new source adds its spec here (and its collector in
// sources.ts: the Record type there makes that a compile error until it does).
import { hostsSpec } from './sources/hosts/spec';
import { natsServerSpec } from './sources/nats-server/spec';
import { natsHealthSpec } from './sources/nats-health/spec';
import { probesSpec } from './sources/probes/spec';
import { samplingSpec } from './sources/sampling/spec';
import type { SourceName, SourceSpec } from './source';

export const SOURCE_SPECS: { readonly [N in SourceName]: SourceSpec<N> } = {
  probes: probesSpec,
  hosts: hostsSpec,
  sampling: samplingSpec,
  health: natsHealthSpec,
  server: natsServerSpec,
};

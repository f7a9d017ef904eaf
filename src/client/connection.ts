// Where Temporal is: flags first, then the environment (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
// TEMPORAL_TLS_CERT / TEMPORAL_TLS_KEY files, TEMPORAL_API_KEY for Temporal Cloud), then the local
// dev stack's defaults. Shared by the worker and every client command.
import { readFileSync } from 'node:fs';

export const TASK_QUEUE = 'wavewatch';

export interface TemporalSettings {
  address: string;
  namespace: string;
  tls?: { clientCertPair?: { crt: Buffer; key: Buffer } } | boolean;
  apiKey?: string;
}

export function temporalSettings(flags: { address?: string; namespace?: string } = {}, env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  const s: TemporalSettings = {
    address: flags.address ?? env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    namespace: flags.namespace ?? env.TEMPORAL_NAMESPACE ?? 'default',
  };
  if (env.TEMPORAL_TLS_CERT && env.TEMPORAL_TLS_KEY)
    s.tls = { clientCertPair: { crt: readFileSync(env.TEMPORAL_TLS_CERT), key: readFileSync(env.TEMPORAL_TLS_KEY) } };
  if (env.TEMPORAL_API_KEY) {
    s.apiKey = env.TEMPORAL_API_KEY;
    s.tls ??= true;
  }
  return s;
}

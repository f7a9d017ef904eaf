// The NATS client, typed. `@nats-io/transport-node` re-exports the whole core API at run time
// (`export * from "@nats-io/nats-core/internal"`), but this project's `moduleResolution: node`
// cannot follow the package's "exports" map to those types, so the values are taken from
// transport-node and typed with the core's declaration file (a type-only import, erased at run time).
import * as transport from '@nats-io/transport-node';
import type * as core from '@nats-io/nats-core/lib/mod';

type Api = typeof core & { connect: typeof transport.connect };
const api = transport as unknown as Api;

export const connect = api.connect;
export const headers = api.headers;
export const errors = api.errors;
export const credsAuthenticator = api.credsAuthenticator;

export type {
  NatsConnection,
  Msg,
  MsgHdrs,
  Subscription,
  Status,
  ConnectionOptions,
} from '@nats-io/nats-core/lib/mod';

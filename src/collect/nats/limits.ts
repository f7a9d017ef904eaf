// The time bounds of wavewatch's NATS work, I/O-free: the collectors wait at most these, and the
// sources' budgets (src/collect/sources/*/spec.ts) add them up, so both read the same numbers.

/** A connection to the NATS servers (connectForWave's default). */
export const NATS_CONNECT_MS = 5000;
/** One GET of the monitoring endpoint (fetchJson's default). */
export const MONITOR_FETCH_MS = 3000;
/** The sampler's own reads of the monitoring endpoint (slow consumers before and after). */
export const SAMPLER_FETCH_MS = 2000;
/** A flush (round trip) that confirms subscriptions or a connection. */
export const NATS_FLUSH_MS = 3000;
/** The flush at the sampling window's end is allowed the grace period plus this. */
export const WINDOW_END_FLUSH_EXTRA_MS = 5000;
/** Draining one subscription, closing one connection. */
export const NATS_DRAIN_MS = 2000;
export const NATS_CLOSE_MS = 2000;
/** The quick health check: each of its reads, and closing its connection. */
export const HEALTH_TIMEOUT_MS = 3000;
export const HEALTH_CLOSE_MS = 1000;
/** Extra time the health check allows its connect beyond its timeout. */
export const HEALTH_CONNECT_EXTRA_MS = 500;
/** Connections listed per /connz page, and the most pages read (fetchAllConnz). */
export const CONNZ_PAGE = 1024;
export const CONNZ_MAX_PAGES = 102;
/**
 * Requests of the second look at an agent that lost replies, right after its run (probes.ts): enough
 * that a stall of the worker is unlikely to swallow them all, few enough to stay well inside a tick.
 */
export const REPROBE_REQUESTS = 5;
/** nats-server keeps this many closed connections by default (max_closed_clients): /connz?state=closed pages. */
export const SERVER_MAX_CLOSED = 10_000;

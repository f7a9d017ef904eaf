// The NATS monitoring endpoint as read over plain HTTP: the documents wavewatch uses (/varz, /connz,
// /healthz), fetched with a timeout and never throwing, /connz read page by page, and the Go
// durations it writes (rtt). Shared by the server statistics, the health check and the sampler.
import { request } from 'node:http';
import { CONNZ_MAX_PAGES, CONNZ_PAGE, MONITOR_FETCH_MS } from '../limits';

export interface FetchResult {
  ok: boolean;
  status: number | null;
  data: any;
  error?: string;
}

/** GET a JSON document over plain HTTP with a timeout; never throws. */
export function fetchJson(url: string, timeoutMs = MONITOR_FETCH_MS): Promise<FetchResult> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: FetchResult) => {
      if (!settled) {
        settled = true;
        resolve(r);
      }
    };
    let req;
    try {
      req = request(url, { timeout: timeoutMs, headers: { accept: 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => done({ ok: false, status: res.statusCode ?? null, data: null, error: e.message }));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let data: any = null;
          try {
            data = JSON.parse(text);
          } catch {
            return done({ ok: false, status: res.statusCode ?? null, data: null, error: `not JSON from ${url}` });
          }
          const ok = (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300;
          done({ ok, status: res.statusCode ?? null, data, error: ok ? undefined : `HTTP ${res.statusCode}` });
        });
      });
    } catch (e) {
      return done({ ok: false, status: null, data: null, error: (e as Error).message });
    }
    req.on('timeout', () => {
      req.destroy();
      done({ ok: false, status: null, data: null, error: `no answer from ${url} within ${timeoutMs} ms` });
    });
    req.on('error', (e: NodeJS.ErrnoException) => done({ ok: false, status: null, data: null, error: `${url}: ${e.code ?? e.message}` }));
    req.end();
  });
}

/** One connection as /connz reports it (the fields used here). */
export interface ConnzEntry {
  cid: number;
  name?: string;
  in_msgs: number;
  out_msgs: number;
  in_bytes?: number;
  out_bytes?: number;
  rtt?: string;
  start?: string;
  subscriptions_list?: string[];
  reason?: string;
  stop?: string;
}

export interface VarzData {
  server_id?: string;
  version?: string;
  start?: string;
  connections?: number;
  total_connections?: number;
  slow_consumers?: number;
  in_msgs?: number;
  out_msgs?: number;
  mem?: number;
  cpu?: number;
}

/** Every page of /connz?<query> (up to CONNZ_MAX_PAGES): a large fleet does not fit in one page. */
export async function fetchAllConnz(base: string, query: string, timeoutMs: number): Promise<FetchResult & { list: ConnzEntry[] }> {
  const list: ConnzEntry[] = [];
  const limit = CONNZ_PAGE;
  for (let offset = 0; ; offset += limit) {
    const r = await fetchJson(`${base}/connz?${query}&limit=${limit}&offset=${offset}`, timeoutMs);
    if (!r.ok) return { ...r, list };
    const conns: ConnzEntry[] = Array.isArray(r.data?.connections) ? r.data.connections : [];
    list.push(...conns);
    const total = typeof r.data?.total === 'number' ? r.data.total : conns.length;
    if (conns.length < limit || list.length >= total || offset >= (CONNZ_MAX_PAGES - 1) * limit) return { ...r, list };
  }
}

/** "1.518568ms", "350µs", "2.1s" → ms. */
export function parseGoDuration(s: string | undefined): number | null {
  if (!s) return null;
  const re = /(\d+(?:\.\d+)?)(h|m(?!s)|s|ms|µs|us|ns)/g;
  let total = 0;
  let any = false;
  for (let m; (m = re.exec(s)); ) {
    any = true;
    const v = parseFloat(m[1]);
    total += v * ({ h: 3_600_000, m: 60_000, s: 1000, ms: 1, 'µs': 0.001, us: 0.001, ns: 0.000001 } as Record<string, number>)[m[2]];
  }
  return any ? Math.round(total * 1000) / 1000 : null;
}

// The NATS sampling window (spec §3): callback subscriptions on every pattern the plan names, on a
// connection named for the wave. Counts per pattern, shares, unique subjects with counts, rate per
// minute, a capped sample for nats_sampling.txt, corrupt JSON payloads, and dual-publish pairing.
// Never throws for a NATS fault: the result says what happened and whether the window is complete.
import { createHash } from 'node:crypto';
import type { Plan } from '../../plan/schema';
import type { Msg, NatsConnection, Subscription } from './client';
import { connectForWave, watchConnection, waveConnectionName, withTimeout, type ConnectionWatch } from './connect';
import { DualPublishPairer, round2, type PairingResult, type PatternKey } from './pairing';
import { wildcardPart } from './subjects';
import { fetchJson } from './server';
import { NATS_CLOSE_MS, NATS_DRAIN_MS, NATS_FLUSH_MS, SAMPLER_FETCH_MS, WINDOW_END_FLUSH_EXTRA_MS } from './limits';

export interface SamplingProgress {
  phase: 'lead-in' | 'window' | 'grace';
  elapsedMs: number;
  windowMs: number;
  legacy: number;
  unified: number;
}

export interface SampleOptions {
  plan: Plan;
  /** An open connection to use; else one is made from the plan (named wavewatch:<wave>:sampler) and closed after. */
  nc?: NatsConnection;
  /** Override the plan's servers when connecting. */
  servers?: string[];
  /** Window length, ms; default the plan's sampling window. Never below the plan's minWindow (noted). */
  windowMs?: number;
  signal?: AbortSignal;
  /** Called about every progressEveryMs (default 1 s) — for activity heartbeats. */
  onProgress?: (p: SamplingProgress) => void;
  progressEveryMs?: number;
  /** The activity attempt; a restarted attempt samples a new window and says so. */
  attempt?: number;
  /** Subjects listed per pattern in the result (most frequent first); default 200. */
  maxSubjectsListed?: number;
  /** Distinct subjects tracked per pattern before the list is capped; default 10 000. */
  maxDistinctSubjects?: number;
  /** Check the server's monitoring endpoint for slow consumers (default true). */
  checkServer?: boolean;
}

export interface PatternStats {
  pattern: string;
  count: number;
  bytes: number;
  /** Share of all sampled messages, %; null when nothing was sampled. */
  sharePct: number | null;
  ratePerMinute: number;
  uniqueSubjects: number;
  /** True when more distinct subjects were seen than tracked (uniqueSubjects is then a lower bound). */
  subjectsCapped: boolean;
  /** Most frequent subjects with their counts. */
  subjects: { subject: string; count: number }[];
}

export interface SampledMessage {
  /** ms since the window opened. */
  t: number;
  pattern: PatternKey;
  subject: string;
  size: number;
}

export type SamplingFaultKind = 'nats-unreachable' | 'nats-disconnected' | 'slow-consumer' | 'cancelled';

export interface SamplingResult {
  wave: string;
  connectionName: string;
  attempt: number;
  startedAt: string;
  endedAt: string;
  /** The window asked for and the window actually measured, ms. */
  windowMs: number;
  measuredMs: number;
  /** False when the numbers do not cover the whole window (see incompleteReasons). */
  complete: boolean;
  incompleteReasons: string[];
  fault: { kind: SamplingFaultKind; message: string } | null;
  /** null when never connected (no data). */
  patterns: { legacy: PatternStats; unified: PatternStats } | null;
  total: { count: number; ratePerMinute: number } | null;
  /** The unified pattern's share of all sampled messages (agent-ref traffic), %. */
  agentRefPct: number | null;
  dualPublish: PairingResult | null;
  /** Non-empty payloads that are not valid JSON. */
  corruptPayloads: number | null;
  emptyPayloads: number | null;
  sample: SampledMessage[];
  sampleCapped: boolean;
  slowConsumer: { client: boolean; closedAsSlowByServer: boolean; serverSlowConsumersDelta: number | null };
  connection: { disconnects: number; reconnects: number };
  /** Round trip of a ping at the window's end: how far the sampler was behind the server, ms (null when not measured, -1 no answer). */
  lagAtEndMs: number | null;
  notes: string[];
}

interface PatternAcc {
  pattern: string;
  key: PatternKey;
  count: number;
  bytes: number;
  subjects: Map<string, number>;
  capped: boolean;
  /** Fast path: "prefix.>" patterns give the suffix by slicing. */
  prefix: string | null;
}

function newAcc(pattern: string, key: PatternKey): PatternAcc {
  const simple = pattern.endsWith('.>') && !pattern.slice(0, -2).split('.').includes('*');
  return { pattern, key, count: 0, bytes: 0, subjects: new Map(), capped: false, prefix: simple ? pattern.slice(0, -1) : null };
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

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

async function serverSlowConsumers(monitoringUrl: string): Promise<number | null> {
  const v = await fetchJson(`${monitoringUrl}/varz`, SAMPLER_FETCH_MS);
  return v.ok && typeof v.data?.slow_consumers === 'number' ? v.data.slow_consumers : null;
}

/** Whether the server closed a connection of ours (this name, stopped since `since`) as a slow consumer. */
async function closedAsSlow(monitoringUrl: string, name: string, since: Date): Promise<boolean> {
  const r = await fetchJson(`${monitoringUrl}/connz?state=closed&limit=1024&sort=stop`, SAMPLER_FETCH_MS);
  if (!r.ok || !Array.isArray(r.data?.connections)) return false;
  return r.data.connections.some(
    (c: { name?: string; reason?: string; stop?: string }) =>
      c.name === name && /slow consumer/i.test(c.reason ?? '') && (!c.stop || Date.parse(c.stop) >= since.getTime() - 1000),
  );
}

export async function sampleTraffic(opts: SampleOptions): Promise<SamplingResult> {
  const { plan } = opts;
  const s = plan.nats.sampling;
  const notes: string[] = [];
  const attempt = opts.attempt ?? 1;
  let windowMs = opts.windowMs ?? s.window;
  if (windowMs < s.minWindow) {
    notes.push(`window raised from ${windowMs} ms to the plan's minimum ${s.minWindow} ms`);
    windowMs = s.minWindow;
  }
  if (attempt > 1) notes.push(`attempt ${attempt}: a new window, sampled from the start; earlier partial windows are not reused`);
  const leadMs = s.skewWindow;
  const graceMs = s.grace;
  const connectionName = waveConnectionName(plan, 'sampler');
  const startedAt = new Date();
  const base = {
    wave: plan.wave.name,
    connectionName,
    attempt,
    startedAt: startedAt.toISOString(),
    windowMs,
  };
  const checkServer = opts.checkServer ?? true;

  let nc = opts.nc;
  const own = !nc;
  if (!nc) {
    try {
      nc = await connectForWave(plan, { purpose: 'sampler', servers: opts.servers });
    } catch (err) {
      return {
        ...base,
        endedAt: new Date().toISOString(),
        measuredMs: 0,
        complete: false,
        incompleteReasons: ['NATS unreachable: no window sampled'],
        fault: { kind: 'nats-unreachable', message: `cannot connect to ${(opts.servers ?? plan.nats.servers).join(', ')}: ${(err as Error).message}` },
        patterns: null,
        total: null,
        agentRefPct: null,
        dualPublish: null,
        corruptPayloads: null,
        emptyPayloads: null,
        sample: [],
        sampleCapped: false,
        slowConsumer: { client: false, closedAsSlowByServer: false, serverSlowConsumersDelta: null },
        connection: { disconnects: 0, reconnects: 0 },
        lagAtEndMs: null,
        notes,
      };
    }
  }
  const conn = nc;
  const watch: ConnectionWatch = watchConnection(conn);
  const slowBefore = checkServer ? await serverSlowConsumers(plan.nats.monitoringUrl) : null;

  const agents = new Set([...plan.agents.underTest.map((a) => a.name), ...plan.agents.control.map((a) => a.name)]);
  const maxDistinct = opts.maxDistinctSubjects ?? 10_000;
  const maxSample = s.maxSubjectsSampled;
  const acc = { legacy: newAcc(plan.nats.patterns.legacy, 'legacy'), unified: newAcc(plan.nats.patterns.unified, 'unified') };
  const sample: SampledMessage[] = [];
  let sampleCapped = false;
  let corrupt = 0;
  let empty = 0;

  const t0 = performance.now();
  const start = t0 + leadMs;
  const end = start + windowMs;
  const pairer = new DualPublishPairer({ start, end, skewMs: s.skewWindow, graceMs });

  const onMsg = (a: PatternAcc, m: Msg) => {
    const t = performance.now();
    if (t >= end + graceMs) return;
    const subject = m.subject;
    const suffix = a.prefix !== null ? (subject.startsWith(a.prefix) ? subject.slice(a.prefix.length) : null) : wildcardPart(a.pattern, subject);
    if (suffix === null) return;
    const data = m.data;
    const inWindow = t >= start && t < end;
    let payload: unknown = undefined;
    if (inWindow) {
      a.count++;
      a.bytes += data.length;
      const n = a.subjects.get(subject);
      if (n !== undefined) a.subjects.set(subject, n + 1);
      else if (a.subjects.size < maxDistinct) a.subjects.set(subject, 1);
      else a.capped = true;
      if (sample.length < maxSample) sample.push({ t: Math.round(t - start), pattern: a.key, subject, size: data.length });
      else sampleCapped = true;
      if (data.length === 0) empty++;
      else {
        try {
          payload = JSON.parse(m.string());
        } catch {
          corrupt++;
        }
      }
    }
    let id: string | undefined;
    if (m.headers) id = m.headers.get('Nats-Msg-Id') || undefined;
    if (!id) id = 'h:' + createHash('sha1').update(data).digest('base64');
    const dot = suffix.indexOf('.');
    const first = dot < 0 ? suffix : suffix.slice(0, dot);
    const agent = agents.has(first) ? first : attributeAgent(suffix, agents, payload);
    pairer.observe({ pattern: a.key, suffix, id, t, agent });
  };

  const subs: Subscription[] = [];
  try {
    for (const a of [acc.legacy, acc.unified])
      subs.push(
        conn.subscribe(a.pattern, {
          callback: (err, m) => {
            if (!err) onMsg(a, m);
          },
        }),
      );
    await withTimeout(conn.flush(), NATS_FLUSH_MS, 'NATS flush after subscribing');
  } catch (err) {
    notes.push(`subscribing not confirmed by the server: ${(err as Error).message}`);
  }

  // Wait out lead-in, window and grace, reporting progress, until cancelled. At the window's end a
  // ping measures how far the sampler is behind the server (the pong comes after every message the
  // server had queued for us): lagging more than the grace period means late messages of the window
  // were cut off, and the window is not complete.
  const every = opts.progressEveryMs ?? 1000;
  const stopAt = end + graceMs;
  let cancelled = false;
  let lagMs: number | null = null;
  for (;;) {
    const now = performance.now();
    if (opts.signal?.aborted) {
      cancelled = true;
      break;
    }
    if (now >= stopAt) break;
    if (now >= end && lagMs === null) {
      const p0 = performance.now();
      try {
        await withTimeout(conn.flush(), graceMs + WINDOW_END_FLUSH_EXTRA_MS, 'NATS flush at the window end');
        lagMs = Math.round(performance.now() - p0);
      } catch {
        lagMs = -1; // no answer: the connection problem is reported from its events
      }
      continue;
    }
    if (opts.onProgress) {
      const phase = now < start ? 'lead-in' : now < end ? 'window' : 'grace';
      try {
        opts.onProgress({ phase, elapsedMs: Math.max(0, Math.round(now - start)), windowMs, legacy: acc.legacy.count, unified: acc.unified.count });
      } catch {
        /* a progress callback never breaks the window */
      }
    }
    const nextStop = now < end ? end : stopAt;
    await sleep(Math.max(1, Math.min(every, nextStop - now)), opts.signal);
  }
  const endT = performance.now();

  // Drain: stop interest, let what the server already sent arrive.
  await Promise.all(subs.map((sub) => withTimeout(sub.drain(), NATS_DRAIN_MS, 'drain').catch(() => {
    try {
      sub.unsubscribe();
    } catch {
      /* connection gone */
    }
  })));
  watch.stop();
  const slowAfter = checkServer ? await serverSlowConsumers(plan.nats.monitoringUrl) : null;
  const closedSlow = checkServer && watch.disconnects > 0 ? await closedAsSlow(plan.nats.monitoringUrl, connectionName, startedAt) : false;
  if (own) await withTimeout(conn.close(), NATS_CLOSE_MS, 'close').catch(() => undefined);

  const measuredMs = Math.max(0, Math.min(endT, end) - start);
  const incompleteReasons: string[] = [];
  let fault: SamplingResult['fault'] = null;
  if (cancelled) {
    incompleteReasons.push(`cancelled after ${Math.round(measuredMs)} of ${windowMs} ms`);
    fault = { kind: 'cancelled', message: 'sampling was cancelled; the subscriptions were drained' };
  }
  if (watch.slowConsumer || closedSlow) {
    incompleteReasons.push('the sampler was a slow consumer: messages were dropped');
    fault = fault ?? { kind: 'slow-consumer', message: closedSlow ? 'the server closed the sampler connection as a slow consumer' : 'the client reported a slow consumer' };
  }
  if (watch.disconnects > 0) {
    incompleteReasons.push(`the NATS connection was lost ${watch.disconnects} time(s) during the window${watch.reconnects ? ` (reconnected ${watch.reconnects})` : ' and did not come back'}`);
    fault = fault ?? { kind: 'nats-disconnected', message: `NATS connection lost during sampling${watch.reconnects ? '' : ', not restored by the window end'}` };
  }
  if (!watch.disconnects && conn.isClosed() && !own) {
    incompleteReasons.push('the NATS connection was closed during the window');
    fault = fault ?? { kind: 'nats-disconnected', message: 'NATS connection closed during sampling' };
  }
  if (lagMs !== null && lagMs > graceMs)
    incompleteReasons.push(`the sampler was ${lagMs} ms behind the server at the window's end (grace ${graceMs} ms): messages from the window's end may be missing`);
  const slowDelta = slowBefore !== null && slowAfter !== null ? slowAfter - slowBefore : null;
  if (slowDelta && slowDelta > 0 && !closedSlow && !watch.slowConsumer)
    notes.push(`the server counted ${slowDelta} slow consumer(s) during the window (not the sampler's connection)`);

  const minutes = measuredMs / 60_000;
  const totalCount = acc.legacy.count + acc.unified.count;
  const listed = opts.maxSubjectsListed ?? 200;
  const patternStats = (a: PatternAcc): PatternStats => ({
    pattern: a.pattern,
    count: a.count,
    bytes: a.bytes,
    sharePct: totalCount ? round2((a.count / totalCount) * 100) : null,
    ratePerMinute: minutes > 0 ? Math.round((a.count / minutes) * 100) / 100 : 0,
    uniqueSubjects: a.subjects.size,
    subjectsCapped: a.capped,
    subjects: [...a.subjects.entries()]
      .sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))
      .slice(0, listed)
      .map(([subject, count]) => ({ subject, count })),
  });
  const dual = pairer.finish();
  if (!totalCount) notes.push('no messages on either pattern in the window');

  return {
    ...base,
    endedAt: new Date().toISOString(),
    measuredMs: Math.round(measuredMs),
    complete: incompleteReasons.length === 0,
    incompleteReasons,
    fault,
    patterns: { legacy: patternStats(acc.legacy), unified: patternStats(acc.unified) },
    total: { count: totalCount, ratePerMinute: minutes > 0 ? Math.round((totalCount / minutes) * 100) / 100 : 0 },
    agentRefPct: totalCount ? round2((acc.unified.count / totalCount) * 100) : null,
    dualPublish: dual,
    corruptPayloads: corrupt,
    emptyPayloads: empty,
    sample,
    sampleCapped,
    slowConsumer: { client: watch.slowConsumer, closedAsSlowByServer: closedSlow, serverSlowConsumersDelta: slowDelta },
    connection: { disconnects: watch.disconnects, reconnects: watch.reconnects },
    lagAtEndMs: lagMs,
    notes,
  };
}

/** The text of nats_sampling.txt: the counts, then the capped sample (one message a line). */
export function formatSamplingText(r: SamplingResult): string {
  const lines: string[] = [];
  lines.push(`# NATS subject sampling — wave ${r.wave}, attempt ${r.attempt}`);
  lines.push(`# window ${r.startedAt} .. ${r.endedAt}, measured ${r.measuredMs} of ${r.windowMs} ms, ${r.complete ? 'complete' : 'INCOMPLETE: ' + r.incompleteReasons.join('; ')}`);
  if (r.fault) lines.push(`# fault: ${r.fault.kind}: ${r.fault.message}`);
  if (r.patterns && r.total) {
    for (const p of [r.patterns.legacy, r.patterns.unified])
      lines.push(`# ${p.pattern}: ${p.count} messages (${p.sharePct ?? 'n/a'} %), ${p.ratePerMinute}/min, ${p.uniqueSubjects}${p.subjectsCapped ? '+' : ''} unique subjects`);
    lines.push(`# total: ${r.total.count} messages, ${r.total.ratePerMinute}/min`);
  }
  if (r.dualPublish)
    lines.push(`# dual publishing: ${r.dualPublish.paired} of ${r.dualPublish.events} events on both patterns (${r.dualPublish.pairedPct ?? 'n/a'} %), skew p99 ${r.dualPublish.skew.p99 ?? 'n/a'} ms`);
  if (r.corruptPayloads !== null) lines.push(`# payloads not valid JSON: ${r.corruptPayloads}`);
  for (const n of r.notes) lines.push(`# note: ${n}`);
  lines.push(`# sample: ${r.sample.length} messages${r.sampleCapped ? ' (capped)' : ''}: offset_ms pattern subject bytes`);
  for (const m of r.sample) lines.push(`${m.t}\t${m.pattern}\t${m.subject}\t${m.size}`);
  return lines.join('\n') + '\n';
}

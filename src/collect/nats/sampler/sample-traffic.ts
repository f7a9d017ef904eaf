// The NATS sampling window (spec §3): callback subscriptions on every pattern the plan names, on a
// connection named for the wave, held open for a lead-in, the window and a grace period. Each
// message is counted (window.ts), checked (payload.ts) and offered to dual-publish pairing; the
// window's completeness is judged at the end (completeness.ts). Never throws for a NATS fault: the
// result says what happened and whether the window is complete.
import type { Plan } from '../../../plan/schema';
import type { Msg, NatsConnection, Subscription } from '../client';
import { connectForWave, watchConnection, waveConnectionName, withTimeout, type ConnectionWatch } from '../connect';
import { DualPublishPairer, type PatternKey } from '../pairing';
import { NATS_CLOSE_MS, NATS_DRAIN_MS, NATS_FLUSH_MS, WINDOW_END_FLUSH_EXTRA_MS } from '../limits';
import { attributeAgent, messageId } from './payload';
import { SamplingWindow } from './window';
import { closedAsSlow, serverSlowConsumers } from './slow-consumers';
import { windowCompleteness } from './completeness';
import { unreachableWindow, type SamplingProgress, type SamplingResult } from './result';

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
      return unreachableWindow(base, `cannot connect to ${(opts.servers ?? plan.nats.servers).join(', ')}: ${(err as Error).message}`, notes);
    }
  }
  const conn = nc;
  const watch: ConnectionWatch = watchConnection(conn);
  const slowBefore = checkServer ? await serverSlowConsumers(plan.nats.monitoringUrl) : null;

  const agents = new Set([...plan.agents.underTest.map((a) => a.name), ...plan.agents.control.map((a) => a.name)]);
  const window = new SamplingWindow(plan.nats.patterns, { maxDistinctSubjects: opts.maxDistinctSubjects ?? 10_000, maxSample: s.maxSubjectsSampled });

  const t0 = performance.now();
  const start = t0 + leadMs;
  const end = start + windowMs;
  const pairer = new DualPublishPairer({ start, end, skewMs: s.skewWindow, graceMs });

  // Messages of the lead-in and the grace period are not counted, but they pair: an event's twin
  // on the other pattern may arrive just outside the window.
  const onMsg = (key: PatternKey, m: Msg) => {
    const t = performance.now();
    if (t >= end + graceMs) return;
    const suffix = window.suffix(key, m.subject);
    if (suffix === null) return;
    const payload = t >= start && t < end ? window.count(key, m, t - start) : undefined;
    pairer.observe({ pattern: key, suffix, id: messageId(m), t, agent: attributeAgent(suffix, agents, payload) });
  };

  const subs: Subscription[] = [];
  try {
    for (const key of ['legacy', 'unified'] as const)
      subs.push(
        conn.subscribe(window[key].pattern, {
          callback: (err, m) => {
            if (!err) onMsg(key, m);
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
        opts.onProgress({ phase, elapsedMs: Math.max(0, Math.round(now - start)), windowMs, legacy: window.legacy.count, unified: window.unified.count });
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
  const slowDelta = slowBefore !== null && slowAfter !== null ? slowAfter - slowBefore : null;
  const verdict = windowCompleteness({
    cancelled,
    measuredMs,
    windowMs,
    graceMs,
    watch,
    closedAsSlowByServer: closedSlow,
    closedDuringWindow: !watch.disconnects && conn.isClosed() && !own,
    lagMs,
    serverSlowConsumersDelta: slowDelta,
  });
  notes.push(...verdict.notes);
  const totals = window.totals(measuredMs, opts.maxSubjectsListed ?? 200);
  const dual = pairer.finish();
  if (!totals.total.count) notes.push('no messages on either pattern in the window');

  return {
    ...base,
    endedAt: new Date().toISOString(),
    measuredMs: Math.round(measuredMs),
    complete: verdict.incompleteReasons.length === 0,
    incompleteReasons: verdict.incompleteReasons,
    fault: verdict.fault,
    ...totals,
    dualPublish: dual,
    corruptPayloads: window.corrupt,
    emptyPayloads: window.empty,
    sample: window.sample,
    sampleCapped: window.sampleCapped,
    slowConsumer: { client: watch.slowConsumer, closedAsSlowByServer: closedSlow, serverSlowConsumersDelta: slowDelta },
    connection: { disconnects: watch.disconnects, reconnects: watch.reconnects },
    lagAtEndMs: lagMs,
    notes,
  };
}

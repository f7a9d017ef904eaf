// Whether a sampling window's numbers cover the whole window, and the fault when not: cancelled,
// a slow consumer (client-side or closed by the server), a lost or closed connection, or a sampler
// so far behind the server at the window's end that late messages were cut off. Pure.
import type { SamplingResult } from './result';

export function windowCompleteness(w: {
  cancelled: boolean;
  measuredMs: number;
  windowMs: number;
  graceMs: number;
  /** What the connection's events said during the window. */
  watch: { slowConsumer: boolean; disconnects: number; reconnects: number };
  closedAsSlowByServer: boolean;
  /** A caller's connection found closed at the end without a disconnect event. */
  closedDuringWindow: boolean;
  lagMs: number | null;
  serverSlowConsumersDelta: number | null;
}): { incompleteReasons: string[]; fault: SamplingResult['fault']; notes: string[] } {
  const { watch, graceMs, lagMs } = w;
  const incompleteReasons: string[] = [];
  const notes: string[] = [];
  let fault: SamplingResult['fault'] = null;
  if (w.cancelled) {
    incompleteReasons.push(`cancelled after ${Math.round(w.measuredMs)} of ${w.windowMs} ms`);
    fault = { kind: 'cancelled', message: 'sampling was cancelled; the subscriptions were drained' };
  }
  if (watch.slowConsumer || w.closedAsSlowByServer) {
    incompleteReasons.push('the sampler was a slow consumer: messages were dropped');
    fault = fault ?? { kind: 'slow-consumer', message: w.closedAsSlowByServer ? 'the server closed the sampler connection as a slow consumer' : 'the client reported a slow consumer' };
  }
  if (watch.disconnects > 0) {
    incompleteReasons.push(`the NATS connection was lost ${watch.disconnects} time(s) during the window${watch.reconnects ? ` (reconnected ${watch.reconnects})` : ' and did not come back'}`);
    fault = fault ?? { kind: 'nats-disconnected', message: `NATS connection lost during sampling${watch.reconnects ? '' : ', not restored by the window end'}` };
  }
  if (w.closedDuringWindow) {
    incompleteReasons.push('the NATS connection was closed during the window');
    fault = fault ?? { kind: 'nats-disconnected', message: 'NATS connection closed during sampling' };
  }
  if (lagMs !== null && lagMs > graceMs)
    incompleteReasons.push(`the sampler was ${lagMs} ms behind the server at the window's end (grace ${graceMs} ms): messages from the window's end may be missing`);
  const slowDelta = w.serverSlowConsumersDelta;
  if (slowDelta && slowDelta > 0 && !w.closedAsSlowByServer && !watch.slowConsumer)
    notes.push(`the server counted ${slowDelta} slow consumer(s) during the window (not the sampler's connection)`);
  return { incompleteReasons, fault, notes };
}

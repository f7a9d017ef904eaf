// The status's log of operator actions: every request, accepted or not, and wavewatch's own notes
// (an automatic action suppressed while paused). Functions over the WaveStatus they change, called
// by WaveState and its parts; the log is bounded because it goes into every checkpoint's files and
// across runs.
import { MAX_OPERATOR_ACTIONS } from './bounds';
import { iso } from './wave-input';
import type { OperatorRequest } from './messages';
import type { WaveStatus } from '../model/status';

/** Who made a request: the operator unless it says. */
export const requester = (req: { by?: string }) => req.by || 'operator';

/** A request (or wavewatch acting as one), by whom and why; `note` says what came of it. */
export function recordAction(status: WaveStatus, now: number, kind: string, req: Partial<OperatorRequest> & Record<string, unknown>, accepted: boolean, note?: string): void {
  pushAction(status, { at: iso(now), kind, by: typeof req.by === 'string' && req.by ? req.by : 'operator', reason: typeof req.reason === 'string' ? req.reason : '', accepted, ...(note ? { note } : {}) });
}

/** wavewatch's own note, not repeated while it is the last one (a suppressed rollback fires every tick). */
export function noteOnce(status: WaveStatus, now: number, note: string): void {
  const last = status.operatorActions[status.operatorActions.length - 1];
  if (last?.note === note) return;
  pushAction(status, { at: iso(now), kind: 'automation', by: 'wavewatch', reason: '', accepted: false, note });
}

/** The newest actions are kept; older ones are counted. */
function pushAction(status: WaveStatus, a: WaveStatus['operatorActions'][number]): void {
  const all = [...status.operatorActions, a];
  const drop = all.length - MAX_OPERATOR_ACTIONS;
  if (drop > 0) status.operatorActionsDropped = (status.operatorActionsDropped ?? 0) + drop;
  status.operatorActions = drop > 0 ? all.slice(drop) : all;
}

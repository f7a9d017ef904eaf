// The operator interface (product.md): Temporal names, so the `temporal` CLI and the Web UI work too.
// Signals for what must work with every worker down; updates where the caller needs an answer;
// a query for status. Every argument is one JSON object.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { WaveStatus } from '../model/status';

/** Who and why, on every operator action; `by` defaults to "operator". */
export interface OperatorRequest {
  reason: string;
  by?: string;
}
export interface ExtendRequest extends OperatorRequest {
  /** e.g. "2h": moves the final checkpoint later by this much (plan time). */
  duration: string;
}
export interface WaiveRequest extends OperatorRequest {
  criterion: string;
}
export interface AcknowledgeRequest {
  alertId: string;
  by?: string;
  note?: string;
}

export const abortSignal = defineSignal<[OperatorRequest]>('abort');
export const pauseSignal = defineSignal<[OperatorRequest]>('pause');
export const resumeSignal = defineSignal<[OperatorRequest]>('resume');
/** A signal, not an update: it is accepted by the server even while no worker runs. */
export const requestRollbackSignal = defineSignal<[OperatorRequest]>('requestRollback');

/**
 * The continuous watch asks for a tick now: something began between two ticks that may change a
 * decision (an outage, a silent agent, a dropped host). Coalesced into a tick that runs or is due.
 */
export interface TickNowRequest {
  reason: string;
}
export const tickNowSignal = defineSignal<[TickNowRequest]>('tickNow');

export interface RollbackOutcome {
  executed: boolean;
  /** false when the rollback had already run or been requested: it happens once in effect. */
  startedByThisRequest: boolean;
  ok: boolean;
  steps: { name: string; state: string }[];
  message: string;
}
export const rollbackUpdate = defineUpdate<RollbackOutcome, [OperatorRequest]>('rollback');
export const extendWaveUpdate = defineUpdate<{ finalCheckpointDueAt: string }, [ExtendRequest]>('extendWave');
export const collectNowUpdate = defineUpdate<{ name: string; verdict: string; artifactsDir: string }, [OperatorRequest]>('collectNow');
export const waiveCriterionUpdate = defineUpdate<{ criterion: string; outcomeBefore: string | null }, [WaiveRequest]>('waiveCriterion');
export const acknowledgeAlertUpdate = defineUpdate<{ alertId: string; state: string }, [AcknowledgeRequest]>('acknowledgeAlert');

export const statusQuery = defineQuery<WaveStatus>('status');

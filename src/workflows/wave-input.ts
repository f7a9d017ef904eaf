// What a wave's workflow is started with, and what one run hands the next at continue-as-new.
// Types and the first status only: WaveState (wave-state.ts) changes it from there.
import type { Plan } from '../plan/schema';
import type { RuleResult } from '../judge/rules';
import type { AlertState, StepResult } from '../judge/alerts';
import type { OperatorRequest } from './messages';
import type { Policy, WaveStatus } from '../model/status';

export interface WaveInput {
  plan: Plan;
  waveId: string;
  /** Monitoring start (epoch ms): the end of phase 2. Checkpoints count from it. */
  startAtMs: number;
  /** Divides every schedule duration of the plan (product.md, Semantics). 1 for real waves. */
  timeScale: number;
  policy: Policy;
  /**
   * History events after which the run continues as new (default 2,000, well before Temporal's
   * warnings at 10,240). Lower only to exercise continue-as-new in tests and benchmarks.
   */
  eventsPerRun?: number;
  /** Started beside this running wave of the same plan: its files go under waves/<waveId>/ only (StorePlanInput). */
  besideWave?: string;
  /** Set by continue-as-new: the state so far. */
  carried?: Carried;
}

/** Everything a continued run needs; all of it small and independent of fleet size. */
export interface Carried {
  status: WaveStatus;
  extendMs: number;
  nextTickAtMs: number;
  manualRuns: number;
  lastTickAtMs: number;
  abort: OperatorRequest | null;
  seq: number;
  alertState: AlertState;
  rollbackFired: RuleResult[];
  /** The hold (its `since`) already escalated by email; absent in runs carried before it existed. */
  holdNotified?: string | null;
  /** Notifications not yet delivered when the run continued as new: the next run sends them. */
  pendingMail?: MailJob[];
  /** Alert log entries not yet written (the log was failing) and why. */
  pendingAlertLog?: AlertLogEntry[];
  alertLogProblem?: string | null;
}

export type AlertLogEntry = StepResult['entries'][number];

/**
 * One notification to deliver, at least once: `key` names it (its Message-ID follows from the same
 * data, so a repeat is recognisable), `kind` says which activity sends it, `args` its input beyond
 * the wave reference. Small by construction: no fleet data.
 */
export interface MailJob {
  key: string;
  what: string;
  kind: 'checkpoint' | 'incident' | 'hold' | 'final';
  args: Record<string, unknown>;
}

export const iso = (ms: number) => new Date(ms).toISOString();

/** A plan duration on the wave's clock (at least 1 ms). */
export function scaledMs(ms: number, timeScale: number): number {
  return Math.max(1, Math.round(ms / timeScale));
}

/** The status of a wave that has just started monitoring. */
export function firstStatus(input: WaveInput): WaveStatus {
  const { plan, startAtMs, timeScale } = input;
  return {
    waveId: input.waveId,
    wave: plan.wave.name,
    phase: 'monitoring',
    verdict: null,
    paused: false,
    policy: input.policy,
    timeScale,
    startAt: iso(startAtMs),
    endsAt: iso(startAtMs + scaledMs(plan.wave.duration, timeScale)),
    nextCheckpoint: null,
    checkpoints: plan.checkpoints.map((cp) => ({ name: cp.name, dueAt: iso(startAtMs + scaledMs(cp.at, timeScale)), ranAt: null, verdict: null, criteria: [], artifactsDir: null })),
    interim: { ticks: 0, skippedTicks: 0, lastTickAt: null, agentsActive: null, lastTickNote: null, firing: [], watch: { ticksAsked: 0, ticksAskedCoalesced: 0, note: null } },
    alerts: [],
    rollback: { requested: false, trigger: null, executed: false, startedAt: null, finishedAt: null, ok: null, steps: [], verification: null },
    hold: null,
    waivers: [],
    operatorActions: [],
    problems: [],
    artifactsDir: null,
    runs: 1,
  };
}

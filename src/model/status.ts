// The `status` query's object (product.md, Operator interface): what the CLI, the Web UI and the
// demo show, and what observe, remediate and the activities read of a wave. Plain JSON; times are
// ISO strings. Declared in the model (not beside the workflow) because every layer speaks it; the
// workflow builds it (wave-state.ts).
import type { RuleResult } from './rule-result';
import type { CheckpointVerdict, Policy } from './vocabulary';

export type { CheckpointVerdict, Policy };

export type Phase = 'monitoring' | 'holding' | 'rolling-back' | 'completed' | 'aborted';
export type Verdict = 'GO' | 'NO-GO' | 'ABORTED' | null;

export interface CheckpointStatus {
  name: string;
  dueAt: string;
  ranAt: string | null;
  verdict: CheckpointVerdict | null;
  criteria: RuleResult[];
  artifactsDir: string | null;
  /** e.g. "manual (collectNow)" or why it could not run. */
  note?: string;
}

export interface AlertStatus {
  id: string;
  rule: string;
  severity: 'critical' | 'warning';
  scope: string;
  state: 'firing' | 'acknowledged' | 'resolved';
  firstFiredAt: string;
  lastFiredAt: string;
  resolvedAt?: string;
  acknowledgedBy?: string;
  /** The rule's condition and what was measured, as fields: `message` is rendered from them. */
  metric: string;
  op: string;
  threshold: number;
  /** The last measured value; null when there was none. */
  value: number | null;
  message: string;
}

export interface OperatorAction {
  at: string;
  kind: string;
  by: string;
  reason: string;
  accepted: boolean;
  note?: string;
}

export interface RollbackTargetResult {
  target: string;
  outcome: 'done' | 'skipped' | 'failed';
  exitCode: number | null;
  message?: string;
}
export interface RollbackStepStatus {
  name: string;
  state: 'pending' | 'done' | 'failed';
  finishedAt?: string;
  targets: RollbackTargetResult[];
}
export interface RollbackStatus {
  requested: boolean;
  trigger: { kind: 'operator' | 'criterion'; by: string; reason: string; criterion?: string } | null;
  executed: boolean;
  startedAt: string | null;
  finishedAt: string | null;
  ok: boolean | null;
  steps: RollbackStepStatus[];
  /** The fleet's state after the rollback (a verification collection). */
  verification: string | null;
}

export interface HoldStatus {
  since: string;
  deadline: string;
  reason: string;
  criterion?: string;
  onTimeout: 'rollback' | 'continue' | 'no-go';
}

export interface WaveStatus {
  waveId: string;
  wave: string;
  phase: Phase;
  verdict: Verdict;
  paused: boolean;
  policy: Policy;
  timeScale: number;
  startAt: string;
  endsAt: string;
  nextCheckpoint: { name: string; dueAt: string } | null;
  checkpoints: CheckpointStatus[];
  interim: {
    ticks: number;
    skippedTicks: number;
    lastTickAt: string | null;
    agentsActive: string | null;
    lastTickNote: string | null;
    /** Rollback and alert rules firing at the last tick, with their evidence. */
    firing: RuleResult[];
  };
  alerts: AlertStatus[];
  rollback: RollbackStatus;
  hold: HoldStatus | null;
  waivers: { criterion: string; reason: string; by: string; at: string }[];
  operatorActions: OperatorAction[];
  /** Operator actions older than the newest 100, no longer listed. */
  operatorActionsDropped?: number;
  /** The last problems beside the wave's course: mail not sent, report parts not rendered. */
  problems: string[];
  artifactsDir: string | null;
  /** Runs of the workflow chained by continue-as-new (history stays small). */
  runs: number;
}

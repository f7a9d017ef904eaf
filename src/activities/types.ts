// What the workflow sends to activities and gets back. Results are compact summaries: raw data
// goes to the artifact store (claim check), so history stays small however large the fleet.
import type { Plan } from '../plan/schema';
import type { RuleResult } from '../judge/rules';
import type { CheckpointVerdict, RollbackTargetResult, WaveStatus } from '../workflows/status';

export interface WaveRef {
  plan: Plan;
  waveId: string;
  startAtMs: number;
  timeScale: number;
}

export interface TickInput extends WaveRef {
  index: number;
  /** Start of the window this tick covers (the previous tick, or the monitoring start). */
  sinceMs: number;
}

export interface InstanceProblem {
  host: string;
  agent: string;
  role: 'test' | 'control';
  state: string;
  error?: string;
}

export interface TickResult {
  at: number;
  durationMs: number;
  agentsTotal: number;
  agentsActive: number;
  hostsUnreachable: string[];
  /** Only the instances that are not active: the list stays empty on a healthy fleet. */
  problems: InstanceProblem[];
  /** Rollback criteria and alert rules whose comparison holds on this tick's data, with evidence. */
  rollbackFiring: RuleResult[];
  alertsFiring: (RuleResult & { severity: 'critical' | 'warning'; scope: string })[];
  note: string | null;
}

export interface CheckpointInput extends WaveRef {
  checkpoint: string;
  /** Folder under output.dir: the checkpoint's name, or "manual-N" for collectNow. */
  folder: string;
  dueAtMs: number;
  /** Criteria waived by operators so far: reported as "waived" with the reason. */
  waivers: { criterion: string; reason: string; by: string }[];
}

export interface CheckpointResult {
  name: string;
  folder: string;
  artifactsDir: string;
  ranAtMs: number;
  verdict: CheckpointVerdict;
  criteria: RuleResult[];
  rollbackFiring: RuleResult[];
}

export interface RollbackStepInput extends WaveRef {
  stepIndex: number;
}

export interface RollbackStepResult {
  name: string;
  ok: boolean;
  targets: RollbackTargetResult[];
}

export interface FinishInput extends WaveRef {
  status: WaveStatus;
}

export interface FinishResult {
  files: string[];
}

// What the workflow sends to activities and gets back. Results are compact summaries: raw data
// goes to the artifact store (claim check), so history stays small however large the fleet.
import type { Plan } from '../plan/schema';
import type { RuleResult } from '../judge/rules';
import type { AlertEvaluation, AlertEvent, AlertNotification } from '../judge/alerts';
import type { RollbackTrigger } from '../judge/rollback-decision';
import type { WaveDecision } from '../judge/verdict';
import type { CriterionResult } from '../artifacts/records/judgement';
import type { CheckpointVerdict, Policy, WaveStatus } from '../model/status';

/** Where activities find the wave's plan: stored once per run by storePlan, named by its digest. */
export interface PlanRef {
  file: string;
  /** sha256 of the stored JSON: a plan file changed under a running wave is refused. */
  digest: string;
}

export interface StorePlanInput {
  plan: Plan;
  waveId: string;
  /**
   * Set when the wave was started beside a running wave of the same plan (output.dir): that wave
   * keeps the spec's layout, and this one writes all its files under waves/<waveId>/.
   */
  besideWave?: string;
}

export interface WaveRef {
  planRef: PlanRef;
  waveId: string;
  startAtMs: number;
  timeScale: number;
}

/** Every collection of a wave has a number from the workflow: retries reuse it. */
export interface CollectInput extends WaveRef {
  seq: number;
  /** Start of the window when no earlier collection is known (monitoring start). */
  sinceMs: number;
  /** The wave's planned end on the wave's clock (extendWave moves it). */
  endMs: number;
  policy: Policy;
  /** The operator's waivers so far: a waived criterion neither fails a verdict nor rolls the wave back. */
  waivers: { criterion: string; reason: string; by: string }[];
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
  natsReachable: boolean | null;
  /** Only the instances that are not active: the list stays empty on a healthy fleet (at most 50). */
  problems: InstanceProblem[];
  /** Instances not active beyond those listed (the tick's observation has them all). */
  problemsOmitted: number;
  /** The alert rules judged on this tick (input to the workflow's alert state machine). */
  evaluations: AlertEvaluation[];
  /** Rollback criteria that fired, with the policy's effective action and the evidence. */
  rollback: RollbackTrigger[];
  note: string | null;
}

export interface CheckpointInput extends CollectInput {
  checkpoint: string;
  /** Folder under output.dir: the checkpoint's name, or "manual-N" for collectNow. */
  folder: string;
  /** Whose criteria judge it: the checkpoint itself, or for a manual collection the next one due. */
  criteriaOf: string;
  dueAtMs: number;
  /** For the checkpoint's files: the wave's alerts and operator actions so far. */
  status: Pick<WaveStatus, 'alerts' | 'operatorActions'>;
  next: { name: string; dueAt: string } | null;
}

export interface CheckpointResult {
  name: string;
  folder: string;
  artifactsDir: string;
  ranAtMs: number;
  verdict: CheckpointVerdict;
  verdictReason: string;
  criteria: RuleResult[];
  rollback: RollbackTrigger[];
  /** Problems writing derived files (the data files are written regardless). */
  problems: string[];
}

export interface AlertsInput extends WaveRef {
  entries: AlertEvent[];
  notifications: AlertNotification[];
  status: Pick<WaveStatus, 'alerts'>;
}

export interface JudgeWaveInput extends WaveRef {
  seq: number;
  endMs: number;
  waivers: { criterion: string; reason: string; by: string }[];
  checkpoints: { checkpoint: string; criteria: RuleResult[] }[];
  rolledBack: boolean;
  rollbackFired: RuleResult[];
}

export interface JudgeWaveResult {
  decision: WaveDecision;
  reasons: string[];
  held: string[];
  criteria: CriterionResult[];
}

export interface RollbackStepInput extends WaveRef {
  stepIndex: number;
}

export interface RollbackStepResult {
  name: string;
  ok: boolean;
  targets: import('../model/status').RollbackTargetResult[];
}

export interface FinishInput extends WaveRef {
  status: WaveStatus;
  judgement: JudgeWaveResult | null;
}

export interface FinishResult {
  files: string[];
  reportPath: string;
  problems: string[];
}

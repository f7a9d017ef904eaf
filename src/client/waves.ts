// Talking to waves from outside: start one, read its status, send operator messages. Every
// failure becomes a WaveCommandError with one line that says what is wrong.
import {
  Client,
  Connection,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type WorkflowHandle,
} from '@temporalio/client';
import type { Plan } from '../plan/schema';
import type { WaveInput } from '../workflows/wave-state';
import type { Policy, WaveStatus } from '../model/status';
import { requestProblem } from '../workflows/requests';
import { TASK_QUEUE, type TemporalSettings } from './connection';

export class WaveCommandError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'WaveCommandError';
  }
}

export async function connectClient(s: TemporalSettings): Promise<Client> {
  try {
    const connection = await Connection.connect({ address: s.address, tls: s.tls, apiKey: s.apiKey, connectTimeout: 5000 });
    return new Client({ connection, namespace: s.namespace });
  } catch (err) {
    throw new WaveCommandError(`cannot reach the Temporal server at ${s.address}: ${firstLine(err)} (is it running? \`wavewatch dev up\` starts a local one)`);
  }
}

export function firstLine(err: unknown): string {
  // gRPC errors carry their text in `details`; an ApplicationFailure's `details` is its payload list.
  const e = err as { details?: unknown; message?: string; cause?: unknown };
  const text = (typeof e?.details === 'string' && e.details) || e?.message || String(err);
  return text.split('\n')[0];
}

export function defaultWaveId(plan: Plan, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${plan.wave.name}-${stamp}`;
}

export interface StartOptions {
  timeScale: number;
  startAtMs: number;
  policy: Policy;
  waveId: string;
  taskQueue?: string;
  /** See WaveInput.eventsPerRun: tests and benchmarks only. */
  eventsPerRun?: number;
  /**
   * The operator chose the wave id (`start --id`): the wave may then run beside a running wave of
   * the same plan, which keeps the spec's layout (this one's files go under waves/<id>/ only).
   * Otherwise a second start while a wave of the plan runs is refused.
   */
  besideRunning?: boolean;
}

/** The memo key naming a wave's plan output folder: what two waves of one plan share. */
const MEMO_OUTPUT_DIR = 'outputDir';

/**
 * Waves still running whose plan writes to the same output folder (the memo set at start, which
 * continue-as-new keeps). Waves started before the memo existed are not seen.
 */
export async function runningWavesOf(client: Client, plan: Plan): Promise<string[]> {
  const ids: string[] = [];
  try {
    for await (const w of client.workflow.list({ query: `WorkflowType = 'waveWorkflow' AND ExecutionStatus = 'Running'` }))
      if (w.memo?.[MEMO_OUTPUT_DIR] === plan.output.dir) ids.push(w.workflowId);
  } catch (err) {
    throw new WaveCommandError(`cannot list the running waves: ${firstLine(err)}`);
  }
  return ids.sort();
}

export async function startWave(client: Client, plan: Plan, o: StartOptions): Promise<WorkflowHandle> {
  // Two waves of one plan share its output folder: one at a time, unless the operator names the
  // second (then it is kept apart under waves/<id>/, see src/artifacts/wave-folders.ts).
  const running = (await runningWavesOf(client, plan)).filter((id) => id !== o.waveId);
  if (running.length && !o.besideRunning)
    throw new WaveCommandError(
      `wave "${running[0]}" of this plan (output ${plan.output.dir}) is still running: wait for it to end, abort it, or start this one beside it with --id <new id>`,
    );
  const input: WaveInput = {
    plan,
    waveId: o.waveId,
    startAtMs: o.startAtMs,
    timeScale: o.timeScale,
    policy: o.policy,
    ...(o.eventsPerRun ? { eventsPerRun: o.eventsPerRun } : {}),
    ...(running.length ? { besideWave: running[0] } : {}),
  };
  const scale = o.timeScale === 1 ? '' : ` ×${o.timeScale}`;
  try {
    return await client.workflow.start('waveWorkflow', {
      workflowId: o.waveId,
      taskQueue: o.taskQueue ?? TASK_QUEUE,
      args: [input],
      memo: { [MEMO_OUTPUT_DIR]: plan.output.dir },
      staticSummary: `${plan.wave.title}: ${plan.hosts.length} hosts, ${plan.agents.underTest.map((a) => a.name).join(', ')} under test${scale}`,
      staticDetails: [
        `**Plan:** ${plan.wave.title} (\`${plan.wave.name}\`), ${plan.wave.duration / 3_600_000} h, policy \`${o.policy}\`${scale ? `, time scale ${o.timeScale}` : ''}`,
        `**Hosts:** ${plan.hosts.map((h) => h.name).join(', ')}`,
        `**Under test:** ${plan.agents.underTest.map((a) => `${a.name} (${a.cluster})`).join(', ')}`,
        `**Control:** ${plan.agents.control.map((a) => a.name).join(', ') || 'none'}`,
        `**Checkpoints:** ${plan.checkpoints.map((c) => c.name).join(', ')}`,
        `**Artifacts:** \`${plan.output.dir}\``,
      ].join('\n\n'),
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) throw new WaveCommandError(`a wave with id "${o.waveId}" already exists`);
    throw new WaveCommandError(`cannot start the wave: ${firstLine(err)}`);
  }
}

async function describe(handle: WorkflowHandle) {
  try {
    return await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new WaveCommandError(`unknown wave id "${handle.workflowId}"`);
    throw new WaveCommandError(firstLine(err));
  }
}

/** The status query's object; for a finished wave, the status it ended with (no worker needed). */
export async function waveStatus(client: Client, waveId: string): Promise<WaveStatus> {
  const handle = client.workflow.getHandle(waveId);
  const d = await describe(handle);
  if (d.status.name === 'COMPLETED') return (await handle.result()) as WaveStatus;
  if (d.status.name !== 'RUNNING') throw new WaveCommandError(`wave "${waveId}" ended as ${d.status.name}: it has no status to show`);
  try {
    return await handle.query<WaveStatus>('status');
  } catch (err) {
    throw new WaveCommandError(`wave "${waveId}" did not answer the status query: ${firstLine(err)} (is a worker running? \`wavewatch worker\`)`);
  }
}

/** Throws the one-line refusal (exit 2) of a malformed operator request; the CLI calls it before connecting. */
export function refuseMalformed(name: string, arg: object): void {
  const problem = requestProblem(name, arg);
  if (problem) throw new WaveCommandError(`${name}: ${problem}`, 2);
}

/** Sends a signal after checking the wave exists, runs and the argument is well formed. */
export async function signalWave(client: Client, waveId: string, name: string, arg: object): Promise<void> {
  refuseMalformed(name, arg);
  const handle = client.workflow.getHandle(waveId);
  const d = await describe(handle);
  if (d.status.name !== 'RUNNING') throw new WaveCommandError(`wave "${waveId}" has ended (${d.status.name}): it takes no more messages`);
  try {
    await handle.signal(name, arg);
  } catch (err) {
    throw new WaveCommandError(`${name} was not delivered: ${firstLine(err)}`);
  }
}

/** Runs an update and returns its answer; a refused update (validator) becomes one clear line. */
export async function updateWave<T>(client: Client, waveId: string, name: string, arg: object, timeoutMs = 120_000): Promise<T> {
  refuseMalformed(name, arg);
  const handle = client.workflow.getHandle(waveId);
  const d = await describe(handle);
  if (d.status.name !== 'RUNNING') throw new WaveCommandError(`wave "${waveId}" has ended (${d.status.name}): it takes no more messages`);
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    return await client.withAbortSignal(abort.signal, () => handle.executeUpdate<T, [object]>(name, { args: [arg] }));
  } catch (err) {
    if (abort.signal.aborted) throw new WaveCommandError(`${name}: no answer within ${timeoutMs / 1000} s (is a worker running?)`, 3);
    if (err instanceof WorkflowUpdateFailedError) throw new WaveCommandError(`${name} refused: ${firstLine(err.cause ?? err)}`, 2);
    throw new WaveCommandError(`${name} failed: ${firstLine(err)}`);
  } finally {
    clearTimeout(timer);
  }
}

// The workflow's own check of its input, before it reads anything of it. The plan is validated in
// full by the first activity (storePlan, InvalidPlan); this covers only what the workflow reads before
// that activity answers (timeouts, schedule), so a workflow started with a malformed input fails at once
// with one line instead of failing workflow tasks forever. Pure: safe in the workflow sandbox.
import { timeScaleProblem } from './bounds';
import type { WaveInput } from './wave-input';
import { POLICIES } from '../model/vocabulary';

const positive = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;

export function waveInputProblem(input: WaveInput | undefined): string | null {
  if (!input || typeof input !== 'object') return 'the workflow takes one wave input object';
  if (typeof input.waveId !== 'string' || !input.waveId) return 'waveId must be a non-empty string';
  if (typeof input.startAtMs !== 'number' || !Number.isFinite(input.startAtMs)) return 'startAtMs must be a time in epoch milliseconds';
  const scale = timeScaleProblem(input.timeScale);
  if (scale) return scale;
  if (!(POLICIES as readonly string[]).includes(input.policy)) return `policy must be auto, hold or observe, got ${JSON.stringify(input.policy)}`;
  const p = input.plan as unknown as Record<string, any> | undefined;
  const need: [string, unknown][] = [
    ['wave.duration', p?.wave?.duration],
    ['ssh.connectTimeout', p?.ssh?.connectTimeout],
    ['ssh.commandTimeout', p?.ssh?.commandTimeout],
    ['nats.sampling.window', p?.nats?.sampling?.window],
    ['monitor.interval', p?.monitor?.interval],
    ['monitor.holdTimeout', p?.monitor?.holdTimeout],
    ['monitor.alertRepeat', p?.monitor?.alertRepeat],
  ];
  for (const [field, v] of need) if (!positive(v)) return `invalid plan: ${field} must be a positive number of milliseconds (validate the plan: wavewatch plan validate)`;
  if (!Array.isArray(p?.checkpoints) || p.checkpoints.length === 0 || !p.checkpoints.every((c: any) => typeof c?.name === 'string' && positive(c?.at)))
    return 'invalid plan: checkpoints must be a non-empty list of {name, at} (validate the plan: wavewatch plan validate)';
  if (!Array.isArray(p?.rollback?.steps) || p.rollback.steps.length === 0 || !p.rollback.steps.every((s: any) => typeof s?.name === 'string' && positive(s?.timeout)))
    return 'invalid plan: rollback.steps must be a non-empty list of {name, timeout, …} (validate the plan: wavewatch plan validate)';
  return null;
}

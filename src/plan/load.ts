// Reading a plan file: YAML → validated Plan, or a list of problems, one line each, naming the field.
import { readFileSync, statSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { planSchema, storedPlanSchema, type Plan } from './schema';

export class PlanError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid plan\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'PlanError';
  }
}

/**
 * A plan is a page of YAML (the 300-host fleet's is ~30 KB); a larger file is a mistake or an attack
 * on the parser, refused before it is read.
 */
export const MAX_PLAN_BYTES = 1024 * 1024;
/** YAML aliases a plan may expand: a few anchors are normal, an alias bomb (aliases of aliases) is not. */
const MAX_ALIAS_COUNT = 100;

const tooLarge = (bytes: number) => `(file): ${bytes} bytes, above the ${MAX_PLAN_BYTES / 1024 / 1024} MiB a plan file may have`;

/** Validates already-parsed plan data. */
export function parsePlan(data: unknown, file = 'plan'): Plan {
  if (data === null || data === undefined || typeof data !== 'object' || Array.isArray(data))
    throw new PlanError(file, ['(root): expected a YAML mapping with the plan\'s fields']);
  const result = planSchema.safeParse(data);
  if (result.success) return result.data;
  throw new PlanError(file, problemLines(result.error.issues));
}

/**
 * Validates a plan that was already parsed (durations in ms): what a workflow carries. Anything may
 * start a workflow on the task queue, so activities check it by the plan file's own rules.
 */
export function parseStoredPlan(data: unknown, file = 'plan'): Plan {
  const result = storedPlanSchema.safeParse(data);
  if (result.success) return result.data;
  throw new PlanError(file, problemLines(result.error.issues));
}

function problemLines(issues: { path: PropertyKey[]; message: string }[]): string[] {
  return issues.map((issue) => `${issue.path.length ? issue.path.map(String).join('.') : '(root)'}: ${issue.message}`);
}

/** Parses plan text (YAML); syntax errors are reported with their line. */
export function parsePlanText(text: string, file = 'plan'): Plan {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_PLAN_BYTES) throw new PlanError(file, [tooLarge(bytes)]);
  if (text.trim() === '') throw new PlanError(file, ['(root): the file is empty']);
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) throw new PlanError(file, doc.errors.map((e) => `(yaml): ${e.message.split('\n')[0]}`));
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // The yaml package refuses an alias bomb while expanding it ("Excessive alias count …").
    throw new PlanError(file, [`(yaml): ${(err as Error).message.split('\n')[0]} (a plan may expand at most ${MAX_ALIAS_COUNT} aliases)`]);
  }
  return parsePlan(data, file);
}

export function loadPlan(file: string): Plan {
  let text: string;
  try {
    const { size } = statSync(file);
    if (size > MAX_PLAN_BYTES) throw new PlanError(file, [tooLarge(size)]);
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof PlanError) throw err;
    throw new PlanError(file, [`(file): cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`]);
  }
  return parsePlanText(text, file);
}

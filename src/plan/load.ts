// Reading a plan file: YAML → validated Plan, or a list of problems, one line each, naming the field.
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { planSchema, type Plan } from './schema';

export class PlanError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid plan\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'PlanError';
  }
}

/** Validates already-parsed plan data. */
export function parsePlan(data: unknown, file = 'plan'): Plan {
  if (data === null || data === undefined || typeof data !== 'object' || Array.isArray(data))
    throw new PlanError(file, ['(root): expected a YAML mapping with the plan\'s fields']);
  const result = planSchema.safeParse(data);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const where = issue.path.length ? issue.path.join('.') : '(root)';
    return `${where}: ${issue.message}`;
  });
  throw new PlanError(file, problems);
}

/** Parses plan text (YAML); syntax errors are reported with their line. */
export function parsePlanText(text: string, file = 'plan'): Plan {
  if (text.trim() === '') throw new PlanError(file, ['(root): the file is empty']);
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) throw new PlanError(file, doc.errors.map((e) => `(yaml): ${e.message.split('\n')[0]}`));
  return parsePlan(doc.toJS(), file);
}

export function loadPlan(file: string): Plan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new PlanError(file, [`(file): cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`]);
  }
  return parsePlanText(text, file);
}

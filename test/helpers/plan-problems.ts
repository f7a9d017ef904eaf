// A plan text's problems as `plan validate` reports them: one line each, [] when it is valid.
import { parsePlanText, PlanError } from '../../src/plan/load';

export function problemsOf(text: string): string[] {
  try {
    parsePlanText(text, 'test.yaml');
  } catch (err) {
    if (err instanceof PlanError) return err.problems;
    throw err;
  }
  return [];
}

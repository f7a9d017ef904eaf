// A plan rule (`metric op threshold`) as judged: the judge writes it, the status query, the files,
// the reports and the mail show it. The four outcomes follow Argo Rollouts: no data is inconclusive
// (never a pass), a collection error is an error (never a fail); a waiver turns a failure into `waived`.
// Declared once, in zod, so the files' runtime check and the TypeScript type cannot drift apart (the
// artifacts' criterion adds `primary` to it). The workflow imports only the type (erased).
import { z } from 'zod';

export const ruleOutcomeSchema = z.enum(['pass', 'fail', 'inconclusive', 'error', 'waived']);
export type RuleOutcome = z.infer<typeof ruleOutcomeSchema>;

export const ruleResultSchema = z.object({
  id: z.string(),
  title: z.string(),
  metric: z.string(),
  op: z.string(),
  threshold: z.number(),
  window: z.string(),
  outcome: ruleOutcomeSchema,
  /** The measured value; null when there was none (inconclusive or error). */
  value: z.number().nullable(),
  /** How many samples or units the value rests on. */
  samples: z.number().int().min(0),
  /** What the value rests on, why it is missing, or the error, for people. */
  note: z.string().optional(),
  /** Set when an operator waived the criterion. */
  waiver: z.object({ reason: z.string(), by: z.string() }).strict().optional(),
});
export type RuleResult = z.infer<typeof ruleResultSchema>;

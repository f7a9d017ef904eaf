// What the judge decided at a checkpoint or over the wave, as recorded: criteria, the test-vs-control
// comparison and findings.
import { z } from 'zod';
import { ruleResultSchema } from '../../model/rule-result';
import { iso, readingSchema } from './common';

/** A criterion's result at a checkpoint or over the wave: the judge's RuleResult plus whether it is primary. */
export const criterionSchema = ruleResultSchema
  .extend({
    /** Primary criteria decide GO/NO-GO; secondary ones are informational. */
    primary: z.boolean(),
  })
  .strict()
  .meta({ id: 'Criterion', description: 'A criterion judged: `value op threshold`, with its outcome and the evidence it rests on.' });
export type CriterionResult = z.infer<typeof criterionSchema>;

/** One metric compared between agents under test and control agents. */
export const comparisonRowSchema = z
  .object({
    /** e.g. "error_rate_pct", "latency_p50_ms", "latency_p99_ms", "memory_bytes", "cpu_pct", "uptime_pct". */
    metric: z.string(),
    test: readingSchema,
    control: readingSchema,
    /** (test − control) ÷ control × 100; null when either side is missing or control is 0. */
    deltaPct: readingSchema,
    /** Whether the difference is statistically significant; null when not tested. */
    significant: z.boolean().nullable(),
    /** The test used ("two-proportion z-test", "Mann–Whitney U", "none"). */
    method: z.string(),
    pValue: z.number().min(0).max(1).nullable(),
  })
  .strict();
export type ComparisonRow = z.infer<typeof comparisonRowSchema>;

/** Test vs control at a checkpoint (the spec's section 6). */
export const comparisonSchema = z
  .object({ rows: z.array(comparisonRowSchema), note: z.string().optional() })
  .strict()
  .meta({ id: 'Comparison' });
export type ControlComparison = z.infer<typeof comparisonSchema>;

/** Something the judge or the collectors noticed: an anomaly, a leak, a degradation, a restart. */
export const findingSchema = z
  .object({
    /** 'anomaly' | 'leak' | 'degradation' | 'restart' | 'gap' | 'corruption' | anything else. */
    kind: z.string(),
    severity: z.enum(['info', 'warning', 'critical']),
    /** What it is about: "network-expert@dgx-2", "dgx-1", "wave". */
    scope: z.string(),
    at: iso.nullable(),
    message: z.string(),
  })
  .strict()
  .meta({ id: 'Finding' });
export type Finding = z.infer<typeof findingSchema>;

// The words every layer shares, declared once: the rollback policy, a checkpoint's verdict, an
// agent's role. The `as const` lists let validators (zod, commander choices, the workflow's input
// check) use the same values as the types.

/** auto: as the plan says; hold: a human decides every rollback; observe: record only. */
export const POLICIES = ['auto', 'hold', 'observe'] as const;
export type Policy = (typeof POLICIES)[number];

export const CHECKPOINT_VERDICTS = ['PASS', 'WARNING', 'FAIL'] as const;
export type CheckpointVerdict = (typeof CHECKPOINT_VERDICTS)[number];

/** Agents under test, and the control agents they are compared with. */
export const ROLES = ['test', 'control'] as const;
export type Role = (typeof ROLES)[number];

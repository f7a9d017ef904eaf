// Records are checked before anything is written: a malformed record is a programming error in the
// mapping, reported with the field's path, never a half-written checkpoint.
import type { z } from 'zod';

export class ArtifactValidationError extends Error {
  constructor(
    readonly what: string,
    readonly problems: string[],
  ) {
    super(`invalid ${what}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ArtifactValidationError';
  }
}

export function check<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new ArtifactValidationError(
    what,
    r.error.issues.slice(0, 20).map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`),
  );
}

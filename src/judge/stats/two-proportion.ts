// Two-sided two-proportion z-test (pooled standard error): is x1/n1 different from x2/n2? For rates
// built from counts (errors per message, replies per request) between two checkpoints.
import { normalCdf } from './special';

/** null when either sample is empty or the pooled proportion is 0 or 1 (no variance: nothing to test). */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): { z: number; p: number } | null {
  if (!(n1 > 0 && n2 > 0)) return null;
  const pooled = (x1 + x2) / (n1 + n2);
  if (pooled <= 0 || pooled >= 1) return null;
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const z = (x1 / n1 - x2 / n2) / se;
  const p = Math.min(1, Math.max(0, 2 * (1 - normalCdf(Math.abs(z)))));
  return { z, p };
}

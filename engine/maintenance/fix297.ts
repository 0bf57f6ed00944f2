// The one home of the `fix297` flag (engine/fixes.ts): #297: optimize retries Lance conflicts and
// publishes by monotonic fast-forward (on at the seed; off in `regress-297`). Read by
// `optimize.ts`, which picks the per-table optimize.
import type { Env } from "../env.ts";

/** Whether `fix297` is on for this engine. */
export function fix297(env: Env): boolean {
  return env.fixes.fix297;
}

// The one home of the `regress298` flag (engine/fixes.ts): Re-opens #298: the edge @card scan
// reads the pinned (stale) base, not live HEAD. Read by `execute.ts`.
import type { Env } from "../env.ts";

/** Whether `regress298` is on for this engine. */
export function regress298(env: Env): boolean {
  return env.fixes.regress298;
}

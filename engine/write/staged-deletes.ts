// The one home of the `stagedDeletes` flag (engine/fixes.ts): B8: deletes are staged under the
// sidecar instead of committed inline. Read by `execute.ts`.
import type { Env } from "../env.ts";

/** Whether `stagedDeletes` is on for this engine. */
export function stagedDeletes(env: Env): boolean {
  return env.fixes.stagedDeletes;
}

// The one home of the `noDetachedEnsureIndices` flag (engine/fixes.ts): RFC-022: the served handle
// no longer spawns a detached ensureIndices after a schema apply. Read by `apply.ts`.
import type { Env } from "../env.ts";

/** Whether `noDetachedEnsureIndices` is on for this engine. */
export function noDetachedEnsureIndices(env: Env): boolean {
  return env.fixes.noDetachedEnsureIndices;
}

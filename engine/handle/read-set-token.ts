// The one home of the `readSetToken` flag (engine/fixes.ts): RFC-013 s7.1 / RFC-022 (B2', B2''): a
// shared head row in every publish, validation redone under it. Read by `commit-section.ts` (queue
// keys, expected head token, extra rows), `commit-all.ts` (revalidation, and the head its sidecar
// records for recovery: `recovery/captured-authority.ts`) and `merge/merge.ts` (a merge's target
// head, revalidated before effects and expected at its publish).
import type { Env } from "../env.ts";

/** Whether `readSetToken` is on for this engine. */
export function readSetToken(env: Env): boolean {
  return env.fixes.readSetToken;
}

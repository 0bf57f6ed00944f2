// The one home of the `sharedQueues` flag (engine/fixes.ts): RFC-022: every handle of one root in
// a process shares one write-queue manager. Read by `write-queue.ts` and `graph/open.ts`.
import type { Env } from "../env.ts";

/** Whether `sharedQueues` is on for this engine. */
export function sharedQueues(env: Env): boolean {
  return env.fixes.sharedQueues;
}

// The one home of the `pinBeforeHead` flag (engine/fixes.ts): found by omnisim, a residual of
// #297. Optimize reads a table's Lance HEAD and then its manifest pin, and treats HEAD below the
// pin as state no writer can produce (`HeadBehindManifest`, an internal error). It is not: a
// writer on another handle or process that commits and publishes between the two reads leaves
// exactly that. With the fix the pin is read first; HEAD only grows and every pin names a
// version that existed when it was published, so HEAD read after it is never below it. Read by
// `optimize.ts`.
import type { Env } from "../env.ts";

/** Whether `pinBeforeHead` is on for this engine. */
export function pinBeforeHead(env: Env): boolean {
  return env.fixes.pinBeforeHead;
}

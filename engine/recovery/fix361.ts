// The one home of the `fix361` flag (engine/fixes.ts): #361: recovery skips a listed sidecar that
// vanished before it was read. Read by `sidecar.ts` (listSidecars).
import type { Env } from "../env.ts";

/** Whether `fix361` is on for this engine. */
export function fix361(env: Env): boolean {
  return env.fixes.fix361;
}

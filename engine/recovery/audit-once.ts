// The one home of the `auditOnce` flag (engine/fixes.ts): Found by omnisim: recovery appends an
// operation's audit row only if none exists yet. Read by `audit.ts`.
import type { Env } from "../env.ts";

/** Whether `auditOnce` is on for this engine. */
export function auditOnce(env: Env): boolean {
  return env.fixes.auditOnce;
}

// The one home of the `opClassPrecondition` flag (engine/fixes.ts): Design A: versions between pin
// and HEAD that are only maintenance fast-forward a strict write's pin. Read by `open-table.ts`.
import type { Env } from "../env.ts";

/** Whether `opClassPrecondition` is on for this engine. */
export function opClassPrecondition(env: Env): boolean {
  return env.fixes.opClassPrecondition;
}

// The one home of the `probeOnWrite` flag (engine/fixes.ts): Design A: a write probes the manifest
// instead of trusting the warm snapshot. Read by `txn.ts`.
import type { Env } from "../env.ts";

/** Whether `probeOnWrite` is on for this engine. */
export function probeOnWrite(env: Env): boolean {
  return env.fixes.probeOnWrite;
}

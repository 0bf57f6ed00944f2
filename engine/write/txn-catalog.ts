// The one home of the `txnCatalog` flag (engine/fixes.ts): RFC-022 (#343, upstream `f758ff0d`):
// a write plans and validates against the catalog of the schema contract it validated when it
// opened its transaction, never the handle's warm catalog. Read by `txn.ts`.
import type { Env } from "../env.ts";

/** Whether `txnCatalog` is on for this engine. */
export function txnCatalog(env: Env): boolean {
  return env.fixes.txnCatalog;
}

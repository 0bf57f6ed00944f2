// `ensure_schema_apply_idle`: branch operations and merges first refresh the handle's coordinator,
// then refuse while a schema apply holds its lock branch.
import { ensureSchemaApplyNotLocked } from "../manifest/schema-apply-lock.ts";
import type { Handle } from "./handle.ts";

export async function ensureSchemaApplyIdle(h: Handle, operation: string): Promise<void> {
  await h.coordinator.refresh();
  await ensureSchemaApplyNotLocked(h.env, operation);
}

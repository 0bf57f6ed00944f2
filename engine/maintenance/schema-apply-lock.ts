// Maintenance refuses while a schema apply holds its lock (see manifest/schema-apply-lock.ts).
import type { Handle } from "../handle/handle.ts";
import { ensureSchemaApplyNotLocked } from "../manifest/schema-apply-lock.ts";

/** `ensure_schema_apply_idle`: refresh the coordinator, then check the lock. */
export async function ensureSchemaApplyIdle(h: Handle, operation: string): Promise<void> {
  await h.coordinator.refresh();
  await ensureSchemaApplyNotLocked(h.env, operation);
}

// The schema-apply lock: a system branch of `__manifest`. Maintenance refuses while it exists.
import type { Handle } from "../graph/handle.ts";
import { ensureSchemaApplyNotLocked } from "../write/publish.ts";

/** `ensure_schema_apply_idle`: refresh the coordinator, then check the lock. */
export async function ensureSchemaApplyIdle(h: Handle, operation: string): Promise<void> {
  await h.coordinator.refresh();
  await ensureSchemaApplyNotLocked(h.env, operation);
}

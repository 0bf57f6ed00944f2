// `Omnigraph::refresh`: with no sidecar pending, re-read the manifest and reconcile schema
// staging (under the schema-apply serial key); then the roll-forward-only heal, which defers
// rollback-eligible sidecars to the next read-write open.
import { listSidecars } from "../recovery/sidecar.ts";
import { healPendingSidecars } from "../recovery/sweep.ts";
import { recoverSchemaStateFiles } from "../schema-state/recover.ts";
import { SCHEMA_APPLY_SERIAL_KEY } from "../sync/write-queue.ts";
import type { Handle } from "./handle.ts";
import { reloadSchemaIfSourceChanged } from "./heal.ts";

export async function refreshHandle(h: Handle): Promise<void> {
  const release = await h.queues.acquireMany(h.env, [SCHEMA_APPLY_SERIAL_KEY]);
  try {
    if ((await listSidecars(h.env)).length === 0) {
      const snapshot = await h.coordinator.refresh();
      await recoverSchemaStateFiles(h.env, snapshot);
    }
  } finally {
    release();
  }
  await healPendingSidecars(h.env, h.coordinator, h.queues);
  await reloadSchemaIfSourceChanged(h);
}

// `Omnigraph::refresh`: with no sidecar pending, re-read the manifest and reconcile schema
// staging (under the schema-apply serial key); then the roll-forward-only heal, which defers
// rollback-eligible sidecars to the next read-write open.
import { listSidecars } from "../recovery/sidecar.ts";
import { healPendingSidecars } from "../recovery/sweep.ts";
import { recoverSchemaStateFiles } from "../recovery/schema-state-files.ts";
import { SCHEMA_APPLY_SERIAL_KEY } from "../sync/write-queue.ts";
import { leaseGuardsCommits } from "../lease/owner-lease.ts";
import { bumpingPublishOptions } from "../handle/commit-section.ts";
import type { Handle } from "../handle/handle.ts";
import { recoverIfLeaseFree } from "../handle/lease-recovery.ts";
import { ensureSchemaState } from "../handle/schema-guard.ts";
import { reloadSchemaIfSourceChanged } from "../handle/heal.ts";

export async function refreshHandle(h: Handle): Promise<void> {
  if (leaseGuardsCommits(h.env)) {
    await recoverIfLeaseFree(h.env, h.coordinator, h.id);
    await h.coordinator.refresh();
    await reloadSchemaIfSourceChanged(h, () => ensureSchemaState(h.env, h.coordinator, h.id));
    return;
  }
  const release = await h.queues.acquireMany(h.env, [SCHEMA_APPLY_SERIAL_KEY]);
  try {
    if ((await listSidecars(h.env)).length === 0) {
      const snapshot = await h.coordinator.refresh();
      await recoverSchemaStateFiles(h.env, snapshot);
    }
  } finally {
    release();
  }
  await healPendingSidecars(h.env, h.coordinator, h.queues, bumpingPublishOptions(h.env, null));
  await reloadSchemaIfSourceChanged(h);
}

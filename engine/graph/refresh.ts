// `Omnigraph::refresh`: with no sidecar pending, re-read the manifest and reconcile schema
// staging (under the schema-apply serial key); then the roll-forward-only heal, which defers
// rollback-eligible sidecars to the next read-write open.
import { listSidecars } from "../recovery/sidecar.ts";
import { healPendingSidecars } from "../recovery/sweep.ts";
import { recoverSchemaStateFiles } from "../schema-state/recover.ts";
import { SCHEMA_APPLY_SERIAL_KEY } from "../sync/write-queue.ts";
import { leaseGuardsCommits } from "../lease/policy.ts";
import { bumpingPublishOptions } from "../write/commit-section.ts";
import type { Handle } from "./handle.ts";
import { recoverIfLeaseFree } from "./lease-recovery.ts";
import { ensureSchemaState } from "./schema-guard.ts";
import { reloadSchemaIfSourceChanged } from "./heal.ts";

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

// Shared pieces of every handle operation: the heal at the head of every write, and reloading
// the catalog when a heal changed the schema. A read-only handle (upstream `OpenMode::ReadOnly`)
// differs only in skipping the open's recovery sweep: its writes run, and heal, like any other.
import { leaseGuardsCommits } from "../lease/owner-lease.ts";
import type { RecoverySidecar } from "../recovery/sidecar.ts";
import { healPendingSidecars } from "../recovery/sweep.ts";
import { bumpingPublishOptions } from "./commit-section.ts";
import { compileSchema } from "../schema/catalog-builder.ts";
import { SCHEMA_SOURCE_FILE } from "../schema/contract.ts";
import type { Catalog } from "../schema/catalog.ts";
import { validateSchemaState } from "../schema-state/contract-files.ts";
import type { Handle } from "./handle.ts";

/**
 * `heal_pending_recovery_sidecars`: one LIST when nothing is pending. Returns the intents it left
 * pending (deferred), which a write's recovery barrier may refuse on (`write-barrier.ts`).
 */
export async function healHandle(h: Handle): Promise<readonly RecoverySidecar[]> {
  // Under a lease, committers recover inside their commit section instead.
  if (leaseGuardsCommits(h.env)) return [];
  const unresolved: RecoverySidecar[] = [];
  if (await healPendingSidecars(h.env, h.coordinator, h.queues, bumpingPublishOptions(h.env, null), unresolved)) await reloadSchemaIfSourceChanged(h);
  return unresolved;
}

/**
 * `reload_schema_if_source_changed`. Outside a commit section the caller passes a validation
 * that tolerates a schema apply renaming the files under it (`ensureSchemaState`).
 */
export async function reloadSchemaIfSourceChanged(h: Handle, validate: () => Promise<Catalog> = () => validateSchemaState(h.env)): Promise<void> {
  const source = await h.env.storage.objects.get(SCHEMA_SOURCE_FILE);
  if (source === h.schemaSource) return;
  compileSchema(source);
  h.catalog = await validate();
  h.schemaSource = source;
}

// The `__manifest` dataset's own metadata (`db/manifest/migrations.rs`): its internal-schema
// stamp and the `table_version_management` config key. Upstream keeps both in Lance metadata
// (schema metadata and dataset config), each written by a commit that changes no row; the
// model keeps each as one `metadata` row, written by one merge, so the versions and the
// windows between them are upstream's. Readers ignore these rows.
import { manifestBranchNames } from "./branch-list.ts";
import type { Env } from "../env.ts";
import { OmniError } from "../errors.ts";
import type { Branch, ManifestRow, ManifestSnapshot, Version } from "../storage/types.ts";

/** The shape this engine writes (v3 at the seed: the object_id primary key, the run-branch sweep). */
export const INTERNAL_MANIFEST_SCHEMA_VERSION = 3;

const STAMP_OBJECT_ID = "__metadata:omnigraph:internal_schema_version";
const TABLE_VERSION_MANAGEMENT_OBJECT_ID = "__metadata:table_version_management";

/** `set_stamp`: the stamp row at `version`. */
export function stampRow(version: number): ManifestRow {
  return { objectId: STAMP_OBJECT_ID, objectType: "metadata", tableKey: null, metadata: String(version) };
}

/** `update_config([(TABLE_VERSION_MANAGEMENT_KEY, "true")])`, as init writes it at the seed. */
export function tableVersionManagementRow(): ManifestRow {
  return { objectId: TABLE_VERSION_MANAGEMENT_OBJECT_ID, objectType: "metadata", tableKey: null, metadata: "true" };
}

/** `read_stamp`: the on-disk stamp; absent is 1 (the pre-stamp world). */
export function readStamp(state: ManifestSnapshot): number {
  const row = state.rows.find((r) => r.objectId === STAMP_OBJECT_ID);
  const n = row?.metadata === undefined ? NaN : Number(row.metadata);
  return Number.isInteger(n) ? n : 1;
}

/**
 * `migrate_internal_schema`, run by the publisher on its open-for-write path: walks the stamp
 * up to the current version, one commit per step. v1 -> v2 sets the object_id primary key (a
 * fresh manifest has it from its schema, so only the stamp commits); v2 -> v3 sweeps legacy
 * `__run__` branches (one branch listing) and stamps. Returns whether it committed anything.
 */
export async function migrateInternalSchema(env: Env, branch: Branch, state: ManifestSnapshot): Promise<boolean> {
  let current = readStamp(state);
  if (current > INTERNAL_MANIFEST_SCHEMA_VERSION) {
    throw new OmniError(
      "InternalSchemaUnsupported",
      { stamp: current, supported: INTERNAL_MANIFEST_SCHEMA_VERSION },
      `__manifest is stamped at internal schema v${current} but this binary expects v${INTERNAL_MANIFEST_SCHEMA_VERSION} — upgrade omnigraph before opening this graph for writes`,
    );
  }
  let at: Version = state.version;
  while (current < INTERNAL_MANIFEST_SCHEMA_VERSION) {
    if (current === 2) {
      const legacy = (await manifestBranchNames(env)).filter((b) => b.startsWith("__run__"));
      for (const name of legacy) await env.storage.manifest.deleteBranch(name);
    }
    current += 1;
    at = await env.storage.manifest.merge(branch, at, [stampRow(current)]);
  }
  return at !== state.version;
}

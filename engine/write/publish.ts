// `commit_updates_on_branch_with_expected`: the schema-apply lock check, the index builds of
// `prepare_updates_for_commit` (extra CreateIndex commits after the sidecar's pin, the source
// of B9), then the publish through the coordinator.
import { FP } from "../../failpoints/catalog.ts";
import type { Env } from "../env.ts";
import { maybeFail } from "../failpoint.ts";
import type { Handle } from "../handle/handle.ts";
import type { ManifestChange } from "../manifest/changes.ts";
import { ensureSchemaApplyNotLocked } from "../manifest/schema-apply-lock.ts";
import type { PublishOptions } from "../manifest/publisher.ts";
import type { Catalog } from "../schema/catalog.ts";
import { requiredIndices } from "../schema/indices.ts";
import type { DatasetPath, TableKey, Version } from "../storage/types.ts";
import type { TableUpdate } from "./commit-all.ts";
import { commitTable } from "./commit-table.ts";
import { noWritePathIndexBuild } from "./no-write-path-index-build.ts";

/**
 * `build_indices_on_dataset`: one CreateIndex commit per missing index. Returns the new HEAD.
 * Each BTree build passes the `ensure_indices.post_stage_pre_commit_btree` failpoint.
 */
export async function buildMissingIndices(env: Env, catalog: Catalog, tableKey: TableKey, path: DatasetPath, at: Version): Promise<Version> {
  const content = await env.storage.datasets.checkout(path, null, at);
  let head = at;
  for (const spec of requiredIndices(catalog, tableKey)) {
    if (content.indices.includes(spec.name)) continue;
    if (spec.kind === "btree") await maybeFail(env, FP.ENSURE_INDICES_POST_STAGE_PRE_COMMIT_BTREE);
    head = (await commitTable(env, tableKey, path, head, { op: "CreateIndex", index: spec.name })).version;
  }
  return head;
}

export async function publishUpdates(
  h: Handle,
  updates: readonly TableUpdate[],
  expected: ReadonlyMap<TableKey, Version>,
  actor: string | null,
  options: PublishOptions,
): Promise<Version> {
  const env = h.env;
  await ensureSchemaApplyNotLocked(env, "write commit");
  const changes: ManifestChange[] = [];
  for (const u of updates) {
    let version = u.version;
    if (u.rowCount > 0 && !noWritePathIndexBuild(env)) {
      const path = h.coordinator.snapshot.entry(u.tableKey)?.path;
      if (path) version = await buildMissingIndices(env, h.catalog, u.tableKey, path, u.version);
    }
    changes.push({ kind: "update", tableKey: u.tableKey, version, branch: null, rowCount: u.rowCount });
  }
  return h.coordinator.commit(changes, expected, actor, options);
}

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
import type { Branch, DatasetPath, TableKey, Version } from "../storage/types.ts";
import { Coordinator } from "../manifest/coordinator.ts";
import type { WriteTxn } from "./txn.ts";
import type { TableUpdate } from "./commit-all.ts";
import { commitTable } from "./commit-table.ts";
import { noWritePathIndexBuild } from "./no-write-path-index-build.ts";

/**
 * `build_indices_on_dataset`: one CreateIndex commit per missing index. Returns the new HEAD.
 * Each BTree build passes the `ensure_indices.post_stage_pre_commit_btree` failpoint.
 */
export async function buildMissingIndices(env: Env, catalog: Catalog, tableKey: TableKey, path: DatasetPath, ref: Branch, at: Version): Promise<Version> {
  const content = await env.storage.datasets.checkout(path, ref, at);
  let head = at;
  for (const spec of requiredIndices(catalog, tableKey)) {
    if (content.indices.includes(spec.name)) continue;
    if (spec.kind === "btree") await maybeFail(env, FP.ENSURE_INDICES_POST_STAGE_PRE_COMMIT_BTREE);
    head = (await commitTable(env, tableKey, path, ref, head, { op: "CreateIndex", index: spec.name })).version;
  }
  return head;
}

/**
 * `commit_updates_on_branch_with_expected`: on the handle's bound branch through its own
 * coordinator; on any other branch through a coordinator opened for that branch.
 */
export async function publishUpdates(
  h: Handle,
  txn: WriteTxn,
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
      const path = txn.base.entry(u.tableKey)?.path;
      if (path) version = await buildMissingIndices(env, txn.catalog, u.tableKey, path, u.ref, u.version);
    }
    changes.push({ kind: "update", tableKey: u.tableKey, version, branch: u.ref, rowCount: u.rowCount });
  }
  const coordinator = txn.branch === h.coordinator.branch ? h.coordinator : await Coordinator.open(env, txn.branch, h.id);
  const version = await coordinator.commit(changes, expected, actor, options);
  await foldIntoSwappedSlot(h, coordinator);
  return version;
}

/**
 * Upstream's handle keeps its coordinator in one `RwLock` slot, and a publish takes the slot's
 * write guard and publishes through whatever coordinator is in it, so a merge's swap or restore
 * (which takes the same guard) never lands while a publish is in flight: the handle's coordinator
 * always holds its own publishes. The model's publish picks the coordinator before it waits for
 * its lock, so a merge on the same handle can swap the slot between the two (a write on main
 * published through the merge's fresh main coordinator, which the merge then replaced with the
 * stale one it had restored and refreshed before that publish landed: the handle's next strict
 * update expected the version before its own write, `random-workload-branches` on `fixed`). When
 * the slot now holds another coordinator of the same branch, it is refreshed, which is what the
 * slot's lock would have given it.
 */
async function foldIntoSwappedSlot(h: Handle, publishedThrough: Coordinator): Promise<void> {
  const slot = h.coordinator;
  // A refresh that fails (a named branch deleted since) leaves the slot as the merge left it; the
  // handle's next probe re-syncs it, as upstream's merge does on its error path.
  if (slot !== publishedThrough && slot.branch === publishedThrough.branch) await slot.refresh().catch(() => undefined);
}

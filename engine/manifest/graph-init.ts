// `GraphCoordinator::init` at the seed (`init_manifest_graph`, `CommitGraph::init`): one empty
// dataset per table, then `__manifest` created holding every table's registration and version
// row (the graph's commit point, version 1), then two metadata commits (the
// `table_version_management` config, v2; the internal-schema stamp, v3), then the commit graph.
// A crash between the Create and the stamp leaves an unstamped manifest (#483; `fix487`).
// With #502 each dataset Create is followed by `init.table_create_ack_lost` (the caller's
// `afterTableCreate`, `engine/graph/fix502.ts`): the table may be durable though init sees an
// error (a lost acknowledgement), so init's outcome is unknown from the first Create on
// (upstream's `create_empty_dataset`, manifest/graph.rs).
import { FP } from "../../failpoints/catalog.ts";
import type { Env } from "../env.ts";
import { maybeFail } from "../failpoint.ts";
import { catalogTableKeys, tablePathForTableKey, type Catalog } from "../schema/catalog.ts";
import type { Version } from "../storage/types.ts";
import type { ManifestChange } from "./changes.ts";
import { initCommitGraph } from "./commit-graph.ts";
import { stampsAtCreate } from "./fix487.ts";
import { INTERNAL_MANIFEST_SCHEMA_VERSION, stampRow, tableVersionManagementRow } from "./internal-schema.ts";
import { buildPendingRows } from "./publisher.ts";

/** What init does at two points of the graph's creation. */
export interface InitCoordinatorHooks {
  /** Right after each table's dataset Create returned (#502's failpoint, where it has one). */
  afterTableCreate(): Promise<void>;
  /** Right after the `__manifest` Create commit: from there on the graph exists (what #502 taught init's cleanup). */
  onCommitted(): void;
}

/** Creates the graph's datasets and manifest. */
export async function initGraphCoordinator(env: Env, catalog: Catalog, hooks: InitCoordinatorHooks): Promise<Version> {
  const changes: ManifestChange[] = [];
  for (const tableKey of catalogTableKeys(catalog)) {
    const path = tablePathForTableKey(tableKey);
    const version = await env.storage.datasets.create(path);
    await hooks.afterTableCreate();
    changes.push({ kind: "register", tableKey, path }, { kind: "update", tableKey, version, branch: null, rowCount: 0 });
  }
  const stamped = stampsAtCreate(env);
  let version = await env.storage.manifest.create([...buildPendingRows(changes, []), ...(stamped ? [stampRow(INTERNAL_MANIFEST_SCHEMA_VERSION)] : [])]);
  hooks.onCommitted();
  await maybeFail(env, FP.INIT_POST_MANIFEST_CREATE);
  if (!stamped) {
    version = await env.storage.manifest.merge(null, version, [tableVersionManagementRow()]);
    version = await env.storage.manifest.merge(null, version, [stampRow(INTERNAL_MANIFEST_SCHEMA_VERSION)]);
  }
  await initCommitGraph(env, version);
  return version;
}

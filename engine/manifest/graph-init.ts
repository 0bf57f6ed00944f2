// `GraphCoordinator::init` at the seed (`init_manifest_graph`, `CommitGraph::init`): one empty
// dataset per table, then `__manifest` created holding every table's registration and version
// row (the graph's commit point, version 1), then two metadata commits (the
// `table_version_management` config, v2; the internal-schema stamp, v3), then the commit graph.
// A crash between the Create and the stamp leaves an unstamped manifest (#483; `fix487`).
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

/**
 * Creates the graph's datasets and manifest. `onCommitted` runs right after the `__manifest`
 * Create commit: from there on the graph exists (what #502 taught init's cleanup).
 */
export async function initGraphCoordinator(env: Env, catalog: Catalog, onCommitted: () => void): Promise<Version> {
  const changes: ManifestChange[] = [];
  for (const tableKey of catalogTableKeys(catalog)) {
    const path = tablePathForTableKey(tableKey);
    const version = await env.storage.datasets.create(path);
    changes.push({ kind: "register", tableKey, path }, { kind: "update", tableKey, version, branch: null, rowCount: 0 });
  }
  const stamped = stampsAtCreate(env);
  let version = await env.storage.manifest.create([...buildPendingRows(changes, []), ...(stamped ? [stampRow(INTERNAL_MANIFEST_SCHEMA_VERSION)] : [])]);
  onCommitted();
  await maybeFail(env, FP.INIT_POST_MANIFEST_CREATE);
  if (!stamped) {
    version = await env.storage.manifest.merge(null, version, [tableVersionManagementRow()]);
    version = await env.storage.manifest.merge(null, version, [stampRow(INTERNAL_MANIFEST_SCHEMA_VERSION)]);
  }
  await initCommitGraph(env, version);
  return version;
}

// Where things live under the graph root (engine-model section 1). Table paths come from the
// catalog (`tablePathForTableKey`).
import type { DatasetPath, TableKey, Version } from "../storage/types.ts";

/** `{table_key}${version:020}`: one append-only row per published table version. */
export function versionObjectId(tableKey: TableKey, v: Version): string {
  return `${tableKey}$${String(v).padStart(20, "0")}`;
}

/** `{table_key}$tombstone${version:020}`: hides entries with `table_version <= v`. */
export function tombstoneObjectId(tableKey: TableKey, v: Version): string {
  return `${tableKey}$tombstone$${String(v).padStart(20, "0")}`;
}

/** The commit graph, appended after every publish. */
export const GRAPH_COMMITS = "_graph_commits.lance" as DatasetPath;
/** Who made each graph commit: one row per commit that names an actor. */
export const GRAPH_COMMIT_ACTORS = "_graph_commit_actors.lance" as DatasetPath;
/** The recovery audit, created by its first append. */
export const GRAPH_COMMIT_RECOVERIES = "_graph_commit_recoveries.lance" as DatasetPath;

/** The system graph branch that serves as the schema-apply lock. */
export const SCHEMA_APPLY_LOCK_BRANCH = "__schema_apply_lock__";

/** Sidecars live here, one JSON object per in-flight writer. */
export const RECOVERY_DIR = "__recovery/";

export function sidecarKey(operationId: string): string {
  return `${RECOVERY_DIR}${operationId}.json`;
}

/** The full dataset URI a sidecar records (`table_path` is a full URI upstream). */
export function datasetUri(root: string, path: DatasetPath): string {
  return `${root.replace(/\/+$/, "")}/${path}`;
}

/** The dataset path back from a sidecar's full URI. */
export function pathFromUri(root: string, uri: string): DatasetPath {
  const prefix = `${root.replace(/\/+$/, "")}/`;
  return (uri.startsWith(prefix) ? uri.slice(prefix.length) : uri) as DatasetPath;
}

// The commit graph (`db/commit_graph.rs`): `_graph_commits` holds one row per publish, appended
// after it (a separate step, so a crash can fall between the publish and the append: the seed's
// non-atomic lineage), and `_graph_commit_actors` one row per commit that names an actor,
// appended after the commit row: two writes. Upstream takes each commit's parent from the
// handle's in-memory head; the model keeps no in-memory commit graph and writes no parent (no
// oracle reads lineage; docs/fidelity.md).
import type { Env } from "../env.ts";
import { isStorageError } from "../storage/errors.ts";
import type { Branch, DatasetPath, Row, Version } from "../storage/types.ts";
import { GRAPH_COMMIT_ACTORS, GRAPH_COMMITS } from "./layout.ts";

/** The actor recovery writes its commits as. */
export const RECOVERY_ACTOR = "omnigraph:recovery";

function commitRow(id: string, branch: Branch, manifestVersion: Version, env: Env): Row {
  return { id, manifest_branch: branch, manifest_version: manifestVersion, created_at: env.clock.now() };
}

/** `CommitGraph::init`: `_graph_commits` created holding the genesis commit, and an empty actors table. */
export async function initCommitGraph(env: Env, manifestVersion: Version): Promise<void> {
  await env.storage.datasets.create(GRAPH_COMMITS, [commitRow(env.ids.ulid(), null, manifestVersion, env)]);
  await env.storage.datasets.create(GRAPH_COMMIT_ACTORS);
}

/**
 * `record_graph_commit` / `append_commit`: the commit row, then (when there is an actor) its
 * actor row. Returns the commit id. A graph whose init died before `CommitGraph::init` has no
 * `_graph_commits`: it is created first (`ensure_commit_graph_initialized`), and a missing
 * actors table on the actor's append (`create_commit_actor_dataset`).
 */
export async function appendGraphCommit(env: Env, branch: Branch, manifestVersion: Version, actor: string | null): Promise<string> {
  const id = env.ids.ulid();
  const row = commitRow(id, branch, manifestVersion, env);
  if (!(await appendTo(env, GRAPH_COMMITS, row))) {
    await initCommitGraph(env, manifestVersion);
    await appendTo(env, GRAPH_COMMITS, row);
  }
  if (actor !== null) {
    const actorRow: Row = { id, graph_commit_id: id, actor_id: actor, created_at: env.clock.now() };
    if (!(await appendTo(env, GRAPH_COMMIT_ACTORS, actorRow))) {
      await env.storage.datasets.create(GRAPH_COMMIT_ACTORS);
      await appendTo(env, GRAPH_COMMIT_ACTORS, actorRow);
    }
  }
  return id;
}

/** Appends `row` to `path`; false when the dataset does not exist. */
async function appendTo(env: Env, path: DatasetPath, row: Row): Promise<boolean> {
  let head: Version;
  try {
    head = await env.storage.datasets.latestVersion(path, null);
  } catch (e) {
    if (isStorageError(e, "NotFound")) return false;
    throw e;
  }
  await env.storage.datasets.commit(path, null, head, { op: "Append", rows: [row] });
  return true;
}

// The commit graph (`db/commit_graph.rs`): `_graph_commits` holds one row per publish, appended
// after it (a separate step, so a crash can fall between the publish and the append: the seed's
// non-atomic lineage), and `_graph_commit_actors` one row per commit that names an actor,
// appended after the commit row: two writes. Each graph branch has a Lance branch of
// `_graph_commits` (created with the graph branch), holding main's history up to its fork and its
// own commits after. A commit's parent is the branch's head as a fresh read of its commit graph
// shows it (`record_graph_commit` refreshes before appending); a merge commit names the merged
// source's head as its second parent. The merge base is read from these parents.
import type { Env } from "../env.ts";
import { isStorageError } from "../storage/errors.ts";
import { version, type Branch, type DatasetPath, type Row, type Version } from "../storage/types.ts";
import { asBranchNotFound } from "./branch-manifest.ts";
import { healLineage, healsMissingLineage } from "./heal-missing-lineage.ts";
import { GRAPH_COMMIT_ACTORS, GRAPH_COMMITS } from "./layout.ts";

/** The actor recovery writes its commits as. */
export const RECOVERY_ACTOR = "omnigraph:recovery";

/** One row of `_graph_commits` (`GraphCommit`). */
export interface GraphCommit {
  readonly id: string;
  readonly manifestBranch: Branch;
  readonly manifestVersion: Version;
  readonly parent: string | null;
  readonly mergedParent: string | null;
  readonly createdAt: number;
}

/** A branch's commit graph as one fresh open reads it. */
export interface CommitGraphView {
  /** The `_graph_commits` version it was read at (what a commit-graph branch forks at). */
  readonly version: Version;
  readonly commits: ReadonlyMap<string, GraphCommit>;
  /** The newest commit (`should_replace_head`): highest manifest version, then time, then id. */
  readonly head: GraphCommit | null;
}

function commitRow(env: Env, id: string, branch: Branch, manifestVersion: Version, parent: string | null, mergedParent: string | null): Row {
  return {
    id,
    manifest_branch: branch,
    manifest_version: manifestVersion,
    parent_commit_id: parent,
    merged_parent_commit_id: mergedParent,
    created_at: env.clock.now(),
  };
}

function commitOf(r: Row): GraphCommit {
  return {
    id: r.id,
    manifestBranch: (r.manifest_branch as string | null | undefined) ?? null,
    manifestVersion: version(Number(r.manifest_version)),
    parent: (r.parent_commit_id as string | null | undefined) ?? null,
    mergedParent: (r.merged_parent_commit_id as string | null | undefined) ?? null,
    createdAt: Number(r.created_at ?? 0),
  };
}

/** `should_replace_head`. */
function newer(a: GraphCommit, b: GraphCommit): boolean {
  if (a.manifestVersion !== b.manifestVersion) return a.manifestVersion > b.manifestVersion;
  if (a.createdAt !== b.createdAt) return a.createdAt > b.createdAt;
  return a.id > b.id;
}

/** `CommitGraph::init`: `_graph_commits` created holding the genesis commit, and an empty actors table. */
export async function initCommitGraph(env: Env, manifestVersion: Version): Promise<void> {
  await env.storage.datasets.create(GRAPH_COMMITS, [commitRow(env, env.ids.ulid(), null, manifestVersion, null, null)]);
  await env.storage.datasets.create(GRAPH_COMMIT_ACTORS);
}

/**
 * `CommitGraph::open` / `open_at_branch`: the branch's commit graph at its HEAD; null when the
 * graph has no `_graph_commits` (an init that died before creating it). A missing branch of it is
 * NotFound.
 */
export async function readCommitGraph(env: Env, branch: Branch): Promise<CommitGraphView | null> {
  let at: Version;
  try {
    at = await env.storage.datasets.latestVersion(GRAPH_COMMITS, branch);
  } catch (e) {
    if (branch === null && isStorageError(e, "NotFound")) return null;
    // A branch whose create died between its manifest branch and its lineage branch.
    if (branch !== null && isStorageError(e, "NotFound") && healsMissingLineage(env) && (await healLineage(env, branch))) return readCommitGraph(env, branch);
    throw asBranchNotFound(branch, e);
  }
  let rows: readonly Row[];
  try {
    rows = (await env.storage.datasets.checkout(GRAPH_COMMITS, branch, at)).rows;
  } catch (e) {
    // A branch deleted under the caller, before either read (upstream surfaces Lance's own
    // not-found error here: docs/fidelity.md).
    throw asBranchNotFound(branch, e);
  }
  const commits = new Map<string, GraphCommit>();
  let head: GraphCommit | null = null;
  for (const r of rows) {
    const c = commitOf(r);
    commits.set(c.id, c);
    if (head === null || newer(c, head)) head = c;
  }
  return { version: at, commits, head };
}

/**
 * `record_graph_commit` / `append_commit`: the commit row (parented on the branch's fresh head),
 * then (when there is an actor) its actor row. Returns the commit id. A graph whose init died
 * before `CommitGraph::init` has no `_graph_commits`: it is created first
 * (`ensure_commit_graph_initialized`), and a missing actors table on the actor's append
 * (`create_commit_actor_dataset`).
 */
export async function appendGraphCommit(env: Env, branch: Branch, manifestVersion: Version, actor: string | null): Promise<string> {
  return appendCommit(env, branch, manifestVersion, null, actor);
}

/** `append_merge_commit`: a commit with explicit parents, the target's head and the merged source's. */
export async function appendMergeCommit(
  env: Env,
  branch: Branch,
  manifestVersion: Version,
  parent: string,
  mergedParent: string,
  actor: string | null,
): Promise<string> {
  return appendCommit(env, branch, manifestVersion, { parent, mergedParent }, actor);
}

async function appendCommit(
  env: Env,
  branch: Branch,
  manifestVersion: Version,
  parents: { readonly parent: string; readonly mergedParent: string } | null,
  actor: string | null,
): Promise<string> {
  let view = await readCommitGraph(env, branch);
  if (view === null) {
    await initCommitGraph(env, manifestVersion);
    view = (await readCommitGraph(env, branch))!;
  }
  const id = env.ids.ulid();
  const parent = parents?.parent ?? view.head?.id ?? null;
  const row = commitRow(env, id, branch, manifestVersion, parent, parents?.mergedParent ?? null);
  try {
    await env.storage.datasets.commit(GRAPH_COMMITS, branch, view.version, { op: "Append", rows: [row] });
  } catch (e) {
    // The branch deleted since its commit graph was read.
    throw asBranchNotFound(branch, e);
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

/** Appends `row` to `path` on main; false when the dataset does not exist. */
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

/**
 * `CommitGraph::merge_base`: of the commits both heads reach (through parents and merged
 * parents), the one closest to both, the newer on a tie. Only commits whose records the given
 * maps hold can be chosen: a merged parent reached from both sides whose record lives on a third
 * branch is passed over (#639).
 */
export function mergeBaseOf(sourceHead: GraphCommit, targetHead: GraphCommit, commits: ReadonlyMap<string, GraphCommit>): GraphCommit | null {
  const fromSource = ancestorDistances(sourceHead.id, commits);
  const fromTarget = ancestorDistances(targetHead.id, commits);
  let best: { score: number; version: number; commit: GraphCommit } | null = null;
  for (const [id, ds] of [...fromSource].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const dt = fromTarget.get(id);
    const commit = commits.get(id);
    if (dt === undefined || commit === undefined) continue;
    const score = ds + dt;
    if (best === null || score < best.score || (score === best.score && commit.manifestVersion > best.version)) {
      best = { score, version: commit.manifestVersion, commit };
    }
  }
  return best?.commit ?? null;
}

/** `ancestor_distances`: breadth-first over both parents; ids without a record end their path. */
export function ancestorDistances(start: string, commits: ReadonlyMap<string, GraphCommit>): Map<string, number> {
  const distances = new Map<string, number>();
  const queue: [string, number][] = [[start, 0]];
  while (queue.length > 0) {
    const [id, d] = queue.shift()!;
    const known = distances.get(id);
    if (known !== undefined && known <= d) continue;
    distances.set(id, d);
    const c = commits.get(id);
    if (c?.parent) queue.push([c.parent, d + 1]);
    if (c?.mergedParent) queue.push([c.mergedParent, d + 1]);
  }
  return distances;
}

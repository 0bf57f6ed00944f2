// Where a merge starts from: each branch's head commit (`head_commit_id_for_branch`, which opens
// the branch's coordinator: its manifest and its commit graph) and the merge base of the two
// (`CommitGraph::merge_base`, over both branches' commit graphs).
import { isInternalSystemBranch } from "../branch/names.ts";
import type { Env } from "../env.ts";
import { OmniError } from "../errors.ts";
import { readBranchSnapshot } from "../handle/branch-snapshot.ts";
import { manifestBranchNames } from "../manifest/branch-list.ts";
import { ancestorDistances, type GraphCommit, initCommitGraph, mergeBaseOf, readCommitGraph } from "../manifest/commit-graph.ts";
import type { Branch } from "../storage/types.ts";
import { resolvesForeignMergedParents } from "./fix682.ts";

/** `head_commit_id_for_branch`: the branch's head commit (its commit graph created if missing). */
export async function headCommitOf(env: Env, branch: Branch, role: "source" | "target"): Promise<GraphCommit> {
  const snapshot = await readBranchSnapshot(env, branch);
  let view = await readCommitGraph(env, branch);
  if (view === null) {
    await initCommitGraph(env, snapshot.version);
    view = await readCommitGraph(env, branch);
  }
  const head = view?.head;
  if (!head) throw new OmniError("MergeRefused", { reason: `no-${role}-head` }, `${role} branch has no head commit`);
  return head;
}

/**
 * `merge_base(source, target)`, reading both branches' commit graphs afresh. With `fix682`, a
 * merged parent reached from both heads whose record neither graph holds is looked up on the
 * other live branches before the base is chosen.
 */
export async function mergeBase(env: Env, source: Branch, target: Branch): Promise<GraphCommit | null> {
  const commits = new Map<string, GraphCommit>();
  const heads: GraphCommit[] = [];
  for (const branch of [source, target]) {
    const view = await readCommitGraph(env, branch);
    if (!view?.head) return null;
    heads.push(view.head);
    for (const [id, c] of view.commits) commits.set(id, c);
  }
  const [sourceHead, targetHead] = heads as [GraphCommit, GraphCommit];
  if (resolvesForeignMergedParents(env)) await resolveForeignParents(env, [source, target], sourceHead, targetHead, commits);
  return mergeBaseOf(sourceHead, targetHead, commits);
}

/**
 * #682: ids both heads reach that no record covers, imported from other live branches' commit
 * graphs until none is left (or the branches run out).
 */
async function resolveForeignParents(
  env: Env,
  merging: readonly Branch[],
  sourceHead: GraphCommit,
  targetHead: GraphCommit,
  commits: Map<string, GraphCommit>,
): Promise<void> {
  const unresolved = () => {
    const fromTarget = ancestorDistances(targetHead.id, commits);
    return [...ancestorDistances(sourceHead.id, commits).keys()].filter((id) => fromTarget.has(id) && !commits.has(id));
  };
  if (unresolved().length === 0) return;
  const others = [null, ...(await manifestBranchNames(env))].filter((b) => !merging.includes(b) && (b === null || !isInternalSystemBranch(b)));
  for (const branch of others) {
    let view;
    try {
      view = await readCommitGraph(env, branch);
    } catch {
      continue;
    }
    for (const [id, c] of view?.commits ?? []) if (!commits.has(id)) commits.set(id, c);
    if (unresolved().length === 0) return;
  }
}

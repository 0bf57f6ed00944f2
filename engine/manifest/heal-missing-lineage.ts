// The one home of the `healMissingLineage` flag (engine/fixes.ts). At the seed a graph branch is
// made in two steps (`GraphCoordinator::branch_create`): the `__manifest` branch (the authority),
// then its `_graph_commits` branch (its lineage), rolled back on an error but not on a crash
// between the two. A process that dies there leaves a branch that lists, reads and takes
// manifest publishes, but whose every graph commit fails: each write on it publishes and then
// fails, and recovery's audit of such a write (recorded on the branch's lineage) fails every
// read-write open after it (`random-workload-branches` on `fixed`, random seeds 25 and 325).
// Upstream's #311 (`7779b724`) and its follow-up retired the commit-graph tables: a branch's
// lineage is a projection of its own `__manifest` rows, so the window is gone by `62a9c3fe`
// (`GraphCoordinator::branch_create`: "No graph-lineage branch is created or rolled back").
//
// The model keeps the lineage tables and renders that projection's effect: a branch the
// manifest has whose lineage branch is missing gets one, forked from its parent's lineage at
// the newest version holding no commit of the parent above the manifest version the branch was
// forked at (what the lineage rows up to the fork point are).
import type { Env } from "../env.ts";
import { isStorageError } from "../storage/errors.ts";
import { version, type Branch, type Version } from "../storage/types.ts";
import { GRAPH_COMMITS } from "./layout.ts";

/**
 * Whether a create's own lineage step, refused because the branch exists, met a reader's heal of
 * the branch it is making (in the window between its two steps): then the branch is complete.
 */
export function lineageHealedUnderCreate(env: Env, e: unknown): boolean {
  return env.fixes.healMissingLineage && isStorageError(e, "AlreadyExists");
}

/** Whether the flag is on; the caller then tries `healLineage` on a missing lineage branch. */
export function healsMissingLineage(env: Env): boolean {
  return env.fixes.healMissingLineage;
}

/**
 * Creates `branch`'s lineage branch from its parent's at the fork point. False when the manifest
 * has no such branch (it was deleted: the caller's not-found stands) or the parent's lineage is
 * gone too.
 */
export async function healLineage(env: Env, branch: string): Promise<boolean> {
  let parent: Branch;
  let forkedAt: Version;
  try {
    ({ parent, parentVersion: forkedAt } = await env.storage.manifest.branchContents(branch));
  } catch (e) {
    if (isStorageError(e, "NotFound")) return false;
    throw e;
  }
  let versions;
  try {
    versions = await env.storage.datasets.versions(GRAPH_COMMITS, parent);
  } catch (e) {
    if (isStorageError(e, "NotFound")) return false;
    throw e;
  }
  for (const { version: v } of [...versions].reverse()) {
    const rows = (await env.storage.datasets.checkout(GRAPH_COMMITS, parent, v)).rows;
    const beyond = rows.some((r) => ((r.manifest_branch as string | null | undefined) ?? null) === parent && version(Number(r.manifest_version)) > forkedAt);
    if (beyond) continue;
    try {
      await env.storage.datasets.createBranch(GRAPH_COMMITS, branch, parent, v);
    } catch (e) {
      // Another reader healed it first.
      if (!isStorageError(e, "AlreadyExists")) throw e;
    }
    return true;
  }
  return false;
}

// `cleanup` (`cleanup_all_tables`): first the branch reconciler (`reconcile_orphaned_branches`)
// reclaims every table fork and commit-graph branch the manifest does not reference (what an
// interrupted branch delete, or a fork whose write died before publishing, left), then each
// table's old versions on main are removed. Each table is fault-isolated: a failure is recorded
// and the rest go on; the next cleanup converges.
import { FP } from "../../failpoints/catalog.ts";
import { classifyForkRef, forceDeleteBranch } from "../branch/fork.ts";
import { forkOwner } from "../branch/fork-names.ts";
import { uniqueForks } from "../branch/fix695.ts";
import { isInternalSystemBranch } from "../branch/names.ts";
import { OmniError } from "../errors.ts";
import { maybeFail } from "../failpoint.ts";
import { freshSnapshotForBranch, snapshotForBranch } from "../handle/branch-snapshot.ts";
import type { Handle } from "../handle/handle.ts";
import { ensureSchemaApplyIdle } from "../handle/schema-apply-idle.ts";
import { ensureSchemaState } from "../handle/schema-guard.ts";
import { datasetBranches, manifestBranchNames } from "../manifest/branch-list.ts";
import { GRAPH_COMMITS } from "../manifest/layout.ts";
import type { Snapshot } from "../manifest/snapshot.ts";
import { catalogTableKeys } from "../schema/catalog.ts";
import { isStorageError } from "../storage/errors.ts";
import type { DatasetPath, TableKey } from "../storage/types.ts";

export interface CleanupOptions {
  /** Versions to keep per table on main (the storage seam keeps exactly HEAD: only 1). */
  readonly keepVersions?: number;
}

export interface CleanupStats {
  /** `(owner, ref)` pairs the reconciler reclaimed (owner: a table key or `_graph_commits`). */
  readonly reclaimed: readonly (readonly [string, string])[];
  /** `(owner, error)` pairs that failed, left for the next cleanup. */
  readonly failures: readonly (readonly [string, string])[];
  /** Per table: old versions removed, or the error. */
  readonly tables: readonly { readonly tableKey: TableKey; readonly removed: number; readonly error: string | null }[];
}

export async function cleanup(h: Handle, options: CleanupOptions): Promise<CleanupStats> {
  if (options.keepVersions === undefined) {
    throw new OmniError("InvalidRequest", { reason: "no-policy" }, "cleanup requires at least one of keep_versions or older_than");
  }
  await ensureSchemaState(h.env, h.coordinator, h.id);
  await ensureSchemaApplyIdle(h, "cleanup");
  const reconciled = await reconcileOrphanedBranches(h);
  const snapshot = await snapshotForBranch(h, null);
  const tables: { tableKey: TableKey; removed: number; error: string | null }[] = [];
  for (const tableKey of catalogTableKeys(h.catalog).sort()) {
    const entry = snapshot.entry(tableKey);
    if (!entry) continue;
    try {
      await maybeFail(h.env, FP.CLEANUP_TABLE_GC);
      await h.env.storage.datasets.latestVersion(entry.path, null);
      tables.push({ tableKey, removed: await h.env.storage.datasets.cleanup(entry.path, null), error: null });
    } catch (e) {
      if (!(e instanceof OmniError) && !isStorageError(e)) throw e;
      tables.push({ tableKey, removed: 0, error: e.message });
    }
  }
  return { ...reconciled, tables };
}

/**
 * `reconcile_orphaned_branches`: a fork ref on a table is an orphan when its branch is gone from
 * the manifest, or when the branch's snapshot does not place the table on it (a fork whose write
 * died before publishing). Children go before parents (longest name first). Each reclaim waits
 * for the table's queue on that branch and re-checks against fresh authority first.
 */
export async function reconcileOrphanedBranches(h: Handle): Promise<Pick<CleanupStats, "reclaimed" | "failures">> {
  const env = h.env;
  const live = new Set(await manifestBranchNames(env));
  const main = await snapshotForBranch(h, null);
  const reclaimed: [string, string][] = [];
  const failures: [string, string][] = [];
  const branchSnapshots = new Map<string, Snapshot | null>();
  const snapshotOf = async (branch: string, tableKey: TableKey): Promise<Snapshot | null> => {
    if (!branchSnapshots.has(branch)) {
      try {
        await maybeFail(env, FP.CLEANUP_RESOLVE_BRANCH_SNAPSHOT);
        branchSnapshots.set(branch, await snapshotForBranch(h, branch));
      } catch (e) {
        if (!(e instanceof OmniError) && !isStorageError(e)) throw e;
        failures.push([tableKey, e.message]);
        branchSnapshots.set(branch, null);
      }
    }
    return branchSnapshots.get(branch)!;
  };
  for (const tableKey of catalogTableKeys(h.catalog).sort()) {
    const entry = main.entry(tableKey);
    if (!entry) continue;
    let refs: ReadonlyMap<string, { readonly parent: string | null }>;
    try {
      refs = await datasetBranches(env, entry.path);
    } catch (e) {
      if (!(e instanceof OmniError) && !isStorageError(e)) throw e;
      failures.push([tableKey, e.message]);
      continue;
    }
    const listed = [...refs.keys()];
    const orphans: string[] = [];
    for (const ref of listed) {
      const owner = forkOwner(ref)!;
      if (ref === "main" || isInternalSystemBranch(owner)) continue;
      if (uniqueForks(env)) {
        if (!(await referencedByLiveBranch(live, tableKey, ref, snapshotOf))) orphans.push(ref);
        continue;
      }
      if (!live.has(owner)) {
        orphans.push(ref);
        continue;
      }
      const snap = await snapshotOf(owner, tableKey);
      if (snap === null) continue;
      const placed = snap.entry(tableKey);
      if (placed === undefined || placed.branch !== ref) orphans.push(ref);
    }
    // Children before parents: Lance refuses to delete a ref another ref was forked from. The
    // depth is the ref's chain of listed parents (a seed fork's name nests its parent's, a
    // unique one does not, so names alone cannot order them).
    const depth = (ref: string): number => {
      let d = 0;
      for (let p = refs.get(ref)?.parent ?? null; p !== null && refs.has(p) && d < refs.size; p = refs.get(p)?.parent ?? null) d++;
      return d;
    };
    orphans.sort((a, b) => depth(b) - depth(a) || b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
    for (const ref of orphans) await reclaimFork(h, tableKey, entry.path, ref, live, reclaimed, failures);
  }
  await reconcileCommitGraphOrphans(h, live, reclaimed, failures);
  return { reclaimed, failures };
}

/** One orphan's reclaim, under the table's queue for the branch, after a fresh re-check. */
async function reclaimFork(h: Handle, tableKey: TableKey, path: DatasetPath, ref: string, live: ReadonlySet<string>, reclaimed: [string, string][], failures: [string, string][]): Promise<void> {
  const env = h.env;
  const owner = forkOwner(ref)!;
  const release = await h.queues.acquireMany(env, [{ key: tableKey, branch: owner }]);
  try {
    if (uniqueForks(env)) {
      if (await referencedByLiveBranch(live, tableKey, ref, async (b) => freshOrNull(h, b))) return;
    } else {
      const status = await classifyForkRef(h, tableKey, owner);
      if (status === "Legitimate") return;
      if (status === "Indeterminate") {
        failures.push([tableKey, `indeterminate fork status for ${ref}`]);
        return;
      }
    }
    try {
      await maybeFail(env, FP.CLEANUP_RECONCILE_FORK);
      await forceDeleteBranch(env, path, ref);
      reclaimed.push([tableKey, ref]);
    } catch (e) {
      if (!(e instanceof OmniError) && !isStorageError(e)) throw e;
      failures.push([tableKey, e.message]);
    }
  } finally {
    release();
  }
}

/** With unique forks: whether any live branch's manifest reads this very fork. */
async function referencedByLiveBranch(
  live: ReadonlySet<string>,
  tableKey: TableKey,
  ref: string,
  snapshotOf: (branch: string, tableKey: TableKey) => Promise<Snapshot | null>,
): Promise<boolean> {
  for (const branch of [...live].sort()) {
    if (isInternalSystemBranch(branch)) continue;
    const snap = await snapshotOf(branch, tableKey);
    // A branch that cannot be read may be reading the fork: keep it.
    if (snap === null || snap.entry(tableKey)?.branch === ref) return true;
  }
  return false;
}

async function freshOrNull(h: Handle, branch: string): Promise<Snapshot | null> {
  try {
    return await freshSnapshotForBranch(h, branch);
  } catch (e) {
    if (!(e instanceof OmniError) && !isStorageError(e)) throw e;
    return null;
  }
}

/** Commit-graph branches whose graph branch is gone. */
async function reconcileCommitGraphOrphans(h: Handle, live: ReadonlySet<string>, reclaimed: [string, string][], failures: [string, string][]): Promise<void> {
  const env = h.env;
  try {
    if (!(await env.storage.datasets.exists(GRAPH_COMMITS))) return;
    const orphans = [...(await datasetBranches(env, GRAPH_COMMITS)).keys()].filter((b) => !live.has(b));
    orphans.sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
    for (const branch of orphans) {
      try {
        await forceDeleteBranch(env, GRAPH_COMMITS, branch);
        reclaimed.push(["_graph_commits", branch]);
      } catch (e) {
        if (!(e instanceof OmniError) && !isStorageError(e)) throw e;
        failures.push(["_graph_commits", e.message]);
      }
    }
  } catch (e) {
    if (!(e instanceof OmniError) && !isStorageError(e)) throw e;
    failures.push(["_graph_commits", e.message]);
  }
}

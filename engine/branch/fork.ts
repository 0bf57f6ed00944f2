// The first write of a table on a graph branch forks it (`open_owned_dataset_for_branch_write`,
// `fork_branch_from_state`): the table's Lance dataset gets a branch at the version the
// branch's manifest pins, and the write lands there. The caller holds the table's write queue
// for the branch from before the fork through the publish. A fork ref already in the way is a
// leftover (an interrupted fork, or an old fork the branch no longer owns): the write reclaims it
// and forks again (`reclaim_orphaned_fork_and_refork`), but only once a fresh read of the
// manifest shows no legitimate owner (`classify_fork_ref`, shared with cleanup).
import { FP } from "../../failpoints/catalog.ts";
import type { Env } from "../env.ts";
import { expectedVersionMismatch, OmniError } from "../errors.ts";
import { maybeFail } from "../failpoint.ts";
import { freshSnapshotForBranch, snapshotForBranch } from "../handle/branch-snapshot.ts";
import type { Handle } from "../handle/handle.ts";
import { datasetBranches, manifestBranchNames } from "../manifest/branch-list.ts";
import { isStorageError } from "../storage/errors.ts";
import type { Branch, DatasetPath, TableKey, Version } from "../storage/types.ts";
import { keepsOwnFork, newForkRef } from "./fix695.ts";
import { ownedBy } from "./fork-names.ts";

/** What the write opened: the ref it writes on and that ref's HEAD. */
export interface OpenedOnBranch {
  readonly ref: Branch;
  readonly head: Version;
}

/**
 * `open_owned_dataset_for_branch_write` for a table whose branch entry is on `entryRef` at
 * `entryVersion`: open the branch's own fork, or fork one first. Strict checks are the caller's.
 */
export async function openOwnedForBranchWrite(
  h: Handle,
  tableKey: TableKey,
  path: DatasetPath,
  entryRef: Branch,
  entryVersion: Version,
  active: string,
  /** The fork this very write already made, if it touched the table before. */
  forkedByThisWrite?: Branch,
  /** The ref a new fork must get (a merge names it in its sidecar before forking). */
  chosenRef?: string,
): Promise<OpenedOnBranch> {
  const env = h.env;
  const own = entryRef !== null && ownedBy(entryRef, active) ? entryRef : keepsOwnFork(env, forkedByThisWrite);
  if (own !== null) return { ref: own, head: await env.storage.datasets.latestVersion(path, own) };
  await maybeFail(env, FP.FORK_BEFORE_CLASSIFY);
  // A concurrent first write that already forked and published makes our snapshot stale: a
  // retryable conflict, not an orphan.
  const live = (await snapshotForBranch(h, active)).entry(tableKey);
  if (live && ownedBy(live.branch, active)) throw expectedVersionMismatch(tableKey, entryVersion, live.version);
  const ref = await forkFromEntryState(h, tableKey, path, entryRef, entryVersion, active, chosenRef);
  return { ref, head: await env.storage.datasets.latestVersion(path, ref) };
}

/**
 * `fork_dataset_from_entry_state`: fork, and on a leftover ref in the way reclaim it and fork
 * again. Returns the fork's ref.
 */
export async function forkFromEntryState(
  h: Handle,
  tableKey: TableKey,
  path: DatasetPath,
  source: Branch,
  sourceVersion: Version,
  active: string,
  chosenRef?: string,
): Promise<Branch> {
  const ref = chosenRef ?? newForkRef(h.env, active);
  if (await forkBranchFromState(h.env, path, source, sourceVersion, ref)) return ref;
  return reclaimOrphanedForkAndRefork(h, tableKey, path, source, sourceVersion, active);
}

/**
 * `fork_branch_from_state`: open the source at its version, create the branch there. Whether it
 * was created; false when a ref of that name already exists (a reclaim candidate). Any other
 * failure propagates: only a ref that really exists may be reclaimed.
 */
async function forkBranchFromState(env: Env, path: DatasetPath, source: Branch, sourceVersion: Version, ref: string): Promise<boolean> {
  await env.storage.datasets.latestVersion(path, source);
  try {
    await env.storage.datasets.createBranch(path, ref, source, sourceVersion);
    return true;
  } catch (e) {
    if (!isStorageError(e, "AlreadyExists")) throw e;
    let exists = false;
    try {
      exists = (await datasetBranches(env, path)).has(ref);
    } catch {
      exists = false;
    }
    if (exists) return false;
    throw e;
  }
}

/** `ForkRefStatus`: what fresh manifest authority says of a fork ref. */
export type ForkRefStatus = "Legitimate" | "Orphan" | "Indeterminate";

/**
 * `classify_fork_ref`: Legitimate when the branch's fresh manifest places the table on it;
 * Orphan when it does not, or when the branch is gone; Indeterminate when the fresh read failed
 * on a branch that still exists. Failpoint `classify.fresh_read` stands for that read failing.
 */
export async function classifyForkRef(h: Handle, tableKey: TableKey, branch: string): Promise<ForkRefStatus> {
  let placed: boolean | null = null;
  try {
    await maybeFail(h.env, FP.CLASSIFY_FRESH_READ);
    const entry = (await freshSnapshotForBranch(h, branch)).entry(tableKey);
    placed = entry !== undefined && ownedBy(entry.branch, branch);
  } catch (e) {
    if (!(e instanceof OmniError) && !isStorageError(e)) throw e;
  }
  if (placed !== null) return placed ? "Legitimate" : "Orphan";
  try {
    return (await manifestBranchNames(h.env)).includes(branch) ? "Indeterminate" : "Orphan";
  } catch (e) {
    if (!(e instanceof OmniError) && !isStorageError(e)) throw e;
    return "Indeterminate";
  }
}

/** `reclaim_orphaned_fork_and_refork`: a destructive step that checks its own precondition first. */
async function reclaimOrphanedForkAndRefork(
  h: Handle,
  tableKey: TableKey,
  path: DatasetPath,
  source: Branch,
  sourceVersion: Version,
  active: string,
): Promise<Branch> {
  const env = h.env;
  switch (await classifyForkRef(h, tableKey, active)) {
    case "Legitimate": {
      const actual = await freshVersion(h, active, tableKey, sourceVersion);
      throw expectedVersionMismatch(tableKey, sourceVersion, actual);
    }
    case "Indeterminate":
      throw new OmniError(
        "BranchConflict",
        { branch: active, reason: "fork-status-unknown" },
        `could not verify whether branch '${active}' still owns an orphaned fork for table '${tableKey}' because fresh manifest authority was unavailable; refresh and retry`,
      );
    case "Orphan":
      break;
  }
  await maybeFail(env, FP.FORK_BEFORE_RECLAIM);
  try {
    await forceDeleteBranch(env, path, active);
  } catch (e) {
    if (!isStorageError(e, "RefConflict")) throw e;
    throw new OmniError(
      "BranchConflict",
      { branch: active, reason: "fork-has-children" },
      `branch '${active}' cannot reclaim the leftover fork for table '${tableKey}' because it has dependent child branches; delete the child branches (or run \`omnigraph cleanup\`) first`,
      { cause: e },
    );
  }
  if (await forkBranchFromState(env, path, source, sourceVersion, active)) return active;
  throw expectedVersionMismatch(tableKey, sourceVersion, await freshVersion(h, active, tableKey, sourceVersion));
}

async function freshVersion(h: Handle, branch: string, tableKey: TableKey, fallback: Version): Promise<Version> {
  try {
    return (await freshSnapshotForBranch(h, branch)).entry(tableKey)?.version ?? fallback;
  } catch {
    return fallback;
  }
}

/** `force_delete_branch`: idempotent (an absent ref is fine); a ref with children is RefConflict. */
export async function forceDeleteBranch(env: Env, path: DatasetPath, ref: string): Promise<void> {
  try {
    await env.storage.datasets.deleteBranch(path, ref);
  } catch (e) {
    if (!isStorageError(e, "NotFound")) throw e;
  }
}

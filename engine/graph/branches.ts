// Graph branches (`branch_create`, `branch_create_from`, `branch_list`, `branch_delete`): a graph
// branch is a Lance branch of `__manifest` (the authority) and one of `_graph_commits` (its
// lineage), plus the table forks its writes make. Create flips the authority first and rolls it
// back if the lineage branch cannot be made; delete flips it and then reclaims the lineage branch
// and the table forks best effort, leaving what fails to `cleanup`.
import { FP } from "../../failpoints/catalog.ts";
import { forceDeleteBranch } from "../branch/fork.ts";
import { ownedBy } from "../branch/fork-names.ts";
import { ensurePublicBranchRef, isInternalSystemBranch, normalizeBranchName } from "../branch/names.ts";
import { forksLeftToCleanup } from "../branch/fix695.ts";
import type { Env } from "../env.ts";
import { OmniError } from "../errors.ts";
import { maybeFail } from "../failpoint.ts";
import { readBranchSnapshot } from "../handle/branch-snapshot.ts";
import type { Handle } from "../handle/handle.ts";
import { ensureSchemaState } from "../handle/schema-guard.ts";
import { datasetBranches, manifestBranches } from "../manifest/branch-list.ts";
import { asBranchNotFound } from "../manifest/branch-manifest.ts";
import { readCommitGraph, initCommitGraph, type CommitGraphView } from "../manifest/commit-graph.ts";
import { lineageHealedUnderCreate } from "../manifest/heal-missing-lineage.ts";
import { GRAPH_COMMITS } from "../manifest/layout.ts";
import { ensureSchemaApplyIdle } from "../handle/schema-apply-idle.ts";
import type { Snapshot } from "../manifest/snapshot.ts";
import { Coordinator } from "../manifest/coordinator.ts";
import { isStorageError } from "../storage/errors.ts";
import type { Branch, DatasetPath, TableKey, Version } from "../storage/types.ts";
import { branchCreateLastCheck, branchCreateRecoveryBarrier } from "./branch-recovery-barrier.ts";
import { refreshHandle } from "./refresh.ts";
import { acquireLease, branchLeaseResource, leaseOwnerId, releaseLease } from "../lease/lease.ts";
import { leaseGuardsCommits } from "../lease/owner-lease.ts";

/** `branch_create`: a branch of the handle's bound branch, at the version its warm snapshot pins. */
export async function branchCreate(h: Handle, name: string): Promise<void> {
  await ensureSchemaState(h.env, h.coordinator, h.id);
  await ensureSchemaApplyIdle(h, "branch_create");
  ensurePublicBranchRef(name, "branch_create");
  await branchCreateRecoveryBarrier(h.env, name, h.id);
  await createBranch(h.env, h.coordinator.branch, h.coordinator.snapshot.version, name);
}

/** `branch_create_from`: a branch of `from` at its head as a fresh open of it reads it. */
export async function branchCreateFrom(h: Handle, from: string, name: string): Promise<void> {
  await ensureSchemaApplyIdle(h, "branch_create_from");
  ensurePublicBranchRef(from, "branch_create_from");
  ensurePublicBranchRef(name, "branch_create_from");
  await branchCreateRecoveryBarrier(h.env, name, h.id);
  const source = normalizeBranchName(from);
  const at = (await readBranchSnapshot(h.env, source)).version;
  await createBranch(h.env, source, at, name);
}

/**
 * `GraphCoordinator::branch_create`: the `__manifest` branch (the authority), then the
 * `_graph_commits` branch (a zombie of that name, left by an interrupted delete, is dropped
 * first). If the lineage step fails the manifest branch is deleted again, so the branch never
 * half-exists.
 */
async function createBranch(env: Env, source: Branch, at: Version, name: string): Promise<void> {
  const branch = normalizeBranchName(name);
  if (branch === null) throw new OmniError("InvalidBranch", { branch: name }, "cannot create branch 'main'");
  const lineage = await commitGraphOf(env, source, at);
  await branchCreateLastCheck(env, branch);
  try {
    await env.storage.manifest.createBranch(branch, source, at);
  } catch (e) {
    if (isStorageError(e, "AlreadyExists")) throw new OmniError("BranchConflict", { branch, reason: "exists" }, `branch '${branch}' already exists`, { cause: e });
    // The source deleted since its lineage was read.
    throw asBranchNotFound(source, e);
  }
  try {
    await maybeFail(env, FP.BRANCH_CREATE_AFTER_MANIFEST_BRANCH_CREATE);
    if ((await datasetBranches(env, GRAPH_COMMITS)).has(branch)) await forceDeleteBranch(env, GRAPH_COMMITS, branch);
    try {
      await env.storage.datasets.createBranch(GRAPH_COMMITS, branch, source, lineage.version);
    } catch (e) {
      // The source deleted since its lineage was read (its lineage branch went with it): the
      // model names that not-found, as every read of a deleted branch (docs/fidelity.md).
      if (!lineageHealedUnderCreate(env, e)) throw asBranchNotFound(source, e);
    }
  } catch (e) {
    try {
      await env.storage.manifest.deleteBranch(branch);
    } catch {
      // Upstream logs a failed rollback and returns the original error.
    }
    throw e;
  }
}

/** The source branch's commit graph (`ensure_commit_graph_initialized`: created if the graph has none). */
async function commitGraphOf(env: Env, source: Branch, manifestVersion: Version): Promise<CommitGraphView> {
  const view = await readCommitGraph(env, source);
  if (view !== null) return view;
  await initCommitGraph(env, manifestVersion);
  return (await readCommitGraph(env, source))!;
}

/** `sync_branch`: the handle's write base becomes the named branch's head (its bound branch from now on). */
export async function syncBranch(h: Handle, name: string): Promise<void> {
  await ensureSchemaState(h.env, h.coordinator, h.id);
  const branch = normalizeBranchName(name);
  await readBranchSnapshot(h.env, branch);
  h.coordinator = await Coordinator.open(h.env, branch, h.id);
}

/** `branch_list`: main and every public branch. */
export async function branchList(h: Handle): Promise<string[]> {
  await ensureSchemaState(h.env, h.coordinator, h.id);
  return ["main", ...[...(await manifestBranches(h.env)).keys()].filter((b) => !isInternalSystemBranch(b))];
}

/**
 * `branch_delete`: refused while another branch descends from it or reads a table it owns; then
 * the authority flip (the manifest branch deleted), then best effort the lineage branch and the
 * branch's table forks.
 */
export async function branchDelete(h: Handle, name: string): Promise<void> {
  const env = h.env;
  await ensureSchemaState(env, h.coordinator, h.id);
  await ensureSchemaApplyIdle(h, "branch_delete");
  ensurePublicBranchRef(name, "branch_delete");
  await refreshHandle(h);
  const branch = normalizeBranchName(name);
  if (branch === null) throw new OmniError("InvalidBranch", { branch: name }, "cannot delete branch 'main'");
  const all = await manifestBranches(env);
  const branches = [...all.keys()].filter((b) => !isInternalSystemBranch(b));
  if (!branches.includes(branch)) throw new OmniError("BranchNotFound", { branch }, `branch '${branch}' not found`);
  const descendant = descendantsOf(all, branch).find((b) => !isInternalSystemBranch(b));
  if (descendant !== undefined) {
    throw new OmniError("BranchConflict", { branch, reason: "descendant" }, `cannot delete branch '${branch}' because descendant branch '${descendant}' still depends on it`);
  }
  for (const other of branches.filter((b) => b !== branch)) {
    if ((await snapshotOf(h, other)).tables().some((e) => e.branch !== null && ownedBy(e.branch, branch))) {
      throw new OmniError("BranchConflict", { branch, reason: "depended-on" }, `cannot delete branch '${branch}' because branch '${other}' still depends on it`);
    }
  }
  if (h.coordinator.branch === branch) {
    throw new OmniError("BranchConflict", { branch, reason: "active" }, `cannot delete currently active branch '${branch}'`);
  }
  // Under `ownerLease` the delete holds the branch's lease, so it waits for a committer on the
  // branch in any process to finish: a branch deleted under a live committer left its sidecar
  // an orphan that another process's recovery discarded while it still ran
  // (`random-workload-branches` on `fixed`, portfolio seed 191). The lease row lives on the
  // branch's own manifest and goes with it.
  const lease = leaseGuardsCommits(env) ? await acquireLease(env, branchLeaseResource(branch), leaseOwnerId(env, h.id)) : null;
  let owned: ReturnType<Snapshot["tables"]>;
  try {
    owned = (await snapshotOf(h, branch)).tables().filter((e) => e.branch !== null && ownedBy(e.branch, branch));
  } catch (e) {
    if (lease) await releaseLease(env, lease).catch(() => undefined);
    throw e;
  }
  try {
    await env.storage.manifest.deleteBranch(branch);
  } catch (e) {
    if (lease) await releaseLease(env, lease).catch(() => undefined);
    // A branch created from this one since the checks above read the list: Lance refuses to
    // delete a ref another references, as the descendant check would have.
    if (isStorageError(e, "RefConflict")) {
      throw new OmniError("BranchConflict", { branch, reason: "descendant" }, `cannot delete branch '${branch}': ${e.message}`, { cause: e });
    }
    // Another delete of the same branch won since the checks above read it.
    throw asBranchNotFound(branch, e);
  }
  try {
    await maybeFail(env, FP.BRANCH_DELETE_BEFORE_COMMIT_GRAPH_RECLAIM);
    await forceDeleteBranch(env, GRAPH_COMMITS, branch);
  } catch (e) {
    if (!(e instanceof OmniError) && !isStorageError(e)) throw e;
    // Best effort: cleanup reconciles a leftover commit-graph branch.
  }
  await cleanupDeletedBranchTables(h, owned.map((e) => ({ tableKey: e.tableKey, path: e.path, ref: e.branch! })));
}

/** `cleanup_deleted_branch_tables`: each owned fork reclaimed best effort, sorted by table. */
async function cleanupDeletedBranchTables(h: Handle, owned: readonly { tableKey: TableKey; path: DatasetPath; ref: string }[]): Promise<void> {
  const seen = new Set<string>();
  const targets = [...owned].sort((a, b) => (a.tableKey < b.tableKey ? -1 : a.tableKey > b.tableKey ? 1 : 0)).filter((t) => !seen.has(t.path) && seen.add(t.path));
  for (const t of targets) {
    try {
      await maybeFail(h.env, FP.BRANCH_DELETE_BEFORE_TABLE_CLEANUP);
      if (forksLeftToCleanup(h.env)) continue;
      await forceDeleteBranch(h.env, t.path, t.ref);
    } catch (e) {
      if (!(e instanceof OmniError) && !isStorageError(e)) throw e;
      // Best effort: cleanup reconciles the orphan.
    }
  }
}

/** `descendant_branches`: every branch forked, directly or not, from `name`. */
function descendantsOf(all: ReadonlyMap<string, { readonly parent: Branch }>, name: string): string[] {
  const out: string[] = [];
  const frontier = [name];
  const seen = new Set<string>();
  while (frontier.length > 0) {
    const parent = frontier.pop()!;
    const children = [...all].filter(([, c]) => c.parent === parent).map(([b]) => b).sort();
    for (const child of children) {
      if (seen.has(child)) continue;
      seen.add(child);
      frontier.push(child);
      out.push(child);
    }
  }
  return out;
}

/**
 * `snapshot_of(branch)` (`resolved_target`): the bound branch's warm snapshot after a probe
 * (refreshed if the manifest moved); any other branch a cold read.
 */
export async function snapshotOf(h: Handle, name: string): Promise<Snapshot> {
  await ensureSchemaState(h.env, h.coordinator, h.id);
  const branch = normalizeBranchName(name);
  if (branch !== h.coordinator.branch) return readBranchSnapshot(h.env, branch);
  await h.coordinator.probe();
  return h.coordinator.snapshot;
}

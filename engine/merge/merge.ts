// `branch_merge_as(source, target)`: three-way and fast-forward merges of graph branches, as the
// seed has them (`exec/merge.rs`). It heals first, finds both heads and their merge base from
// the commit graph, plans every table (candidates.ts), validates the merged graph, and then,
// holding the target tables' queues: a BranchMerge sidecar pinning every table whose data HEAD
// will move, Phase B table by table, the Phase-B confirmation (each pin's exact reached
// version, rewritten into the sidecar), one manifest publish with no expected versions, the
// sidecar's delete, and the merge commit with both parents (with `mergeLineageInPublish`, the
// commit with the publish, before the delete). The handle's coordinator is swapped
// for the target's for the duration (`swap_coordinator_for_branch`).
import { FP } from "../../failpoints/catalog.ts";
import { ownedBy } from "../branch/fork-names.ts";
import { newForkRef } from "../branch/fix695.ts";
import { isInternalSystemBranch, normalizeBranchName } from "../branch/names.ts";
import { OmniError } from "../errors.ts";
import { maybeFail } from "../failpoint.ts";
import { bumpingPublishOptions, enterCommitSection, sidecarOwner } from "../handle/commit-section.ts";
import { healHandle } from "../handle/heal.ts";
import { refuseUnderGates, waitSchemaGate, writeBarrier } from "../handle/write-barrier.ts";
import { readSetToken } from "../handle/read-set-token.ts";
import type { Handle } from "../handle/handle.ts";
import { ensureSchemaApplyIdle } from "../handle/schema-apply-idle.ts";
import { readBranchSnapshot } from "../handle/branch-snapshot.ts";
import { ensureSchemaState } from "../handle/schema-guard.ts";
import { Coordinator } from "../manifest/coordinator.ts";
import { datasetUri } from "../manifest/layout.ts";
import { Snapshot } from "../manifest/snapshot.ts";
import { confirmSidecarPhaseB, newSidecar, type RecoverySidecar, type SidecarTablePin, writeSidecar } from "../recovery/sidecar.ts";
import type { Branch, LanceOp, TableKey, Version } from "../storage/types.ts";
import { loggedOp } from "../storage/conflict-rule.ts";
import { plannedMergeChain } from "../recovery/merge-txn-chain.ts";
import { headCommitOf, mergeBase } from "./base.ts";
import { type Candidate, planMerge } from "./candidates.ts";
import { publishAdoptedDelta, publishAdoptedSourceState, publishRewrittenMergeTable, type TableUpdate } from "./publish-table.ts";
import { mergeConflicts, validateMergeCandidates } from "./validate.ts";
import { publishMerge } from "./merge-lineage-in-publish.ts";

export type MergeOutcome = "AlreadyUpToDate" | "FastForward" | "Merged";

export async function branchMerge(h: Handle, source: string, target: string, actor: string | null = null): Promise<MergeOutcome> {
  await ensureSchemaApplyIdle(h, "branch_merge");
  // Converge pending sidecars first: the merge's publish would otherwise make a drifted commit
  // visible unaudited.
  const unresolved = await healHandle(h);
  if (isInternalSystemBranch(source.trim()) || isInternalSystemBranch(target.trim())) {
    throw new OmniError("MergeRefused", { reason: "system-ref" }, `branch_merge does not allow internal system refs ('${source}' -> '${target}')`);
  }
  const from = normalizeBranchName(source);
  const into = normalizeBranchName(target);
  if (from === into) throw new OmniError("MergeRefused", { reason: "same-branch" }, "branch_merge requires distinct source and target branches");
  writeBarrier(h.env, unresolved, [from, into], "branch_merge");
  for (let attempt = 1; ; attempt++) {
    try {
      return await mergeOnce(h, from, into, actor);
    } catch (e) {
      if (!(e instanceof PlanVoidedByRecovery)) throw e;
      if (attempt >= MERGE_PLAN_ATTEMPTS) {
        throw new OmniError("ReadSetChanged", { attempts: attempt, beforeEffect: true }, `recovery kept moving the merge target under its plan; gave up after ${attempt} attempts`);
      }
    }
  }
}

/** Plans of one merge when recovery inside its commit section keeps moving the target. */
const MERGE_PLAN_ATTEMPTS = 4;

/**
 * Entering the commit section recovered a dead committer's work on the target (under
 * `ownerLease` heals run there, after the merge planned): the plan and its read set are void,
 * so the merge plans again, as upstream's merge heals the target before it plans
 * (`heal_pending_recovery_sidecars_for_write` in `exec/merge.rs` at 62a9c3fe).
 */
class PlanVoidedByRecovery extends Error {}

/** One attempt: heads, base, plan, and the merge on the target. */
async function mergeOnce(h: Handle, from: Branch, into: Branch, actor: string | null): Promise<MergeOutcome> {
  const env = h.env;
  const sourceHead = await headCommitOf(env, from, "source");
  const targetHead = await headCommitOf(env, into, "target");
  const base = await mergeBase(env, from, into);
  if (base === null) throw new OmniError("MergeRefused", { reason: "no-common-ancestor" }, "branches have no common ancestor");
  if (sourceHead.id === targetHead.id || base.id === sourceHead.id) return "AlreadyUpToDate";
  const fastForward = base.id === targetHead.id;
  const baseSnapshot = Snapshot.fromManifest(await env.storage.manifest.load(base.manifestBranch, base.manifestVersion));
  const sourceSnapshot = await resolvedSnapshot(h, from);
  const releaseExclusive = await h.mergeExclusive.acquire(env);
  const previous = h.coordinator;
  // On an error, upstream refreshes the restored coordinator best-effort, in case the durable
  // publish landed but its acknowledgement was lost (`branch_merge` in `exec/merge.rs` at
  // 62a9c3fe). Under `ownerLease` that refresh runs before the lease goes (see
  // `mergeOnCurrentTarget`), so it is done once.
  let refreshedOnError = false;
  const refreshAfterError = async () => {
    if (refreshedOnError) return;
    refreshedOnError = true;
    if (previous.branch === into) await previous.refresh().catch(() => undefined);
  };
  try {
    h.coordinator = await Coordinator.open(env, into, h.id);
    let result: MergeOutcome;
    try {
      await mergeOnCurrentTarget(h, baseSnapshot, sourceSnapshot, targetHead.id, sourceHead.id, actor, refreshAfterError);
      result = fastForward ? "FastForward" : "Merged";
    } finally {
      h.coordinator = previous;
    }
    // The restored coordinator may be stale: a publish on the target went through the swapped one.
    if (previous.branch === into) await previous.refresh();
    return result;
  } catch (e) {
    await refreshAfterError();
    throw e;
  } finally {
    releaseExclusive();
  }
}

/** `resolved_target(branch)`: the bound branch probed (refreshed if it moved), any other read cold. */
async function resolvedSnapshot(h: Handle, branch: Branch): Promise<Snapshot> {
  await ensureSchemaState(h.env, h.coordinator, h.id);
  if (branch !== h.coordinator.branch) return readBranchSnapshot(h.env, branch);
  await h.coordinator.probe();
  return h.coordinator.snapshot;
}

async function mergeOnCurrentTarget(
  h: Handle,
  base: Snapshot,
  source: Snapshot,
  targetHeadId: string,
  sourceHeadId: string,
  actor: string | null,
  refreshAfterError: () => Promise<void>,
): Promise<void> {
  const env = h.env;
  const active = h.coordinator.branch;
  const target = h.coordinator.snapshot;
  const plan = await planMerge(env, base, source, target, active);
  if (plan.conflicts.length > 0) throw mergeConflicts(plan.conflicts);
  await validateMergeCandidates(env, h.catalog, source, target, plan.candidates);
  const ordered = plan.tableKeys.filter((t) => plan.candidates.has(t));
  await waitSchemaGate(h);
  const section = await enterCommitSection(
    h,
    active,
    ordered.map((key) => ({ key, branch: active })),
  );
  try {
    if (section.recovered) throw new PlanVoidedByRecovery();
    await refuseUnderGates(env, [source.branch, active], "branch_merge");
    // The snapshot the target's queues now guard must still be the one the plan was made on.
    const current = h.coordinator.snapshot;
    for (const tableKey of ordered) {
      const expected = target.pinned(tableKey);
      const now = current.pinned(tableKey);
      if (expected !== now) {
        throw new OmniError("ExpectedVersionMismatch", { tableKey, expected, actual: now }, `stale view of '${tableKey}': expected manifest table version ${expected} but current is ${now} — refresh and retry`);
      }
    }
    // RFC-022's read set (`readSetToken`; upstream's `ensure_merge_target_authority_unchanged`
    // and the publish "under the exact target authority captured before classification", at
    // 62a9c3fe): the target's head token must be the one the plan and its validation read, or a
    // write that landed since (an edge onto a node this merge deletes) goes unvalidated.
    if (readSetToken(env) && (await readBranchSnapshot(env, active)).headToken !== target.headToken) {
      throw new OmniError("ReadSetChanged", { attempts: 1, beforeEffect: true }, "the merge target's graph head moved since the merge planned");
    }
    // A fork the publish will make gets its ref now, so the sidecar can name where HEAD moves.
    const forkRefs = new Map<TableKey, string>();
    for (const tableKey of ordered) {
      const t = target.entry(tableKey);
      if (active !== null && !(t !== undefined && t.branch !== null && ownedBy(t.branch, active))) forkRefs.set(tableKey, newForkRef(env, active));
    }
    const sidecar = mergeSidecar(h, section, plan.candidates, ordered, target, active, forkRefs, sourceHeadId, actor);
    if (sidecar !== null) await writeSidecar(env, sidecar);
    const updates: TableUpdate[] = [];
    for (const tableKey of ordered) updates.push(await publishCandidate(h, source, target, tableKey, plan.candidates.get(tableKey)!, active, forkRefs.get(tableKey)));
    if (sidecar !== null) await confirmSidecarPhaseB(env, sidecar, new Map(updates.map((u) => [u.tableKey, u.version])));
    await maybeFail(env, FP.BRANCH_MERGE_POST_PHASE_B_PRE_MANIFEST_COMMIT);
    await publishMerge(h, updates, () => mergePublishOptions(h, section.lease, target), sidecar?.operation_id ?? null, targetHeadId, sourceHeadId, actor);
  } catch (e) {
    // Under `ownerLease`, releasing the lease hands a failed merge's sidecar to recovery: the
    // next committer on the branch may roll it back at once. The merge's last work, its
    // error-path refresh, runs first, so nothing of the operation runs once its sidecar is
    // recovery's (uncommitted-merge-audited-forward on fixed, portfolio seed 566).
    if (section.lease !== null) await refreshAfterError();
    throw e;
  } finally {
    await section.exit();
  }
}

/**
 * The BranchMerge sidecar: a pin for every table whose publish moves its data HEAD (a delta
 * adoption or a three-way rewrite) and that the target already has, on the ref where the
 * commits land; null when there is none.
 */
function mergeSidecar(
  h: Handle,
  section: Parameters<typeof sidecarOwner>[1],
  candidates: ReadonlyMap<TableKey, Candidate>,
  ordered: readonly TableKey[],
  target: Snapshot,
  active: Branch,
  forkRefs: ReadonlyMap<TableKey, string>,
  sourceHeadId: string,
  actor: string | null,
): (RecoverySidecar & { readonly merge_source_commit_id: string }) | null {
  const env = h.env;
  const pins: SidecarTablePin[] = [];
  for (const tableKey of ordered) {
    if (candidates.get(tableKey)!.kind === "AdoptSourceState") continue;
    const entry = target.entry(tableKey);
    if (!entry) continue;
    const ref = active === null ? null : (forkRefs.get(tableKey) ?? entry.branch);
    pins.push({
      table_key: tableKey,
      table_path: datasetUri(env.root, entry.path),
      expected_version: entry.version,
      post_commit_pin: (entry.version + 1) as Version,
      ...(ref === null ? {} : { table_branch: ref }),
      ...plannedMergeChain(env, entry.version, dataCommitsOf(candidates.get(tableKey)!)),
    });
  }
  if (pins.length === 0) return null;
  const sidecar = newSidecar(env, { kind: "BranchMerge", branch: active, actorId: actor, tables: pins, ...sidecarOwner(env, section) });
  return { ...sidecar, merge_source_commit_id: sourceHeadId };
}

/**
 * The data commits `publishCandidate` makes for a table, in order (publish-table.ts): a delta's
 * append, upsert and delete, a rewrite's upsert and delete, each only when it has rows. A
 * rewrite's index builds are derived state, outside the chain (upstream's index tail).
 */
function dataCommitsOf(c: Candidate): LanceOp[] {
  switch (c.kind) {
    case "AdoptSourceState":
      return [];
    case "AdoptWithDelta":
      return [...(c.delta.appends.length > 0 ? ["Append" as const] : []), ...(c.delta.upserts.length > 0 ? [loggedOp("StagedMergeInsert")] : []), ...(c.delta.deletedIds.length > 0 ? ["Delete" as const] : [])];
    case "RewriteMerged":
      return [...(c.staged.delta.length > 0 ? [loggedOp("StagedMergeInsert")] : []), ...(c.staged.deletedIds.length > 0 ? ["Delete" as const] : [])];
  }
}

/** The publish bumps the head token and, under `readSetToken`, expects the one the merge planned on. */
function mergePublishOptions(h: Handle, lease: Parameters<typeof bumpingPublishOptions>[1], target: Snapshot) {
  const base = bumpingPublishOptions(h.env, lease);
  return readSetToken(h.env) ? { ...base, expectedHeadToken: target.headToken } : base;
}

function publishCandidate(h: Handle, source: Snapshot, target: Snapshot, tableKey: TableKey, c: Candidate, active: Branch, forkRef: string | undefined): Promise<TableUpdate> {
  switch (c.kind) {
    case "AdoptSourceState":
      return publishAdoptedSourceState(h, source, target, tableKey, active, forkRef);
    case "AdoptWithDelta":
      return publishAdoptedDelta(h, tableKey, c.delta, forkRef, target.entry(tableKey)?.version);
    case "RewriteMerged":
      return publishRewrittenMergeTable(h, tableKey, c.staged, forkRef, target.entry(tableKey)?.version);
  }
}

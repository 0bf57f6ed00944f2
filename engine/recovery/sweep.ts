// The two recovery entry points (engine-model section 4.4): the open-time sweep, which takes no
// queues and may restore, and the in-process heal, which takes each sidecar's queues, re-checks
// that the sidecar still exists, and only rolls forward.
import { manifestBranchNames } from "../manifest/branch-list.ts";
import { FP } from "../../failpoints/catalog.ts";
import type { Env } from "../env.ts";
import { maybeFail } from "../failpoint.ts";
import { appendGraphCommit, RECOVERY_ACTOR } from "../manifest/commit-graph.ts";
import { type Coordinator, readSnapshot } from "../manifest/coordinator.ts";
import type { PublishOptions } from "../manifest/publisher.ts";
import type { Snapshot } from "../manifest/snapshot.ts";
import type { Branch } from "../storage/types.ts";
import { promotedForSchemaApply, recoverSchemaStateFiles, type SchemaStateRecovery } from "./schema-state-files.ts";
import { SCHEMA_APPLY_SERIAL_KEY, type QueueKey, type WriteQueueManager } from "../sync/write-queue.ts";
import { alreadyAudited, appendAuditRow } from "./audit.ts";
import { processSidecar, type SidecarOutcome } from "./process.ts";
import { deleteSidecar, listSidecars, type RecoverySidecar } from "./sidecar.ts";
import { sidecarFileOf } from "./delete-listed-sidecar.ts";

/**
 * `recover_manifest_drift(Full)`, from `open`: every sidecar, each against a fresh snapshot of
 * its branch. No queues: "it runs before the handle is published", yet other handles and
 * processes may be live, so it can race them (B1, B6, B10).
 */
export async function recoverManifestDrift(
  env: Env,
  coordinator: Coordinator,
  schemaRecovery: SchemaStateRecovery,
  publishOptions: PublishOptions = {},
  /** With root-shared queues: wait for each sidecar's in-process writer, then re-check it. */
  queues?: WriteQueueManager,
  /** Only the sidecars of this branch (a branch lease vouches for its own committers only). */
  onlyBranch?: Branch,
  /** Collects the branches of every sidecar listed, the skipped ones' too. */
  seen?: Set<Branch>,
): Promise<SidecarOutcome[]> {
  const listed = await listSidecars(env);
  for (const s of listed) seen?.add(s.branch);
  const sidecars = listed.filter((s) => onlyBranch === undefined || s.branch === onlyBranch);
  const outcomes: SidecarOutcome[] = [];
  if (sidecars.length === 0) return outcomes;
  for (const sidecar of sidecars) {
    const release = queues ? await queues.acquireMany(env, queueKeysOf(sidecar)) : null;
    try {
      if (release && !(await env.storage.objects.exists(sidecarFileOf(env, sidecar)))) continue;
      const snapshot = await snapshotForSidecar(env, coordinator, sidecar);
      if (!snapshot) {
        await discardOrphanedBranchSidecar(env, coordinator, sidecar);
        continue;
      }
      // Under the queues (RFC-022, #343), the schema pre-pass cannot go stale: upstream holds the
      // schema gate from its pre-pass through the sweep; the model, which took the pre-pass before
      // waiting for an in-process apply, reconciles that apply's staging files again under its gate.
      const recovery = release && sidecar.writer_kind === "SchemaApply" ? await recoverSchemaStateFiles(env, snapshot) : schemaRecovery;
      outcomes.push(await processSidecar(env, snapshot, sidecar, "Full", promotedForSchemaApply(recovery), publishOptions));
    } finally {
      release?.();
    }
  }
  await coordinator.refreshUnlocked();
  return outcomes;
}

/**
 * `heal_pending_sidecars_roll_forward`, at the start of every write and in `refresh`. Returns
 * whether any sidecar was processed.
 */
export async function healPendingSidecars(
  env: Env,
  coordinator: Coordinator,
  queues: WriteQueueManager,
  publishOptions: PublishOptions = {},
  /** Collects the intents the heal left pending (upstream's `outcome.unresolved`): each it deferred. */
  unresolved?: RecoverySidecar[],
): Promise<boolean> {
  const sidecars = await listSidecars(env);
  if (sidecars.length === 0) return false;
  let processed = false;
  for (const sidecar of sidecars) {
    const isSchemaApply = sidecar.writer_kind === "SchemaApply";
    const release = await queues.acquireMany(env, queueKeysOf(sidecar));
    try {
      // The writer we waited for may have finished and deleted its sidecar.
      if (!(await env.storage.objects.exists(sidecarFileOf(env, sidecar)))) continue;
      let promoted = false;
      if (isSchemaApply) {
        const snap = await mainSnapshot(env, coordinator, "lock");
        promoted = promotedForSchemaApply(await recoverSchemaStateFiles(env, snap));
      }
      const snapshot = sidecar.branch === null ? await mainSnapshot(env, coordinator, "lock") : await snapshotForSidecar(env, coordinator, sidecar);
      if (!snapshot) {
        await discardOrphanedBranchSidecar(env, coordinator, sidecar);
        processed = true;
        continue;
      }
      const outcome = await processSidecar(env, snapshot, sidecar, "RollForwardOnly", promoted, publishOptions);
      if (outcome !== "Deferred") processed = true;
      else unresolved?.push(sidecar);
    } finally {
      release();
    }
  }
  await coordinator.refresh();
  return processed;
}

/** The queues a sidecar's writer held: its pins' tables, plus the serial key for schema apply. */
function queueKeysOf(sidecar: RecoverySidecar): QueueKey[] {
  const keys: QueueKey[] = sidecar.tables.map((p) => ({ key: p.table_key, branch: p.table_branch ?? null }));
  if (sidecar.writer_kind === "SchemaApply") keys.push(SCHEMA_APPLY_SERIAL_KEY);
  return keys;
}

/**
 * Main's snapshot, which a sidecar of main and the schema state are judged against: the
 * coordinator's own refresh when it is main's, a fresh read of main otherwise. A handle's
 * coordinator is another branch's when the handle is bound to one, or while a merge on the handle
 * has swapped it to its target: a main sidecar was judged against that branch's pins, and a
 * write on main failed BranchNotFound when that branch was deleted (`random-workload-branches`
 * on `fixed`, random seed 712).
 */
export async function mainSnapshot(env: Env, coordinator: Coordinator, lock: "lock" | "unlocked"): Promise<Snapshot> {
  if (coordinator.branch !== null) return readSnapshot(env, null);
  return lock === "lock" ? coordinator.refresh() : coordinator.refreshUnlocked();
}

/** A fresh snapshot of the sidecar's branch, or null when that branch no longer exists. */
async function snapshotForSidecar(env: Env, coordinator: Coordinator, sidecar: RecoverySidecar): Promise<Snapshot | null> {
  if (sidecar.branch === null) return mainSnapshot(env, coordinator, "unlocked");
  const branches = await manifestBranchNames(env);
  if (!branches.includes(sidecar.branch)) return null;
  return readSnapshot(env, sidecar.branch);
}

/**
 * A sidecar whose branch was deleted pins unreachable drift: audit and delete it. Idempotent
 * across a failed delete: the audit lands before the delete, so a retry that finds the audit
 * row only deletes (`already_recorded`). A failure between the commit and the audit row leaves
 * a commit without its row, and the retry appends a second commit (upstream's documented
 * residual). The delete passes `recovery.sidecar_delete` (`delete_sidecar`).
 */
async function discardOrphanedBranchSidecar(env: Env, coordinator: Coordinator, sidecar: RecoverySidecar): Promise<void> {
  const main = await mainSnapshot(env, coordinator, "unlocked");
  if (!(await alreadyAudited(env, sidecar.operation_id, "OrphanedBranchDiscarded"))) {
    const graphCommitId = await appendGraphCommit(env, null, main.version, RECOVERY_ACTOR);
    await maybeFail(env, FP.RECOVERY_ORPHAN_DISCARD_AUDIT_APPEND);
    await appendAuditRow(env, sidecar, graphCommitId, "OrphanedBranchDiscarded", []);
  }
  await deleteSidecar(env, sidecar.operation_id, sidecarFileOf(env, sidecar));
}

// The recovery audit (`_graph_commit_recoveries`): one row per recovery action, after a graph
// commit by the recovery actor. Two writes, not atomic: a crash between them leaves a commit
// without an audit row, and the retry appends again. The dataset is created by the first
// append (`RecoveryAudit::open` finds none; a racing creator's "already exists" is tolerated).
import { FP } from "../../failpoints/catalog.ts";
import type { Env } from "../env.ts";
import { maybeFail } from "../failpoint.ts";
import { isStorageError } from "../storage/errors.ts";
import { appendGraphCommit, appendMergeCommit, readCommitGraph, RECOVERY_ACTOR } from "../manifest/commit-graph.ts";
import { GRAPH_COMMIT_RECOVERIES } from "../manifest/layout.ts";
import type { TableKey, Version } from "../storage/types.ts";
import type { RecoverySidecar } from "./sidecar.ts";
import { auditOnce } from "./audit-once.ts";

export type RecoveryKind = "RolledForward" | "RolledBack" | "OrphanedBranchDiscarded";

export interface TableOutcome {
  readonly table_key: TableKey;
  readonly from_version: Version;
  readonly to_version: Version;
}

/** `record_audit`: failpoint, graph commit, audit row. */
export async function recordAudit(
  env: Env,
  sidecar: RecoverySidecar,
  manifestVersion: Version,
  kind: RecoveryKind,
  outcomes: readonly TableOutcome[],
): Promise<void> {
  await maybeFail(env, FP.RECOVERY_RECORD_AUDIT);
  // Any kind: a roll-back whose recovery died before its sidecar delete leaves a stale sidecar
  // that the next recovery would otherwise audit again, as rolled forward.
  if (auditOnce(env) && (await alreadyAudited(env, sidecar.operation_id))) {
    // The operation has its audit row, but this recovery may still have published a version of
    // its own (a writer that lived on after an earlier recovery took its sidecar, and committed
    // again): that publish is recorded in the graph all the same. Upstream's head folds every
    // recovery commit into the recovery's publish (`publish_recovery_commit`), so no recovery
    // publish goes unrecorded there; only the audit row is once per operation.
    if (!(await graphRecords(env, sidecar.branch, manifestVersion))) await recoveryCommit(env, sidecar, manifestVersion, kind);
    return;
  }
  const graphCommitId = await recoveryCommit(env, sidecar, manifestVersion, kind);
  await appendAuditRow(env, sidecar, graphCommitId, kind, outcomes);
}

/** Whether the branch's commit graph already has a commit naming `manifestVersion`. */
async function graphRecords(env: Env, branch: RecoverySidecar["branch"], manifestVersion: Version): Promise<boolean> {
  const graph = await readCommitGraph(env, branch);
  return graph !== null && [...graph.commits.values()].some((c) => c.manifestBranch === branch && c.manifestVersion === manifestVersion);
}

/**
 * The recovery's graph commit, on the sidecar's branch. A rolled-forward merge is recorded as a
 * merge commit naming the source's head, so later merges of the pair see it as merged.
 */
async function recoveryCommit(env: Env, sidecar: RecoverySidecar, manifestVersion: Version, kind: RecoveryKind): Promise<string> {
  const source = sidecar.merge_source_commit_id;
  if (sidecar.writer_kind === "BranchMerge" && source !== undefined && kind === "RolledForward") {
    const head = (await readCommitGraph(env, sidecar.branch))?.head?.id ?? "";
    return appendMergeCommit(env, sidecar.branch, manifestVersion, head, source, RECOVERY_ACTOR);
  }
  return appendGraphCommit(env, sidecar.branch, manifestVersion, RECOVERY_ACTOR);
}

/** The audit row itself, linked to the recovery's graph commit. */
export async function appendAuditRow(
  env: Env,
  sidecar: RecoverySidecar,
  graphCommitId: string,
  kind: RecoveryKind,
  outcomes: readonly TableOutcome[],
): Promise<void> {
  if (!(await env.storage.datasets.exists(GRAPH_COMMIT_RECOVERIES))) {
    try {
      await env.storage.datasets.create(GRAPH_COMMIT_RECOVERIES);
    } catch (e) {
      if (!isStorageError(e, "AlreadyExists")) throw e;
    }
  }
  const head = await env.storage.datasets.latestVersion(GRAPH_COMMIT_RECOVERIES, null);
  await env.storage.datasets.commit(GRAPH_COMMIT_RECOVERIES, null, head, {
    op: "Append",
    rows: [
      {
        id: env.ids.ulid(),
        graph_commit_id: graphCommitId,
        recovery_kind: kind,
        recovery_for_actor: sidecar.actor_id,
        operation_id: sidecar.operation_id,
        sidecar_writer_kind: sidecar.writer_kind,
        per_table_outcomes_json: JSON.stringify(outcomes),
        created_at: env.clock.now(),
      },
    ],
  });
}

/**
 * Whether `operationId` already has an audit row (of `kind`, when given): the retry after a
 * Phase D fault. `auditOnce` asks for any kind, because the retry may not know what the first
 * recovery did: a roll-back publishes its restored HEADs, so its retry finds every table
 * `NoMovement` with the pin advanced and takes the audit-recovery arm, which audits
 * `RolledForward` (F8).
 */
export async function alreadyAudited(env: Env, operationId: string, kind?: RecoveryKind): Promise<boolean> {
  if (!(await env.storage.datasets.exists(GRAPH_COMMIT_RECOVERIES))) return false;
  const head = await env.storage.datasets.latestVersion(GRAPH_COMMIT_RECOVERIES, null);
  const rows = (await env.storage.datasets.checkout(GRAPH_COMMIT_RECOVERIES, null, head)).rows;
  return rows.some((r) => r.operation_id === operationId && (kind === undefined || r.recovery_kind === kind));
}

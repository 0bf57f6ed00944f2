// The catalog of failpoint names. Call sites and tests use these constants, never string
// literals, so a typo is a compile error instead of a failpoint that silently never fires
// (the upstream names guard, test/failpoints/names-guard.test.ts, enforces it here too).
//
// The seed-era names are the 36 constants of upstream `failpoints::names` at the #296 commit,
// with the same dotted spelling. A few later (HEAD-era) names are added where a fix of ours
// needs the same boundary upstream later named; they are listed separately.

/** Failpoints that existed at the seed commits. */
export const SEED_FAILPOINTS = {
  BRANCH_CREATE_AFTER_MANIFEST_BRANCH_CREATE: "branch_create.after_manifest_branch_create",
  BRANCH_DELETE_BEFORE_COMMIT_GRAPH_RECLAIM: "branch_delete.before_commit_graph_reclaim",
  BRANCH_DELETE_BEFORE_TABLE_CLEANUP: "branch_delete.before_table_cleanup",
  BRANCH_MERGE_ADOPT_AFTER_APPEND_PRE_UPSERT: "branch_merge.adopt_after_append_pre_upsert",
  BRANCH_MERGE_ADOPT_AFTER_UPSERT_PRE_DELETE: "branch_merge.adopt_after_upsert_pre_delete",
  BRANCH_MERGE_POST_PHASE_B_PRE_MANIFEST_COMMIT: "branch_merge.post_phase_b_pre_manifest_commit",
  BRANCH_MERGE_REWRITE_AFTER_DELETE_PRE_INDEX: "branch_merge.rewrite_after_delete_pre_index",
  BRANCH_MERGE_REWRITE_AFTER_MERGE_PRE_DELETE: "branch_merge.rewrite_after_merge_pre_delete",
  CLASSIFY_FRESH_READ: "classify.fresh_read",
  CLEANUP_RECONCILE_FORK: "cleanup.reconcile_fork",
  CLEANUP_RESOLVE_BRANCH_SNAPSHOT: "cleanup.resolve_branch_snapshot",
  CLEANUP_TABLE_GC: "cleanup.table_gc",
  ENSURE_INDICES_POST_PHASE_B_PRE_MANIFEST_COMMIT: "ensure_indices.post_phase_b_pre_manifest_commit",
  ENSURE_INDICES_POST_STAGE_PRE_COMMIT_BTREE: "ensure_indices.post_stage_pre_commit_btree",
  FORK_BEFORE_CLASSIFY: "fork.before_classify",
  FORK_BEFORE_RECLAIM: "fork.before_reclaim",
  GRAPH_PUBLISH_AFTER_MANIFEST_COMMIT: "graph_publish.after_manifest_commit",
  GRAPH_PUBLISH_BEFORE_COMMIT_APPEND: "graph_publish.before_commit_append",
  INIT_AFTER_COORDINATOR_INIT: "init.after_coordinator_init",
  INIT_AFTER_SCHEMA_CONTRACT_WRITTEN: "init.after_schema_contract_written",
  INIT_AFTER_SCHEMA_PG_WRITTEN: "init.after_schema_pg_written",
  MUTATION_DELETE_NODE_PRE_PRIMARY_DELETE: "mutation.delete_node_pre_primary_delete",
  MUTATION_POST_FINALIZE_PRE_PUBLISHER: "mutation.post_finalize_pre_publisher",
  OPTIMIZE_BEFORE_COMPACT: "optimize.before_compact",
  OPTIMIZE_INJECT_REINDEX_CONFLICT: "optimize.inject_reindex_conflict",
  OPTIMIZE_POST_PHASE_B_PRE_MANIFEST_COMMIT: "optimize.post_phase_b_pre_manifest_commit",
  RECOVERY_BEFORE_ROLL_FORWARD_PUBLISH: "recovery.before_roll_forward_publish",
  RECOVERY_ORPHAN_DISCARD_AUDIT_APPEND: "recovery.orphan_discard_audit_append",
  RECOVERY_RECORD_AUDIT: "recovery.record_audit",
  RECOVERY_SIDECAR_CONFIRM: "recovery.sidecar_confirm",
  RECOVERY_SIDECAR_DELETE: "recovery.sidecar_delete",
  RECOVERY_SIDECAR_LIST: "recovery.sidecar_list",
  RECOVERY_SIDECAR_WRITE: "recovery.sidecar_write",
  SCHEMA_APPLY_AFTER_MANIFEST_COMMIT: "schema_apply.after_manifest_commit",
  SCHEMA_APPLY_AFTER_STAGING_WRITE: "schema_apply.after_staging_write",
  SCHEMA_APPLY_BEFORE_STAGING_WRITE: "schema_apply.before_staging_write",
} as const;

/**
 * Names upstream added after the seed, used here only where a window of the seed's code needs
 * the boundary upstream later named: the #361 LIST->GET window, the RFC-022 pre-effect
 * revalidation gate, #487's point right after the `__manifest` Create commit (at the seed
 * the create-to-stamp window of #483), and #502's point right after each table's dataset Create
 * (a lost acknowledgement: the table may be durable though init saw an error).
 */
export const HEAD_FAILPOINTS = {
  RECOVERY_POST_SIDECAR_LIST_PRE_READ: "recovery.post_sidecar_list_pre_read",
  MUTATION_POST_STAGE_PRE_EFFECT_GATE: "mutation.post_stage_pre_effect_gate",
  INIT_POST_MANIFEST_CREATE: "init.post_manifest_create",
  INIT_TABLE_CREATE_ACK_LOST: "init.table_create_ack_lost",
} as const;

/** Every failpoint name, by constant. */
export const FP = { ...SEED_FAILPOINTS, ...HEAD_FAILPOINTS } as const;

export type FailpointName = (typeof FP)[keyof typeof FP];

/** All names, in catalog order. */
export const ALL_FAILPOINTS: readonly FailpointName[] = Object.values(FP);

const known = new Set<string>(ALL_FAILPOINTS);

/** Narrows a user-supplied string (CLI, ledger) to a catalog name, or undefined. */
export function parseFailpointName(s: string): FailpointName | undefined {
  return known.has(s) ? (s as FailpointName) : undefined;
}

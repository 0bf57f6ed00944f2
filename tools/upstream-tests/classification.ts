// Which upstream tests the model can express, and why not where it cannot: the hand-kept half
// of the inventory. Per upstream test file, ordered rules (a list of test names or a name
// pattern) each giving a class and a reason; the first rule that matches a test decides it.
// The inventory script applies these rules to every test name it finds in the upstream mirror
// at the seed, and refuses a test no rule covers or a named test the file does not have.
//
// Classes (as the fidelity audit's appendix): Y, everything the test needs is in the model;
// P, the code under test is modelled but the setup or the surface is not; N, outside the model.

export type TestClass = "Y" | "P" | "N";

export interface Rule {
  /** Exact test names, or a pattern over them. */
  readonly match: readonly string[] | RegExp;
  readonly cls: TestClass;
  readonly reason: string;
}

/** The seed commit the inventory is taken at (#296). */
export const SEED_COMMIT = "4a5277b9";

/** Where upstream keeps these files. */
export const UPSTREAM_TEST_DIR = "crates/omnigraph/tests";

const BRANCH_ENSURE_INDICES = "needs ensure_indices on a branch (the model's ensureIndices runs on main)";
const ROW_VERSIONS = "needs Lance's per-row version columns (_row_last_updated_at_version), not in the storage seam";
const QUERIES = "needs the query language or traversal (not modelled)";
const BLOBS = "needs blob or vector columns (not modelled)";
const RANGE_CHECK = "needs @range or @check (not in the model's schema language)";
const OLDER_THAN = "needs cleanup's older_than policy (an age in wall-clock time; the model's cleanup takes keep_versions only)";
const REPAIR = "needs the repair command (not modelled)";
const IN_MODEL = "inside the modelled area";
const D9 = "waits for D9 (init as upstream: cleanup on failure, refusal before touching an existing graph)";

export const RULES: Readonly<Record<string, readonly Rule[]>> = {
  "failpoints.rs": [
    { match: ["init_failpoint_returns_original_error_not_cleanup_error"], cls: "Y", reason: IN_MODEL },
    { match: /^init_failpoint_/, cls: "Y", reason: D9 },
    { match: ["s3_load_recovers_after_publisher_failure_without_reopen"], cls: "P", reason: "S3-gated twin of the local load heal (ported)" },
    { match: ["recovery_rolls_forward_ensure_indices_on_feature_branch"], cls: "P", reason: BRANCH_ENSURE_INDICES },
    { match: /./, cls: "Y", reason: IN_MODEL },
  ],
  "recovery.rs": [
    { match: /./, cls: "Y", reason: IN_MODEL },
  ],
  "consistency.rs": [
    {
      match: ["cross_type_traversal_deduplicates_duplicate_edges", "explicit_target_query_rebuilds_graph_index_after_external_edge_write", "null_values_in_filter_and_projection", "traversal_works_after_node_then_edge_insert"],
      cls: "N",
      reason: QUERIES,
    },
    { match: ["load_merge_window_2_documents_upstream_lance_gap"], cls: "N", reason: "documents a Lance substrate gap, not engine behaviour" },
    { match: ["explicit_target_query_sees_other_writer_commits_without_refresh", "large_batch_load_and_query"], cls: "Y", reason: "the query is a table read through the handle" },
    { match: /./, cls: "Y", reason: IN_MODEL },
  ],
  "validators.rs": [
    { match: /^range_/, cls: "N", reason: RANGE_CHECK },
    { match: /./, cls: "Y", reason: IN_MODEL },
  ],
  "write_cost.rs": [
    { match: ["data_table_reads_split_into_flat_opener_and_growing_scan", "internal_table_scans_are_flat_in_history"], cls: "N", reason: "Lance scan and I/O internals" },
    { match: ["write_validates_schema_contract_once"], cls: "Y", reason: IN_MODEL },
    { match: /./, cls: "P", reason: "the model counts storage calls, not dataset opens or Lance I/O classes" },
  ],
  "schema_apply.rs": [
    { match: ["apply_schema_defers_vector_index_on_empty_table"], cls: "N", reason: BLOBS },
    { match: ["apply_schema_rejects_when_non_main_branch_exists"], cls: "Y", reason: "the branch is made as branch_create's manifest effect" },
    { match: /./, cls: "Y", reason: IN_MODEL },
  ],
  "writes.rs": [
    { match: ["append_batch_rejects_mismatched_schema_in_blob_table_at_offending_op"], cls: "N", reason: BLOBS },
    {
      match: ["camelcase_chained_mutation_reads_pending_by_camelcase", "camelcase_mutation_predicate_updates_and_deletes", "scan_with_pending_rejects_key_column_missing_from_projection"],
      cls: "N",
      reason: "the query language's SQL predicates and the internal scan API (not modelled)",
    },
    { match: ["cancelled_mutation_future_leaves_no_state"], cls: "P", reason: "no future cancellation in the model (a process crash is the nearest)" },
    { match: /./, cls: "Y", reason: IN_MODEL },
  ],
  "maintenance.rs": [
    { match: ["cleanup_older_than_zero_preserves_head"], cls: "N", reason: OLDER_THAN },
    { match: /^repair_/, cls: "N", reason: REPAIR },
    { match: ["index_build_tolerates_null_vector_rows", "optimize_skips_blob_table_and_reports_skip"], cls: "N", reason: BLOBS },
    {
      match: ["optimize_clears_stale_auto_cleanup_and_preserves_versions", "optimize_clears_stale_auto_cleanup_on_data_tables_too"],
      cls: "N",
      reason: "needs a table carrying stale lance.auto_cleanup config (the strip is not modelled: docs/fidelity.md, D3)",
    },
    { match: ["optimize_compacts_internal_tables"], cls: "Y", reason: IN_MODEL },
    { match: ["optimize_tolerates_absent_graph_commits_table"], cls: "P", reason: "needs a dataset removed behind the engine's back (the seam has no dataset removal)" },
    { match: ["optimize_on_empty_graph_returns_stats_per_table_with_no_changes"], cls: "P", reason: "optimize's stats in the model omit the internal tables" },
    { match: ["optimize_reindexes_fragments_appended_after_index_build"], cls: "N", reason: "needs per-fragment index coverage (optimize_indices is not modelled: docs/fidelity.md, D3)" },
    { match: /./, cls: "Y", reason: IN_MODEL },
  ],
  "lifecycle.rs": [
    { match: ["init_on_existing_graph_uri_does_not_destroy_existing_schema"], cls: "Y", reason: D9 },
    { match: ["init_with_force_recovers_from_orphan_schema_files"], cls: "N", reason: "init --force is not modelled" },
    { match: ["open_bootstraps_legacy_schema_state_for_main_only_graph", "open_rejects_legacy_graph_with_public_branch"], cls: "N", reason: "legacy graphs and their migration are not modelled" },
    { match: ["init_rejects_instruction_on_property", "schema_annotations_persist_into_ir_json_on_init"], cls: "N", reason: "@description and @instruction annotations are not in the model's schema language" },
    { match: /./, cls: "Y", reason: IN_MODEL },
  ],
  "staged_writes.rs": [
    {
      match: [
        "delete_where_advances_head_inline_documents_residual",
        "lance_restore_appends_one_commit_with_checked_out_content",
        "lance_restore_loses_to_concurrent_append_via_orphaning",
        "stage_append_then_commit_persists_data",
        "stage_merge_insert_then_commit_persists_merged_view",
        "stage_merge_insert_dedupes_superseded_committed_fragment",
        "stage_overwrite_empty_batch_replaces_all_rows",
        "stage_overwrite_replaces_all_fragments",
      ],
      cls: "Y",
      reason: "Lance substrate behaviour the storage seam expresses (a staged transaction is one commit there)",
    },
    { match: ["chained_stage_appends_have_distinct_row_ids", "stage_overwrite_preserves_stable_row_ids"], cls: "N", reason: "Lance stable row ids are not in the storage seam" },
    { match: ["create_vector_index_advances_head_inline_documents_residual"], cls: "N", reason: BLOBS },
    { match: ["commit_staged_skips_auto_cleanup_so_pinned_versions_survive"], cls: "N", reason: "Lance auto-cleanup is not in the storage seam" },
    { match: /./, cls: "N", reason: "the stage/commit split and scans over staged data are not in the storage seam (a staged write is one commit there)" },
  ],
  "branching.rs": [
    { match: ["branch_merge_with_blob_columns_preserves_blob_data", "branch_merge_with_external_blob_uri_materializes_payload"], cls: "N", reason: BLOBS },
    { match: ["merged_table_preserves_row_version_for_unchanged_rows", "merge_delta_only_bumps_changed_rows"], cls: "N", reason: ROW_VERSIONS },
    { match: ["resolved_snapshot_stays_pinned_after_branch_advances"], cls: "N", reason: "needs resolve_snapshot and reads at a snapshot id (ReadTarget::Snapshot; not modelled)" },
    { match: ["ensure_indices_on_child_branch_forks_inherited_table_ownership"], cls: "P", reason: BRANCH_ENSURE_INDICES },
    { match: ["branch_create_bootstraps_missing_commit_graph"], cls: "P", reason: "needs a dataset removed behind the engine's back (the seam has no dataset removal)" },
    { match: /./, cls: "Y", reason: IN_MODEL },
  ],
  "merge_fast_forward.rs": [
    { match: ["fast_forward_merge_defers_vector_index_to_reconciler", "fast_forward_merge_streams_blob_columns"], cls: "N", reason: BLOBS },
    { match: /./, cls: "Y", reason: "upstream counts staged-write primitives with probes; the model reads the transaction kinds committed" },
  ],
  "merge_truth_table.rs": [{ match: /./, cls: "Y", reason: IN_MODEL }],
  "end_to_end.rs": [
    { match: /^(query_|ir_filter_)/, cls: "N", reason: QUERIES },
    { match: /blob|vector/, cls: "N", reason: BLOBS },
    { match: /^(range_|check_|mutation_(insert|update)_rejects_(range|check))/, cls: "N", reason: RANGE_CHECK },
    { match: ["load_from_file_works", "signals_fixture_loads_correctly"], cls: "N", reason: "reads JSONL fixtures from files; the model's loads take parsed rows" },
    { match: ["update_edge_type_returns_error_not_panic", "date_literal_with_quote_is_escaped"], cls: "N", reason: "a query-language parse error (the model's mutations are typed)" },
    { match: ["entity_at_returns_typed_json_values"], cls: "Y", reason: "entity_at is a row read by id" },
    { match: /./, cls: "Y", reason: IN_MODEL },
  ],
};

/**
 * Upstream tests added after the seed that the model ports anyway (a fix's own test), by file,
 * with the commit that added each. They are listed apart and do not count toward the share.
 */
export const LATER: Readonly<Record<string, readonly { readonly commit: string; readonly tests: readonly string[]; readonly reason: string }[]>> = {
  "writes.rs": [{ commit: "0dcdcf5a", tests: ["node_delete_with_no_incident_edges_leaves_no_edge_table_drift"], reason: "added by #308 (zero-row deletes, D1)" }],
  "failpoints.rs": [
    { commit: "4ea14450", tests: ["init_crash_after_manifest_create_leaves_openable_store"], reason: "added by #487 (the manifest stamped in its Create commit, D9)" },
    { commit: "426c7b96", tests: ["init_failpoint_after_coordinator_init_leaves_completed_store_intact"], reason: "added by #502 (no init cleanup past the commit point, D9)" },
    { commit: "426c7b96", tests: ["init_table_create_lost_ack_preserves_claim_and_schema"], reason: "added by #502 (an init whose table Create's outcome is unknown keeps its claim and schema files, D9)" },
  ],
};

/** The first rule of `file` matching `test`, or undefined. */
export function classify(file: string, test: string): Rule | undefined {
  return RULES[file]?.find((r) => (Array.isArray(r.match) ? (r.match as readonly string[]).includes(test) : (r.match as RegExp).test(test)));
}

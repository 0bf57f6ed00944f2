// Upstream tests/failpoints.rs, its branch, fork, cleanup and merge tests: a failpoint fired in
// each branch operation, and what the next write, merge, open or cleanup must find.
import { expect, test } from "vitest";
import { FP } from "../../failpoints/catalog.ts";
import { GRAPH_COMMITS } from "../../engine/manifest/layout.ts";
import { tablePathForTableKey } from "../../engine/schema/catalog.ts";
import { parseSidecar } from "../../engine/recovery/sidecar.ts";
import type { World } from "../../sim/world.ts";
import { inWorld } from "./helpers.ts";
import { branchManifest, commitGraph, countRowsBranch, plantBranchSidecar } from "./branch-support.ts";
import { auditRows, failsAt, onlySidecar, PERSON, rejects, sidecarKeys, startProcess } from "./support.ts";
import { countRows, initAndLoadTest, insertPerson, removePerson, setAge, TEST_SCHEMA, versionMain } from "./upstream.ts";

const FEATURE = { branch: "feature" } as const;
const PERSON_PATH = tablePathForTableKey(PERSON);

async function personForks(w: World): Promise<string[]> {
  return w.storage.datasets.listBranches(PERSON_PATH);
}

/** A Lance branch made straight on the Person dataset, at its HEAD (upstream's forged fork). */
async function forgeFork(w: World, name: string): Promise<void> {
  await w.storage.datasets.createBranch(PERSON_PATH, name, null, await w.storage.datasets.latestVersion(PERSON_PATH, null));
}

async function personNames(g: Awaited<ReturnType<typeof initAndLoadTest>>): Promise<string[]> {
  return (await g.read("node", "Person")).map((r) => r.id).sort();
}

// Mirrors failpoints.rs::branch_create_failpoint_triggers.
test("branch_create.after_manifest_branch_create fails the create with its own error", async () => {
  await inWorld(async (w) => {
    const db = await startProcess(w, "init").init(TEST_SCHEMA);
    await failsAt(w, FP.BRANCH_CREATE_AFTER_MANIFEST_BRANCH_CREATE, () => db.branchCreate("feature"));
  });
});

// Mirrors failpoints.rs::branch_create_rolls_back_manifest_on_commit_graph_failure.
test("a create that fails after the manifest branch rolls the manifest branch back", async () => {
  await inWorld(async (w) => {
    const db = await startProcess(w, "init").init(TEST_SCHEMA);
    await failsAt(w, FP.BRANCH_CREATE_AFTER_MANIFEST_BRANCH_CREATE, () => db.branchCreate("feature"));
    expect(await db.branchList()).not.toContain("feature");
  });
});

// Mirrors failpoints.rs::branch_delete_partial_failure_converges_via_cleanup.
test("a delete whose fork reclaim fails still deletes; cleanup reclaims the fork; the name is reusable", async () => {
  await inWorld(async (w) => {
    const main = await initAndLoadTest(w);
    await main.branchCreate("feature");
    const feature = await startProcess(w, "feature").open();
    await feature.mutate([insertPerson("Eve", 22)], null, FEATURE);
    expect(await personForks(w)).toContain("feature");
    w.failpoints.set(FP.BRANCH_DELETE_BEFORE_TABLE_CLEANUP, { kind: "error" });
    await main.branchDelete("feature");
    w.failpoints.clear(FP.BRANCH_DELETE_BEFORE_TABLE_CLEANUP);
    expect(await main.branchList()).toEqual(["main"]);
    expect(await personForks(w)).toContain("feature");
    await main.cleanup({ keepVersions: 1 });
    expect(await personForks(w)).not.toContain("feature");
    await main.branchCreate("feature");
    const feature2 = await startProcess(w, "feature2").open();
    await feature2.mutate([insertPerson("Frank", 41)], null, FEATURE);
  });
});

// Mirrors failpoints.rs::recreate_over_orphaned_fork_self_heals_without_cleanup.
test("a write to a recreated branch reclaims the deleted branch's orphaned fork and forks fresh", async () => {
  await inWorld(async (w) => {
    const main = await initAndLoadTest(w);
    await main.branchCreate("feature");
    const feature = await startProcess(w, "feature").open();
    await feature.mutate([insertPerson("Eve", 22)], null, FEATURE);
    w.failpoints.set(FP.BRANCH_DELETE_BEFORE_TABLE_CLEANUP, { kind: "error" });
    await main.branchDelete("feature");
    w.failpoints.clear(FP.BRANCH_DELETE_BEFORE_TABLE_CLEANUP);
    await main.branchCreate("feature");
    const feature2 = await startProcess(w, "feature2").open();
    await feature2.mutate([insertPerson("Frank", 41)], null, FEATURE);
    expect(await countRowsBranch(feature2, "feature", PERSON)).toBe((await countRows(w, PERSON)) + 1);
  });
});

// Mirrors failpoints.rs::recreate_over_orphaned_fork_reports_indeterminate_authority_read.
test("a reclaim whose fresh authority read fails is a retryable conflict and leaves the fork; the retry converges", async () => {
  await inWorld(async (w) => {
    const db = await initAndLoadTest(w);
    await db.branchCreate("feature");
    await forgeFork(w, "feature");
    const row = { mode: "Merge" as const, nodes: { Person: [{ name: "Grace", age: 37 }] } };
    w.failpoints.set(FP.CLASSIFY_FRESH_READ, { kind: "error" });
    const e = await rejects(db.load(row, null, FEATURE), "BranchConflict");
    expect(e.manifestKind).toBe("Conflict");
    expect(e.message).toMatch(/could not verify.*fresh manifest authority was unavailable.*refresh and retry/);
    expect(e.message).not.toContain("expected manifest table version");
    expect(await personForks(w)).toContain("feature");
    w.failpoints.clear(FP.CLASSIFY_FRESH_READ);
    await db.load(row, null, FEATURE);
  });
});

// Mirrors failpoints.rs::cleanup_isolates_single_table_failure.
test("one table's version GC failing is reported in its stats; the rest, and the reconcile, go on", async () => {
  await inWorld(async (w) => {
    const db = await initAndLoadTest(w);
    await forgeFork(w, "ghost");
    w.failpoints.set(FP.CLEANUP_TABLE_GC, { kind: "error", times: 1 });
    const stats = await db.cleanup({ keepVersions: 1 });
    expect(stats.tables.filter((t) => t.error !== null)).toHaveLength(1);
    expect(stats.tables.length).toBeGreaterThanOrEqual(4);
    expect(await personForks(w)).not.toContain("ghost");
  });
});

// Mirrors failpoints.rs::cleanup_isolates_reconcile_failure.
test("a reconcile delete failing is isolated; the next cleanup converges", async () => {
  await inWorld(async (w) => {
    const db = await initAndLoadTest(w);
    await forgeFork(w, "ghost");
    w.failpoints.set(FP.CLEANUP_RECONCILE_FORK, { kind: "error", times: 1 });
    await db.cleanup({ keepVersions: 1 });
    expect(await personForks(w)).toContain("ghost");
    await db.cleanup({ keepVersions: 1 });
    expect(await personForks(w)).not.toContain("ghost");
  });
});

// Mirrors failpoints.rs::cleanup_reclaims_orphaned_commit_graph_branch.
test("a delete whose commit-graph reclaim fails leaves a commit-graph branch that cleanup reclaims", async () => {
  await inWorld(async (w) => {
    const db = await initAndLoadTest(w);
    await db.branchCreate("feature");
    w.failpoints.set(FP.BRANCH_DELETE_BEFORE_COMMIT_GRAPH_RECLAIM, { kind: "error" });
    await db.branchDelete("feature");
    w.failpoints.clear(FP.BRANCH_DELETE_BEFORE_COMMIT_GRAPH_RECLAIM);
    expect(await w.storage.datasets.listBranches(GRAPH_COMMITS)).toContain("feature");
    await db.cleanup({ keepVersions: 1 });
    expect(await w.storage.datasets.listBranches(GRAPH_COMMITS)).not.toContain("feature");
  });
});

// Mirrors failpoints.rs::reconcile_skips_fork_when_fresh_recheck_is_unavailable_then_converges.
test("cleanup skips a fork whose fresh re-check fails, and reclaims it once the read works", async () => {
  await inWorld(async (w) => {
    const db = await initAndLoadTest(w);
    await db.branchCreate("feature");
    await forgeFork(w, "feature");
    w.failpoints.set(FP.CLASSIFY_FRESH_READ, { kind: "error" });
    await db.cleanup({ keepVersions: 1 });
    expect(await personForks(w)).toContain("feature");
    w.failpoints.clear(FP.CLASSIFY_FRESH_READ);
    await db.cleanup({ keepVersions: 1 });
    expect(await personForks(w)).not.toContain("feature");
  });
});

// Mirrors failpoints.rs::branch_create_recreates_over_commit_graph_zombie.
test("a create over a commit-graph branch a failed delete left drops the zombie and succeeds", async () => {
  await inWorld(async (w) => {
    const db = await startProcess(w, "init").init(TEST_SCHEMA);
    await db.branchCreate("feature");
    w.failpoints.set(FP.BRANCH_DELETE_BEFORE_COMMIT_GRAPH_RECLAIM, { kind: "error" });
    await db.branchDelete("feature");
    w.failpoints.clear(FP.BRANCH_DELETE_BEFORE_COMMIT_GRAPH_RECLAIM);
    expect(await db.branchList()).toEqual(["main"]);
    await db.branchCreate("feature");
    expect(await db.branchList()).toContain("feature");
  });
});

// Mirrors failpoints.rs::fork_collision_with_live_concurrent_fork_is_retryable.
test("a fork that loses to a concurrent first write's published fork is a retryable stale view, not an orphan", async () => {
  await inWorld(async (w) => {
    const main = await initAndLoadTest(w);
    await main.branchCreate("feature");
    const a = await startProcess(w, "a").open();
    const b = await startProcess(w, "b").open();
    w.failpoints.set(FP.FORK_BEFORE_CLASSIFY, { kind: "park" });
    const writerA = w.spawn(w.process("a-writer"), "writer-a", () => a.mutate([insertPerson("Eve", 22)], null, FEATURE));
    await w.until("A parks at the fork point", () => w.failpoints.reached(FP.FORK_BEFORE_CLASSIFY));
    w.failpoints.clear(FP.FORK_BEFORE_CLASSIFY);
    await b.mutate([insertPerson("Frank", 41)], null, FEATURE);
    w.failpoints.release(FP.FORK_BEFORE_CLASSIFY);
    await w.join(writerA);
    const outcome = writerA.outcome!;
    expect(outcome.ok).toBe(false);
    const message = (outcome as { error: Error }).error.message;
    expect(message).not.toContain("cleanup");
    expect(message).toMatch(/refresh and retry|expected manifest table version/);
  });
});

/** `init` + Alice, a feature branch with Bob on it, and (for a three-way merge) Carol on main. */
async function mergeSetup(w: World, divergeMain: boolean) {
  const db = await startProcess(w, "init").init(TEST_SCHEMA);
  await db.load({ mode: "Append", nodes: { Person: [{ name: "alice", age: 30 }] } });
  await db.branchCreate("feature");
  await db.mutate([insertPerson("Bob", 40)], null, FEATURE);
  if (divergeMain) await db.mutate([insertPerson("Carol", 50)]);
  return db;
}

// Mirrors failpoints.rs::sidecar_write_failure_aborts_branch_merge_with_no_head_advance.
test("a merge whose sidecar put fails aborts before any HEAD moves, and merges cleanly after", async () => {
  await inWorld(async (w) => {
    const db = await startProcess(w, "init").init(TEST_SCHEMA);
    await db.load({ mode: "Append", nodes: { Person: [{ name: "Alice", age: 30 }] } });
    await db.branchCreate("feature");
    await db.mutate([insertPerson("Eve", 22)], null, FEATURE);
    await db.mutate([insertPerson("Mallory", 35)]);
    const pre = await w.storage.datasets.latestVersion(PERSON_PATH, null);
    await failsAt(w, FP.RECOVERY_SIDECAR_WRITE, () => db.branchMerge("feature", "main"));
    expect(await sidecarKeys(w)).toEqual([]);
    expect(await w.storage.datasets.latestVersion(PERSON_PATH, null)).toBe(pre);
    expect(await countRows(w, PERSON)).toBe(2);
    await db.branchMerge("feature", "main");
  });
});

// Mirrors failpoints.rs::branch_merge_after_finalize_publisher_failure_heals_without_reopen.
test("a merge on the handle whose load left a residual heals it first, then merges", async () => {
  await inWorld(async (w) => {
    const db = await startProcess(w, "init").init(TEST_SCHEMA);
    await db.load({ mode: "Append", nodes: { Person: [{ name: "Alice", age: 30 }] } });
    await db.branchCreate("feature");
    await db.mutate([insertPerson("Eve", 22)], null, FEATURE);
    await failsAt(w, FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER, () => db.load({ mode: "Merge", nodes: { Person: [{ name: "Bob", age: 25 }] } }));
    expect(await sidecarKeys(w)).toHaveLength(1);
    await db.branchMerge("feature", "main");
    expect(await sidecarKeys(w)).toEqual([]);
    expect(await countRows(w, PERSON)).toBe(3);
  });
});

/** `branch_merge_phase_b_failure_recovered_on_next_open`'s check: some commit has a merged parent. */
async function hasMergeCommit(w: World): Promise<boolean> {
  return [...(await commitGraph(w)).commits.values()].some((c) => c.mergedParent !== null);
}

// Mirrors failpoints.rs::branch_merge_phase_b_failure_recovered_on_next_open.
test("a three-way merge failing after Phase B is rolled forward by the next open, as a merge commit", async () => {
  await inWorld(async (w) => {
    await mergeSetup(w, true);
    const pre = await versionMain(w);
    const db = await startProcess(w, "merger").open();
    await failsAt(w, FP.BRANCH_MERGE_POST_PHASE_B_PRE_MANIFEST_COMMIT, () => db.branchMerge("feature", "main"));
    expect(await sidecarKeys(w)).toHaveLength(1);
    await startProcess(w, "reopen").open();
    expect(await sidecarKeys(w)).toEqual([]);
    expect((await auditRows(w)).length).toBeGreaterThan(0);
    expect(await versionMain(w)).toBeGreaterThan(pre);
    expect(await hasMergeCommit(w)).toBe(true);
  });
});

// Mirrors failpoints.rs::branch_merge_adopt_with_delta_phase_b_failure_recovered_on_next_open.
test("a fast-forward with a delta failing after Phase B leaves one sidecar; the next open rolls it forward", async () => {
  await inWorld(async (w) => {
    await mergeSetup(w, false);
    const pre = await versionMain(w);
    const db = await startProcess(w, "merger").open();
    await failsAt(w, FP.BRANCH_MERGE_POST_PHASE_B_PRE_MANIFEST_COMMIT, () => db.branchMerge("feature", "main"));
    expect(await sidecarKeys(w)).toHaveLength(1);
    const reopened = await startProcess(w, "reopen").open();
    expect(await sidecarKeys(w)).toEqual([]);
    expect(await versionMain(w)).toBeGreaterThan(pre);
    expect((await reopened.read("node", "Person")).map((r) => r.id)).toContain("Bob");
  });
});

/** `assert_partial_merge_rolls_back`. */
async function partialMergeRollsBack(w: World, rewrite: boolean, failpoint: (typeof FP)[keyof typeof FP]): Promise<void> {
  const db = await startProcess(w, "init").init(TEST_SCHEMA);
  await db.load({ mode: "Append", nodes: { Person: [{ name: "alice", age: 30 }, { name: "carol", age: 50 }, { name: "dave", age: 60 }] } });
  await db.branchCreate("feature");
  await db.mutate([insertPerson("bob", 40)], null, FEATURE);
  await db.mutate([setAge("carol", 55)], null, FEATURE);
  await db.mutate([removePerson("dave")], null, FEATURE);
  if (rewrite) await db.mutate([setAge("alice", 35)]);
  const merger = await startProcess(w, "merger").open();
  await failsAt(w, failpoint, () => merger.branchMerge("feature", "main"));
  const reopened = await startProcess(w, "reopen").open();
  expect(await personNames(reopened)).toEqual(["alice", "carol", "dave"]);
  await reopened.branchMerge("feature", "main");
  expect(await personNames(reopened)).toEqual(["alice", "bob", "carol"]);
}

// Mirrors failpoints.rs::branch_merge_adopt_partial_after_append_rolls_back.
test("a fast-forward interrupted after its append rolls back, and a re-merge applies the whole delta", async () => {
  await inWorld((w) => partialMergeRollsBack(w, false, FP.BRANCH_MERGE_ADOPT_AFTER_APPEND_PRE_UPSERT));
});

// Mirrors failpoints.rs::branch_merge_adopt_partial_after_upsert_rolls_back.
test("a fast-forward interrupted after its upsert rolls back, and a re-merge applies the whole delta", async () => {
  await inWorld((w) => partialMergeRollsBack(w, false, FP.BRANCH_MERGE_ADOPT_AFTER_UPSERT_PRE_DELETE));
});

// Mirrors failpoints.rs::branch_merge_rewrite_partial_after_merge_rolls_back.
test("a three-way merge interrupted after its merge-insert rolls back, and a re-merge applies it whole", async () => {
  await inWorld((w) => partialMergeRollsBack(w, true, FP.BRANCH_MERGE_REWRITE_AFTER_MERGE_PRE_DELETE));
});

// Mirrors failpoints.rs::branch_merge_rewrite_partial_after_delete_rolls_back.
test("a three-way merge interrupted after its delete rolls back, and a re-merge applies it whole", async () => {
  await inWorld((w) => partialMergeRollsBack(w, true, FP.BRANCH_MERGE_REWRITE_AFTER_DELETE_PRE_INDEX));
});

// Mirrors failpoints.rs::pre_upgrade_v1_branch_merge_sidecar_rolls_forward_not_back.
test("a v1 BranchMerge sidecar (no confirmation) over a completed merge rolls forward (Loose)", async () => {
  await inWorld(async (w) => {
    const db = await startProcess(w, "init").init(TEST_SCHEMA);
    await db.load({ mode: "Append", nodes: { Person: [{ name: "alice", age: 30 }] } });
    await db.branchCreate("feature");
    await db.mutate([insertPerson("bob", 40)], null, FEATURE);
    const merger = await startProcess(w, "merger").open();
    await failsAt(w, FP.BRANCH_MERGE_POST_PHASE_B_PRE_MANIFEST_COMMIT, () => merger.branchMerge("feature", "main"));
    const [key] = await sidecarKeys(w);
    const v = JSON.parse(await w.storage.objects.get(key!)) as { schema_version: number; tables: Record<string, unknown>[] };
    v.schema_version = 1;
    for (const t of v.tables) delete t.confirmed_version;
    await w.storage.objects.put(key!, JSON.stringify(v, null, 2));
    const reopened = await startProcess(w, "reopen").open();
    expect(await personNames(reopened)).toEqual(["alice", "bob"]);
  });
});

/** Two branches off main, each writing Person; the merge target owns its Person fork. */
async function nonMainMergeSetup(w: World) {
  const db = await startProcess(w, "init").init(TEST_SCHEMA);
  await db.load({ mode: "Append", nodes: { Person: [{ name: "alice", age: 30 }] } });
  await db.branchCreate("target_branch");
  await db.mutate([insertPerson("Bob", 40)], null, { branch: "target_branch" });
  await db.branchCreate("source_branch");
  await db.mutate([insertPerson("Carol", 50)], null, { branch: "source_branch" });
  return db;
}

// Mirrors failpoints.rs::branch_merge_phase_b_failure_recovered_on_non_main_target.
test("a merge into a branch failing after Phase B is rolled forward on that branch; main is untouched", async () => {
  await inWorld(async (w) => {
    await nonMainMergeSetup(w);
    const mainPin = (await branchManifest(w, null)).pinned(PERSON);
    const parent = (await commitGraph(w, "target_branch")).head!.id;
    const merger = await startProcess(w, "merger").open();
    await failsAt(w, FP.BRANCH_MERGE_POST_PHASE_B_PRE_MANIFEST_COMMIT, () => merger.branchMerge("source_branch", "target_branch"));
    const sidecar = await onlySidecar(w);
    await startProcess(w, "reopen").open();
    expect(await sidecarKeys(w)).toEqual([]);
    const audit = (await auditRows(w)).filter((r) => r.operation_id === sidecar.operation_id);
    expect(audit.map((r) => r.recovery_kind)).toEqual(["RolledForward"]);
    const target = (await branchManifest(w, "target_branch")).entry(PERSON)!;
    expect(target.branch).toBe("target_branch");
    expect(await w.storage.datasets.latestVersion(PERSON_PATH, "target_branch")).toBe(target.version);
    expect(audit[0]!.outcomes.find((o) => o.table_key === PERSON)?.to_version).toBe(target.version);
    expect((await branchManifest(w, null)).pinned(PERSON)).toBe(mainPin);
    const recovery = (await commitGraph(w, "target_branch")).head!;
    expect(recovery.parent).toBe(parent);
    expect(recovery.mergedParent).not.toBeNull();
  });
});

// Mirrors failpoints.rs::branch_merge_sidecar_pins_table_branch_to_active_branch.
test("a merge's sidecar pins each table on the merge target branch, where its commits land", async () => {
  await inWorld(async (w) => {
    await nonMainMergeSetup(w);
    const merger = await startProcess(w, "merger").open();
    await failsAt(w, FP.BRANCH_MERGE_POST_PHASE_B_PRE_MANIFEST_COMMIT, () => merger.branchMerge("source_branch", "target_branch"));
    const [key] = await sidecarKeys(w);
    const sidecar = parseSidecar(key!, await w.storage.objects.get(key!));
    expect(sidecar.tables.length).toBeGreaterThan(0);
    for (const pin of sidecar.tables) expect(pin.table_branch).toBe("target_branch");
  });
});

// Mirrors failpoints.rs::recovery_rolls_forward_load_on_feature_branch.
test("a load on a branch failing before its publish is rolled forward on the branch by the next open", async () => {
  await inWorld(async (w) => {
    const db = await startProcess(w, "init").init(TEST_SCHEMA);
    await db.branchCreate("feature");
    await db.mutate([insertPerson("BeforeLoad", 40)], null, FEATURE);
    const mainPin = (await branchManifest(w, null)).pinned(PERSON);
    const parent = (await commitGraph(w, "feature")).head!.id;
    await failsAt(w, FP.MUTATION_POST_FINALIZE_PRE_PUBLISHER, () => db.load({ mode: "Append", nodes: { Person: [{ name: "FeatureLoad", age: 41 }] } }, null, FEATURE));
    const sidecar = await onlySidecar(w);
    const reopened = await startProcess(w, "reopen").open();
    expect(await countRowsBranch(reopened, "feature", PERSON)).toBe(2);
    expect(await countRows(w, PERSON)).toBe(0);
    expect(await sidecarKeys(w)).toEqual([]);
    expect((await auditRows(w)).filter((r) => r.operation_id === sidecar.operation_id).map((r) => r.recovery_kind)).toEqual(["RolledForward"]);
    const entry = (await branchManifest(w, "feature")).entry(PERSON)!;
    expect(await w.storage.datasets.latestVersion(PERSON_PATH, "feature")).toBe(entry.version);
    expect((await branchManifest(w, null)).pinned(PERSON)).toBe(mainPin);
    expect((await commitGraph(w, "feature")).head!.parent).toBe(parent);
    await reopened.mutate([insertPerson("AfterLoad", 42)], null, FEATURE);
    expect(await countRowsBranch(reopened, "feature", PERSON)).toBe(3);
    expect(await countRows(w, PERSON)).toBe(0);
  });
});

/** A sidecar pinned to `feature`, then the branch deleted: the next write discards it. */
async function orphanedBranchSidecar(w: World, operationId: string) {
  const db = await startProcess(w, "init").init(TEST_SCHEMA);
  await db.load({ mode: "Merge", nodes: { Person: [{ name: "Alice", age: 30 }] } });
  await db.branchCreate("feature");
  await db.mutate([insertPerson("Eve", 22)], null, FEATURE);
  await plantBranchSidecar(w, { operationId, branch: "feature", tableKey: PERSON, expected: 999, post: 1000, tableBranch: "feature" });
  await db.branchDelete("feature");
  return db;
}

const BOB = { mode: "Merge" as const, nodes: { Person: [{ name: "Bob", age: 25 }] } };

// Mirrors failpoints.rs::orphaned_branch_discard_is_idempotent_across_delete_failure.
test("an orphaned-branch discard whose delete fails audits once across the retry", async () => {
  await inWorld(async (w) => {
    const db = await orphanedBranchSidecar(w, "01H000000000000000000000ID");
    await failsAt(w, FP.RECOVERY_SIDECAR_DELETE, () => db.load(BOB));
    expect(await sidecarKeys(w)).toHaveLength(1);
    await db.load(BOB);
    expect(await sidecarKeys(w)).toEqual([]);
    expect((await auditRows(w)).filter((r) => r.recovery_kind === "OrphanedBranchDiscarded")).toHaveLength(1);
  });
});

// Mirrors failpoints.rs::orphaned_branch_discard_converges_across_audit_append_failure.
test("an orphaned-branch discard whose audit append fails keeps the sidecar, and the retry audits once", async () => {
  await inWorld(async (w) => {
    const db = await orphanedBranchSidecar(w, "01H000000000000000000000AF");
    await failsAt(w, FP.RECOVERY_ORPHAN_DISCARD_AUDIT_APPEND, () => db.load(BOB));
    expect(await sidecarKeys(w)).toHaveLength(1);
    expect((await auditRows(w)).filter((r) => r.recovery_kind === "OrphanedBranchDiscarded")).toHaveLength(0);
    await db.load(BOB);
    expect(await sidecarKeys(w)).toEqual([]);
    expect((await auditRows(w)).filter((r) => r.recovery_kind === "OrphanedBranchDiscarded")).toHaveLength(1);
  });
});

// Upstream tests/branching.rs: graph branches (create, list, lazy forks, delete), reads and
// writes on a named branch, and branch merges (fast-forward and three-way, the merge commit's
// two parents, the merged graph's constraints). Queries are table reads; `get_person`,
// `friends_of` and the fixture schemas are tests/engine/upstream.ts's.
import { expect, test } from "vitest";
import { tablePathForTableKey } from "../../engine/schema/catalog.ts";
import { inWorld } from "./helpers.ts";
import { commitGraph, countRowsBranch, mergeConflictsOf, personOn } from "./branch-support.ts";
import { commitActors, countRows, friendsOf, getPerson, initAndLoadTest, insertPerson, setAge, addFriend } from "./upstream.ts";
import { KNOWS, pin, startProcess } from "./support.ts";

const FEATURE = { branch: "feature" } as const;

// Mirrors branching.rs::branch_create_open_list_and_lazy_branching_work.
test("a branch lists, reads main's tables, and forks only the table its first write touches", async () => {
  await inWorld(async (w) => {
    const main = await initAndLoadTest(w);
    await main.branchCreate("feature");
    expect(await main.branchList()).toEqual(["main", "feature"]);
    const feature = await startProcess(w, "feature").open();
    expect(await countRowsBranch(feature, "feature", "node:Person")).toBe(4);
    expect((await feature.snapshotOf("feature")).entry("node:Person")!.branch).toBeNull();
    await feature.mutate([insertPerson("Eve", 22)], null, FEATURE);
    const snap = await feature.snapshotOf("feature");
    expect(snap.entry("node:Person")!.branch).toBe("feature");
    expect(snap.entry("edge:Knows")!.branch).toBeNull();
    const reopened = await startProcess(w, "main2").open();
    expect(await countRows(w, "node:Person")).toBe(4);
    expect((await reopened.read("node", "Person")).length).toBe(4);
  });
});

// Mirrors branching.rs::explicit_target_query_reads_multiple_branches_from_one_handle.
test("one handle reads main and a branch, each as its manifest publishes it", async () => {
  await inWorld(async (w) => {
    const db = await initAndLoadTest(w);
    await db.branchCreate("feature");
    await db.mutate([insertPerson("Eve", 22)], null, FEATURE);
    expect(await personOn(db, "main", "Eve")).toHaveLength(0);
    expect(await personOn(db, "feature", "Eve")).toHaveLength(1);
  });
});

// Mirrors branching.rs::explicit_target_load_writes_to_named_branch.
test("a load on a named branch lands there and not on main", async () => {
  await inWorld(async (w) => {
    const db = await initAndLoadTest(w);
    await db.branchCreate("feature");
    await db.load({ mode: "Append", nodes: { Person: [{ name: "Eve", age: 22 }] } }, null, FEATURE);
    expect(await personOn(db, "main", "Eve")).toHaveLength(0);
    expect(await personOn(db, "feature", "Eve")).toHaveLength(1);
  });
});

// Mirrors branching.rs::branch_merge_updates_main_traversal.
test("a fast-forward merge brings a branch's new edge to main", async () => {
  await inWorld(async (w) => {
    const main = await initAndLoadTest(w);
    await main.branchCreate("feature");
    const feature = await startProcess(w, "feature").open();
    await feature.mutate([addFriend("Alice", "Diana")], null, FEATURE);
    expect((await feature.read("edge", "Knows", "feature")).filter((r) => r.src === "Alice")).toHaveLength(3);
    expect(await friendsOf(main, "Alice")).toHaveLength(2);
    expect(await main.branchMerge("feature", "main")).toBe("FastForward");
    expect(await friendsOf(main, "Alice")).toHaveLength(3);
  });
});

// Mirrors branching.rs::branch_merge_applies_node_insert_to_main.
test("a merge run from the branch's own handle publishes the insert on main", async () => {
  await inWorld(async (w) => {
    const main = await initAndLoadTest(w);
    await main.branchCreate("feature");
    const feature = await startProcess(w, "feature").open();
    await feature.mutate([insertPerson("Eve", 22)], null, FEATURE);
    expect(await feature.branchMerge("feature", "main")).toBe("FastForward");
    const reopened = await startProcess(w, "reopened").open();
    expect(await getPerson(reopened, "Eve")).toHaveLength(1);
    expect(main).toBeDefined();
  });
});

// Mirrors branching.rs::branch_merge_records_single_latest_commit_with_two_parents.
test("a merge records one commit, parented on the target's head and the source's", async () => {
  await inWorld(async (w) => {
    const main = await initAndLoadTest(w);
    await main.branchCreate("feature");
    const feature = await startProcess(w, "feature").open();
    await feature.mutate([insertPerson("Eve", 22)], null, FEATURE);
    const sourceBefore = (await commitGraph(w, "feature")).head!;
    const targetBefore = (await commitGraph(w)).head!;
    expect(await main.branchMerge("feature", "main")).toBe("FastForward");
    const graph = await commitGraph(w);
    const commits = [...graph.commits.values()];
    const latest = Math.max(...commits.map((c) => c.manifestVersion));
    expect(commits.filter((c) => c.manifestVersion === latest)).toHaveLength(1);
    expect(graph.head!.manifestVersion).toBe(latest);
    expect(graph.head!.parent).toBe(targetBefore.id);
    expect(graph.head!.mergedParent).toBe(sourceBefore.id);
  });
});

// Mirrors branching.rs::same_branch_insert_after_external_commit_is_linear.
test("a stale handle's insert after an external commit parents its commit on the true head", async () => {
  await inWorld(async (w) => {
    const a = await initAndLoadTest(w);
    const c0 = (await commitGraph(w)).head!;
    const b = await startProcess(w, "b").open();
    await b.mutate([insertPerson("ext_b", 30)]);
    const c1 = (await commitGraph(w)).head!;
    expect(c1.parent).toBe(c0.id);
    await a.mutate([insertPerson("local_a", 40)]);
    const commits = [...(await commitGraph(w)).commits.values()];
    const latest = commits.reduce((x, y) => (y.manifestVersion > x.manifestVersion ? y : x));
    expect(latest.parent).toBe(c1.id);
    expect(commits.filter((c) => c.parent === c0.id)).toHaveLength(1);
  });
});

// Mirrors branching.rs::same_branch_update_after_external_commit_and_read_is_linear.
test("a strict update after an external commit and a read parents its commit on the true head", async () => {
  await inWorld(async (w) => {
    const a = await initAndLoadTest(w);
    await a.mutate([insertPerson("target", 40)]);
    const ca = (await commitGraph(w)).head!;
    const b = await startProcess(w, "b").open();
    await b.mutate([insertPerson("ext_b", 30)]);
    const cb = (await commitGraph(w)).head!;
    expect(cb.parent).toBe(ca.id);
    await a.read("node", "Person");
    await a.mutate([setAge("target", 99)]);
    const commits = [...(await commitGraph(w)).commits.values()];
    const latest = commits.reduce((x, y) => (y.manifestVersion > x.manifestVersion ? y : x));
    expect(latest.parent).toBe(cb.id);
    expect(commits.filter((c) => c.parent === ca.id)).toHaveLength(1);
  });
});

// Mirrors branching.rs::branch_merge_records_actor_on_latest_commit.
test("a merge's commit names the merging actor", async () => {
  await inWorld(async (w) => {
    const main = await initAndLoadTest(w);
    await main.branchCreate("feature");
    const feature = await startProcess(w, "feature").open();
    await feature.mutate([insertPerson("Eve", 22)], null, FEATURE);
    expect(await main.branchMerge("feature", "main", "act-ragnor")).toBe("FastForward");
    const head = (await commitGraph(w)).head!;
    expect((await commitActors(w)).get(head.id)).toBe("act-ragnor");
  });
});

// Mirrors branching.rs::already_up_to_date_branch_merge_returns_without_new_commit.
test("merging a branch with nothing new is AlreadyUpToDate and adds no commit", async () => {
  await inWorld(async (w) => {
    const main = await initAndLoadTest(w);
    await main.branchCreate("feature");
    const source = (await commitGraph(w, "feature")).head!;
    const target = (await commitGraph(w)).head!;
    expect(source.manifestVersion).toBe(target.manifestVersion);
    expect(await main.branchMerge("feature", "main")).toBe("AlreadyUpToDate");
    const head = (await commitGraph(w)).head!;
    expect(head.id).toBe(target.id);
    expect(head.id).toBe(source.id);
  });
});

// Mirrors branching.rs::branch_merge_returns_merged_for_non_fast_forward_auto_merge.
test("disjoint edits on both sides merge three ways (Merged), both kept", async () => {
  await inWorld(async (w) => {
    const main = await initAndLoadTest(w);
    await main.branchCreate("feature");
    const feature = await startProcess(w, "feature").open();
    await main.mutate([setAge("Bob", 26)]);
    await feature.mutate([insertPerson("Eve", 22)], null, FEATURE);
    expect(await main.branchMerge("feature", "main")).toBe("Merged");
    expect((await getPerson(main, "Bob"))[0]!.age).toBe(26);
    expect(await getPerson(main, "Eve")).toHaveLength(1);
  });
});

// Mirrors branching.rs::branch_merge_allows_identical_updates_on_both_sides.
test("the same update on both sides is no conflict", async () => {
  await inWorld(async (w) => {
    const main = await initAndLoadTest(w);
    await main.branchCreate("feature");
    const feature = await startProcess(w, "feature").open();
    await main.mutate([setAge("Alice", 31)]);
    await feature.mutate([setAge("Alice", 31)], null, FEATURE);
    expect(await main.branchMerge("feature", "main")).toBe("Merged");
    expect((await getPerson(main, "Alice"))[0]!.age).toBe(31);
  });
});

// Mirrors branching.rs::merged_rewritten_indexed_table_is_searchable_immediately.
test("a table rewritten by a three-way merge carries its declared indices at once (seed: built inline)", async () => {
  await inWorld(async (w) => {
    const main = await initAndLoadTest(w);
    await main.ensureIndices();
    await main.branchCreate("feature");
    const feature = await startProcess(w, "feature").open();
    await main.mutate([setAge("Bob", 26)]);
    await feature.mutate([insertPerson("Eve", 22)], null, FEATURE);
    expect(await main.branchMerge("feature", "main")).toBe("Merged");
    const entry = main.snapshot.entry("node:Person")!;
    const indices = (await w.storage.datasets.checkout(entry.path, entry.branch, entry.version)).indices;
    expect(indices).toEqual(expect.arrayContaining(["btree:id", "fts:name"]));
  });
});

// Mirrors branching.rs::explicit_target_reads_see_branch_local_writes_without_refresh.
test("another handle reads a branch's write at once; main's reader does not see it", async () => {
  await inWorld(async (w) => {
    const main = await initAndLoadTest(w);
    await main.branchCreate("feature");
    const writer = await startProcess(w, "writer").open();
    const reader = await startProcess(w, "reader").open();
    const mainReader = await startProcess(w, "main-reader").open();
    await writer.mutate([insertPerson("Eve", 22)], null, FEATURE);
    expect(await personOn(reader, "feature", "Eve")).toHaveLength(1);
    expect(await getPerson(mainReader, "Eve")).toHaveLength(0);
  });
});

// Mirrors branching.rs::branch_created_from_non_main_inherits_branch_state.
test("a branch of a branch inherits its state; main does not see it", async () => {
  await inWorld(async (w) => {
    const main = await initAndLoadTest(w);
    await main.branchCreate("feature");
    const feature = await startProcess(w, "feature").open();
    await feature.mutate([insertPerson("Eve", 22)], null, FEATURE);
    await feature.branchCreateFrom("feature", "experiment");
    expect(await feature.branchList()).toEqual(["main", "experiment", "feature"]);
    const experiment = await startProcess(w, "experiment").open();
    expect(await personOn(experiment, "experiment", "Eve")).toHaveLength(1);
    const reopened = await startProcess(w, "reopened").open();
    expect(await getPerson(reopened, "Eve")).toHaveLength(0);
  });
});

// Mirrors branching.rs::branch_edge_only_write_only_branches_edge_table.
test("an edge-only write forks only the edge table", async () => {
  await inWorld(async (w) => {
    const main = await initAndLoadTest(w);
    await main.branchCreate("feature");
    const feature = await startProcess(w, "feature").open();
    await feature.mutate([addFriend("Alice", "Diana")], null, FEATURE);
    const snap = await feature.snapshotOf("feature");
    expect(snap.entry("node:Person")!.branch).toBeNull();
    expect(snap.entry("edge:Knows")!.branch).toBe("feature");
    expect(snap.entry("edge:WorksAt")!.branch).toBeNull();
    expect((await feature.read("edge", "Knows", "feature")).filter((r) => r.src === "Alice")).toHaveLength(3);
    const reopened = await startProcess(w, "reopened").open();
    expect(await friendsOf(reopened, "Alice")).toHaveLength(2);
  });
});

// Mirrors branching.rs::branch_merge_into_non_main_target_works.
test("a fast-forward into a branch that owns the table applies the delta on its own fork", async () => {
  await inWorld(async (w) => {
    const main = await initAndLoadTest(w);
    await main.branchCreate("feature");
    const feature = await startProcess(w, "feature").open();
    await feature.mutate([insertPerson("Eve", 22)], null, FEATURE);
    await feature.branchCreateFrom("feature", "experiment");
    await feature.mutate([setAge("Bob", 26)], null, FEATURE);
    expect(await main.branchMerge("feature", "experiment")).toBe("FastForward");
    const experiment = await startProcess(w, "experiment").open();
    expect((await personOn(experiment, "experiment", "Bob"))[0]!.age).toBe(26);
    expect(await personOn(experiment, "experiment", "Eve")).toHaveLength(1);
    expect((await experiment.snapshotOf("experiment")).entry("node:Person")!.branch).toBe("experiment");
    const reopened = await startProcess(w, "reopened").open();
    expect((await getPerson(reopened, "Bob"))[0]!.age).toBe(25);
  });
});

const UNIQUE_SCHEMA = `
node User {
    name: String @key
    email: String?
    @unique(email)
}
`;

const EDGE_UNIQUE_SCHEMA = `
node Person {
    name: String @key
}

edge Knows: Person -> Person {
    @unique(src, dst)
}
`;

const CARDINALITY_SCHEMA = `
node Person {
    name: String @key
}

node Company {
    name: String @key
}

edge WorksAt: Person -> Company @card(0..1)
`;

// Mirrors branching.rs::branch_merge_reports_unique_violation_conflict.
test("one @unique value inserted on both sides is a UniqueViolation merge conflict", async () => {
  await inWorld(async (w) => {
    const main = await startProcess(w, "init").init(UNIQUE_SCHEMA);
    await main.load({ mode: "Overwrite", nodes: { User: [{ name: "Alice", email: "alice@example.com" }] } });
    await main.branchCreate("feature");
    const feature = await startProcess(w, "feature").open();
    await main.mutate([{ kind: "insertNode", type: "User", props: { name: "Bob", email: "dup@example.com" } }]);
    await feature.mutate([{ kind: "insertNode", type: "User", props: { name: "Carol", email: "dup@example.com" } }], null, FEATURE);
    const conflicts = await mergeConflictsOf(main.branchMerge("feature", "main"));
    expect(conflicts.some((c) => c.tableKey === "node:User" && c.kind === "UniqueViolation")).toBe(true);
  });
});

async function edgeUniqueGraph(w: Parameters<Parameters<typeof inWorld>[0]>[0]) {
  const main = await startProcess(w, "init").init(EDGE_UNIQUE_SCHEMA);
  await main.load({ mode: "Overwrite", nodes: { Person: [{ name: "Alice" }, { name: "Bob" }, { name: "Carol" }] } });
  await main.branchCreate("feature");
  return { main, feature: await startProcess(w, "feature").open() };
}

// Mirrors branching.rs::branch_merge_reports_composite_unique_violation_conflict.
test("the same (src, dst) on both sides breaks an edge's composite @unique: a merge conflict", async () => {
  await inWorld(async (w) => {
    const { main, feature } = await edgeUniqueGraph(w);
    await main.mutate([addFriend("Alice", "Bob")]);
    await feature.mutate([addFriend("Alice", "Bob")], null, FEATURE);
    const conflicts = await mergeConflictsOf(main.branchMerge("feature", "main"));
    expect(conflicts.some((c) => c.tableKey === "edge:Knows" && c.kind === "UniqueViolation")).toBe(true);
  });
});

// Mirrors branching.rs::branch_merge_allows_distinct_composite_unique_pairs.
test("pairs sharing src but not dst are unique on the composite and merge cleanly", async () => {
  await inWorld(async (w) => {
    const { main, feature } = await edgeUniqueGraph(w);
    await main.mutate([addFriend("Alice", "Bob")]);
    await feature.mutate([addFriend("Alice", "Carol")], null, FEATURE);
    await main.branchMerge("feature", "main");
    expect(await countRows(w, KNOWS)).toBe(2);
  });
});

// Mirrors branching.rs::branch_merge_reports_cardinality_violation_conflict.
test("a second WorksAt edge per source across the two sides breaks @card(0..1): a merge conflict", async () => {
  await inWorld(async (w) => {
    const main = await startProcess(w, "init").init(CARDINALITY_SCHEMA);
    await main.load({ mode: "Overwrite", nodes: { Person: [{ name: "Alice" }], Company: [{ name: "Acme" }, { name: "Beta" }] } });
    await main.branchCreate("feature");
    const feature = await startProcess(w, "feature").open();
    await main.mutate([{ kind: "insertEdge", type: "WorksAt", from: "Alice", to: "Acme" }]);
    await feature.mutate([{ kind: "insertEdge", type: "WorksAt", from: "Alice", to: "Beta" }], null, FEATURE);
    const conflicts = await mergeConflictsOf(main.branchMerge("feature", "main"));
    expect(conflicts.some((c) => c.tableKey === "edge:WorksAt" && c.kind === "CardinalityViolation")).toBe(true);
  });
});

// Mirrors branching.rs::branch_api_rejects_reserved_main_and_same_source_target_merge.
test("main cannot be created or deleted, a merge needs two branches, and a handle's active branch cannot be deleted", async () => {
  await inWorld(async (w) => {
    const db = await initAndLoadTest(w);
    await expect(db.branchCreate("main")).rejects.toThrow("cannot create branch 'main'");
    await expect(db.branchDelete("main")).rejects.toThrow("cannot delete branch 'main'");
    await expect(db.branchMerge("main", "main")).rejects.toThrow("distinct source and target");
    await db.branchCreate("feature");
    await db.syncBranch("feature");
    await expect(db.branchDelete("feature")).rejects.toThrow("currently active branch");
  });
});

// Mirrors branching.rs::branch_delete_removes_owned_table_branches_and_allows_recreate.
test("deleting a branch reclaims its forks; a branch of the same name can be made and written again", async () => {
  await inWorld(async (w) => {
    const main = await initAndLoadTest(w);
    await main.branchCreate("feature");
    const feature = await startProcess(w, "feature").open();
    await feature.mutate([insertPerson("Eve", 22)], null, FEATURE);
    await main.branchDelete("feature");
    expect(await main.branchList()).toEqual(["main"]);
    expect(await w.storage.datasets.listBranches(tablePathForTableKey("node:Person"))).toEqual([]);
    await main.branchCreate("feature");
    await main.mutate([insertPerson("Frank", 41)], null, FEATURE);
    expect(await countRowsBranch(main, "feature", "node:Person")).toBe(5);
  });
});

// Mirrors branching.rs::branch_delete_rejects_branches_still_referenced_by_descendants.
test("a branch another branch was made from cannot be deleted", async () => {
  await inWorld(async (w) => {
    const main = await initAndLoadTest(w);
    await main.branchCreate("feature");
    const feature = await startProcess(w, "feature").open();
    await feature.mutate([insertPerson("Eve", 22)], null, FEATURE);
    await feature.branchCreateFrom("feature", "experiment");
    await expect(main.branchDelete("feature")).rejects.toThrow("still depends on it");
  });
});

// Mirrors branching.rs::edge_tables_have_id_btree_after_ensure_indices.
test("after ensureIndices an edge table carries at least the id, src and dst indices", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    await g.ensureIndices();
    const indices = (await w.storage.datasets.checkout(tablePathForTableKey(KNOWS), null, await pin(w, KNOWS))).indices;
    expect(indices.length).toBeGreaterThanOrEqual(3);
    expect(indices).toEqual(expect.arrayContaining(["btree:id", "btree:src", "btree:dst"]));
  });
});

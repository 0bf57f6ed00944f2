// Upstream tests/writes.rs: the direct-publish write path. Mutations and loads write straight to
// their tables and publish once; failed ones leave the target unchanged and unblock the next.
import { expect, test } from "vitest";
import { GRAPH_COMMITS } from "../../engine/manifest/layout.ts";
import type { DatasetPath } from "../../engine/storage/types.ts";
import { inWorld } from "./helpers.ts";
import { COMPANY, KNOWS, PERSON, pinsAndHeads, rejects, startProcess, WORKS_AT } from "./support.ts";
import {
  addFriend,
  ageOf,
  branchList,
  countRows,
  friendsOf,
  getPerson,
  headCommit,
  initAndLoadTest,
  insertPerson,
  jsonl,
  removePerson,
  setAge,
  TEST_SCHEMA,
  versionMain,
} from "./upstream.ts";
import { TEST_DATA } from "./scripts.ts";

const GRAPH_RUNS = "_graph_runs.lance" as DatasetPath;

const CARD_SCHEMA = `
node Person {
    name: String @key
    age: I32?
}
node Company {
    name: String @key
}
edge WorksAt: Person -> Company @card(0..1)
`;

// Mirrors writes.rs::load_does_not_create_run_branch.
test("a load writes straight to main: no run branch, no _graph_runs table", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(TEST_SCHEMA);
    await g.load({ ...TEST_DATA, mode: "Overwrite" });
    expect(await branchList(w)).toEqual(["main"]);
    expect(await w.storage.datasets.exists(GRAPH_RUNS)).toBe(false);
    expect(await getPerson(g, "Alice")).toHaveLength(1);
  });
});

// Mirrors writes.rs::mutation_does_not_create_run_branch.
test("a mutation writes straight to main: no run branch, no _graph_runs table", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    const result = await g.mutate([insertPerson("Eve", 22)]);
    expect(result.affectedNodes).toBe(1);
    expect(await branchList(w)).toEqual(["main"]);
    expect(await w.storage.datasets.exists(GRAPH_RUNS)).toBe(false);
  });
});

// Mirrors writes.rs::failed_mutation_leaves_target_unchanged.
test("a mutation failing on a missing endpoint leaves the target unchanged", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    await rejects(g.mutate([addFriend("Alice", "Missing")]), "MissingEndpoint", { edge: "Knows", role: "dst", nodeType: "Person", id: "Missing" });
    expect(await friendsOf(g, "Alice")).toEqual(["Bob", "Charlie"]);
    expect(await branchList(w)).toEqual(["main"]);
  });
});

// Mirrors writes.rs::multi_statement_mutation_is_atomic_with_read_your_writes.
test("insert a person and an edge to it in one mutation: both land in one publish", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    const before = await versionMain(w);
    const result = await g.mutate([insertPerson("Eve", 22), addFriend("Eve", "Alice")]);
    expect(result).toEqual({ affectedNodes: 1, affectedEdges: 1 });
    expect(await getPerson(g, "Eve")).toHaveLength(1);
    expect(await friendsOf(g, "Eve")).toEqual(["Alice"]);
    expect(await versionMain(w)).toBe(before + 1);
  });
});

// Mirrors writes.rs::partial_failure_leaves_target_queryable_and_unblocks_next_mutation.
test("op 2 failing after op 1 staged an insert: nothing visible, no drift, the next insert succeeds", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    const before = await pinsAndHeads(w, PERSON, KNOWS);
    await rejects(g.mutate([insertPerson("Eve", 22), addFriend("Eve", "Missing")]), "MissingEndpoint");
    expect(await getPerson(g, "Eve")).toEqual([]);
    expect(await pinsAndHeads(w, PERSON, KNOWS)).toEqual(before);
    const result = await g.mutate([insertPerson("Frank", 33)]);
    expect(result.affectedNodes).toBe(1);
    expect(await getPerson(g, "Frank")).toHaveLength(1);
  });
});

// Mirrors writes.rs::stale_non_strict_insert_rebases_to_live_manifest_pin.
test("a stale handle's insert rebases onto the live pin: both writers' rows are visible", async () => {
  await inWorld(async (w) => {
    await initAndLoadTest(w);
    const b = await startProcess(w, "b").open();
    const a = await startProcess(w, "a").open();
    await a.mutate([insertPerson("WriterA", 41)]);
    await b.mutate([insertPerson("WriterB", 42)]);
    for (const name of ["WriterA", "WriterB"]) expect(await getPerson(b, name), name).toHaveLength(1);
  });
});

// Mirrors writes.rs::mutation_actor_id_lands_in_commit_graph.
test("the actor of a mutation lands on the head commit of the commit graph", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    await g.mutate([setAge("Alice", 31)], "act-andrew");
    expect((await headCommit(w))?.actor).toBe("act-andrew");
    expect(await w.storage.datasets.exists(GRAPH_COMMITS)).toBe(true);
  });
});

// Mirrors writes.rs::repeated_loads_do_not_accumulate_branches.
test("ten sequential loads leave only main", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(TEST_SCHEMA);
    for (let i = 0; i < 10; i++) await g.load(jsonl("Append", { nodes: { Person: [{ name: `p${i}`, age: i }] } }));
    expect(await branchList(w)).toEqual(["main"]);
    expect(await countRows(w, PERSON)).toBe(10);
  });
});

// Mirrors writes.rs::mutation_rejects_mixed_insert_and_delete_at_parse_time.
test("a mutation mixing an insert and a delete is rejected before any write", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    const before = { rows: await countRows(w, PERSON), heads: await pinsAndHeads(w, PERSON) };
    await rejects(g.mutate([insertPerson("Eve", 22), removePerson("Alice")]), "MixedDestructiveConstructive");
    expect({ rows: await countRows(w, PERSON), heads: await pinsAndHeads(w, PERSON) }).toEqual(before);
    expect(await branchList(w)).toEqual(["main"]);
  });
});

// Mirrors writes.rs::mixed_insert_and_update_on_same_person_coalesces_to_one_merge.
test("insert then update of one person in one mutation: the update's value, one publish", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    const before = await versionMain(w);
    const result = await g.mutate([insertPerson("Yves", 10), setAge("Yves", 99)]);
    expect(result.affectedNodes).toBe(2);
    expect(await ageOf(g, "Yves")).toBe(99);
    expect(await getPerson(g, "Yves")).toHaveLength(1);
    expect(await versionMain(w)).toBe(before + 1);
  });
});

// Mirrors writes.rs::multiple_appends_to_same_edge_coalesce_to_one_append.
test("two edge inserts into one table in one mutation: both land, one publish", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    await g.mutate([insertPerson("Eve", 22)]);
    const edges = await countRows(w, KNOWS);
    const before = await versionMain(w);
    const result = await g.mutate([addFriend("Alice", "Bob"), addFriend("Alice", "Eve")]);
    expect(result.affectedEdges).toBe(2);
    expect(await countRows(w, KNOWS)).toBe(edges + 2);
    expect(await versionMain(w)).toBe(before + 1);
  });
});

// Mirrors writes.rs::multi_statement_inserts_publish_exactly_once.
test("two node inserts in one mutation publish once", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    const before = await versionMain(w);
    await g.mutate([insertPerson("Owen", 50), insertPerson("Pat", 51)]);
    expect(await versionMain(w)).toBe(before + 1);
    expect(await getPerson(g, "Owen")).toHaveLength(1);
    expect(await getPerson(g, "Pat")).toHaveLength(1);
  });
});

const MALLORY_TO_GHOST = { nodes: { Person: [{ name: "Mallory", age: 5 }] }, edges: { Knows: [{ from: "Mallory", to: "Ghost" }] } };

// Mirrors writes.rs::load_with_bad_edge_reference_unblocks_next_load.
test("an Append load with a dangling edge fails, changes nothing, and the next load succeeds", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    const before = [await countRows(w, PERSON), await countRows(w, KNOWS)];
    await rejects(g.load(jsonl("Append", MALLORY_TO_GHOST)), "MissingEndpoint", { edge: "Knows", role: "dst", nodeType: "Person", id: "Ghost" });
    expect([await countRows(w, PERSON), await countRows(w, KNOWS)]).toEqual(before);
    await g.load(jsonl("Append", { nodes: { Person: [{ name: "Pat", age: 55 }] } }));
    expect(await countRows(w, PERSON)).toBe(before[0]! + 1);
  });
});

// Mirrors writes.rs::load_overwrite_with_bad_edge_reference_unblocks_next_load.
test("an Overwrite load with a dangling edge fails before committing; the next Overwrite succeeds", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    const before = [await countRows(w, PERSON), await countRows(w, KNOWS)];
    await rejects(g.load(jsonl("Overwrite", MALLORY_TO_GHOST)), "MissingEndpoint");
    expect([await countRows(w, PERSON), await countRows(w, KNOWS)]).toEqual(before);
    await g.load(jsonl("Overwrite", { nodes: { Person: [{ name: "Pat", age: 55 }, { name: "Quinn", age: 56 }] }, edges: { Knows: [{ from: "Pat", to: "Quinn" }] } }));
    expect([await countRows(w, PERSON), await countRows(w, KNOWS)]).toEqual([2, 1]);
  });
});

const ALICE_TWO_COMPANIES = { edges: { WorksAt: [{ from: "Alice", to: "Acme" }, { from: "Alice", to: "Bigco" }] } };
const ALICE_ACME_BIGCO = { nodes: { Person: [{ name: "Alice", age: 30 }], Company: [{ name: "Acme" }, { name: "Bigco" }] } };

// Mirrors writes.rs::load_with_cardinality_violation_unblocks_next_load.
test("an Append load over @card fails, changes nothing, and the next load succeeds", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(CARD_SCHEMA);
    await g.load(jsonl("Overwrite", ALICE_ACME_BIGCO));
    const before = await countRows(w, WORKS_AT);
    await rejects(g.load(jsonl("Append", ALICE_TWO_COMPANIES)), "CardinalityViolation", { edge: "WorksAt", source: "Alice", count: 2, min: 0, max: 1 });
    expect(await countRows(w, WORKS_AT)).toBe(before);
    await g.load(jsonl("Append", { edges: { WorksAt: [{ from: "Alice", to: "Acme" }] } }));
    expect(await countRows(w, WORKS_AT)).toBe(before + 1);
  });
});

// Mirrors writes.rs::load_overwrite_with_cardinality_violation_unblocks_next_load.
test("an Overwrite load over @card fails before committing; the next Overwrite succeeds", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(CARD_SCHEMA);
    await g.load(jsonl("Overwrite", ALICE_ACME_BIGCO));
    const before = await countRows(w, WORKS_AT);
    await rejects(g.load(jsonl("Overwrite", ALICE_TWO_COMPANIES)), "CardinalityViolation");
    expect(await countRows(w, WORKS_AT)).toBe(before);
    await g.load(jsonl("Overwrite", { edges: { WorksAt: [{ from: "Alice", to: "Acme" }] } }));
    expect(await countRows(w, WORKS_AT)).toBe(1);
    expect(await countRows(w, COMPANY)).toBe(2);
  });
});

// Mirrors writes.rs::chained_updates_with_overlapping_predicate_respects_intermediate_value.
// Upstream's second update selects `age > 50`; the model's predicates are equalities, so it
// selects `age = 99`, a value only op 1's pending row has: op 2 must read op 1's write.
test("a second update selecting by the first update's pending value sees it; one publish", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    const before = await versionMain(w);
    await g.mutate([setAge("Alice", 99), { kind: "updateNode", type: "Person", where: [{ column: "age", equals: 99 }], set: { age: 10 } }]);
    expect(await ageOf(g, "Alice")).toBe(10);
    expect(await versionMain(w)).toBe(before + 1);
  });
});

// Mirrors writes.rs::multi_statement_delete_on_same_node_table.
test("two deletes on one node table in one mutation: both land, one publish", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    const rows = await countRows(w, PERSON);
    const before = await versionMain(w);
    await g.mutate([removePerson("Alice"), removePerson("Bob")]);
    expect(await countRows(w, PERSON)).toBe(rows - 2);
    expect(await versionMain(w)).toBe(before + 1);
    for (const name of ["Alice", "Bob"]) expect(await getPerson(g, name), name).toEqual([]);
  });
});

// Mirrors writes.rs::cascade_delete_node_then_explicit_delete_edge_on_same_table.
test("a cascade delete then an explicit delete on the same edge table both complete", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    expect(await countRows(w, KNOWS)).toBe(3);
    await g.mutate([removePerson("Alice"), { kind: "deleteEdge", type: "Knows", where: [{ column: "src", equals: "Bob" }] }]);
    expect(await countRows(w, KNOWS)).toBe(0);
  });
});

// Mirrors writes.rs::mutation_insert_edge_enforces_min_cardinality.
test("an edge insert leaving a source under @card(2..) is rejected", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(`
node Person {
    name: String @key
}
edge Knows: Person -> Person @card(2..)
`);
    await g.load(jsonl("Overwrite", { nodes: { Person: [{ name: "Alice" }, { name: "Bob" }] } }));
    await rejects(g.mutate([addFriend("Alice", "Bob")]), "CardinalityViolation", { edge: "Knows", source: "Alice", count: 1, min: 2, max: null });
  });
});

const WORKS_AT_SCHEMA = `
node Person {
    name: String @key
}
node Company {
    name: String @key
}
edge WorksAt: Person -> Company @card(0..1)
`;

// Mirrors writes.rs::load_merge_mode_dedupes_edge_for_cardinality_count.
test("a Merge load re-pointing a committed edge id counts it once for @card", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(WORKS_AT_SCHEMA);
    await g.load(jsonl("Overwrite", { nodes: { Person: [{ name: "Alice" }], Company: [{ name: "Acme" }, { name: "Bigco" }] }, edges: { WorksAt: [{ from: "Alice", to: "Acme", props: { id: "w1" } }] } }));
    await g.load(jsonl("Merge", { edges: { WorksAt: [{ from: "Alice", to: "Bigco", props: { id: "w1" } }] } }));
    expect(await countRows(w, WORKS_AT)).toBe(1);
  });
});

// Mirrors writes.rs::load_merge_mode_dedupes_within_pending_for_cardinality_count.
test("a Merge load with one edge id twice in its input counts it once for @card", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(WORKS_AT_SCHEMA);
    await g.load(jsonl("Overwrite", { nodes: { Person: [{ name: "Alice" }], Company: [{ name: "Acme" }, { name: "Bigco" }] } }));
    await g.load(jsonl("Merge", { edges: { WorksAt: [{ from: "Alice", to: "Acme", props: { id: "w1" } }, { from: "Alice", to: "Bigco", props: { id: "w1" } }] } }));
    expect(await countRows(w, WORKS_AT)).toBe(1);
  });
});

// Mirrors writes.rs::second_sequential_update_on_same_row_succeeds.
test("two sequential updates of one row: one row, the second value", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    await g.mutate([setAge("Alice", 99)]);
    expect(await getPerson(g, "Alice")).toHaveLength(1);
    await g.mutate([setAge("Alice", 42)]);
    expect(await ageOf(g, "Alice")).toBe(42);
  });
});

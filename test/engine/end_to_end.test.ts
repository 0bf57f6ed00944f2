// Upstream tests/end_to_end.rs, its single-writer write tests: init, load modes, node and edge
// ids, mutations (insert, upsert, update, delete with cascade), @card and dangling-edge
// rejection, ensureIndices and optimize in a full flow. Queries become table reads; the
// query, blob, vector, @range and @check tests are outside the model.
import { expect, test } from "vitest";
import { SCHEMA_SOURCE_FILE } from "../../engine/schema/contract.ts";
import { inWorld } from "./helpers.ts";
import { COMPANY, KNOWS, PERSON, published, publishedIds, rejects, startProcess, WORKS_AT } from "./support.ts";
import { addFriend, ageOf, countRows, friendsOf, getPerson, initAndLoadTest, insertPerson, jsonl, removeFriendship, removePerson, setAge, TEST_SCHEMA, versionMain } from "./upstream.ts";
import { TEST_DATA } from "./scripts.ts";

const CARD_SCHEMA = `
node Person { name: String @key }
node Company { name: String @key }
edge WorksAt: Person -> Company @card(0..1)
`;

// Mirrors end_to_end.rs::init_creates_schema_file_and_manifest.
test("init writes _schema.pg and the manifest; the catalog has two node and two edge types", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(TEST_SCHEMA);
    expect(await w.storage.objects.exists(SCHEMA_SOURCE_FILE)).toBe(true);
    expect(await w.storage.manifest.exists()).toBe(true);
    expect([g.handle.catalog.nodes.size, g.handle.catalog.edges.size]).toEqual([2, 2]);
  });
});

// Mirrors end_to_end.rs::open_restores_full_state.
test("reopening keeps the catalog and the manifest version", async () => {
  await inWorld(async (w) => {
    await initAndLoadTest(w);
    const v = await versionMain(w);
    const g = await startProcess(w, "reopen").open();
    expect([g.handle.catalog.nodes.size, g.handle.catalog.edges.size]).toEqual([2, 2]);
    expect(g.snapshot.version).toBeGreaterThanOrEqual(v);
  });
});

// Mirrors end_to_end.rs::load_populates_all_types.
test("the test data fills every table", async () => {
  await inWorld(async (w) => {
    await initAndLoadTest(w);
    expect([await countRows(w, PERSON), await countRows(w, COMPANY), await countRows(w, KNOWS), await countRows(w, WORKS_AT)]).toEqual([4, 2, 3, 2]);
  });
});

// Mirrors end_to_end.rs::node_ids_are_key_values.
test("a keyed node's id is its @key value", async () => {
  await inWorld(async (w) => {
    await initAndLoadTest(w);
    expect(await publishedIds(w, PERSON)).toEqual(["Alice", "Bob", "Charlie", "Diana"]);
  });
});

// Mirrors end_to_end.rs::node_properties_are_correct.
test("loaded properties are stored as given", async () => {
  await inWorld(async (w) => {
    await initAndLoadTest(w);
    expect((await published(w, PERSON, "age")).find((r) => r.id === "Alice")?.age).toBe(30);
  });
});

// Mirrors end_to_end.rs::entity_at_returns_typed_json_values.
// `entity_at` is a row read by id; the model's rows keep the typed values.
test("a row read by id keeps its Bool and I32 values typed", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init("node Flagged {\n    slug: String @key\n    active: Bool\n    rating: I32?\n}\n");
    await g.load(jsonl("Overwrite", { nodes: { Flagged: [{ slug: "alpha", active: true, rating: 42 }] } }));
    const alpha = (await g.read("node", "Flagged")).find((r) => r.id === "alpha");
    expect(alpha).toMatchObject({ id: "alpha", active: true, rating: 42 });
  });
});

// Mirrors end_to_end.rs::edge_src_dst_reference_node_ids.
test("edge src and dst are the endpoints' ids", async () => {
  await inWorld(async (w) => {
    await initAndLoadTest(w);
    const edges = (await published(w, KNOWS, "src", "dst")).map((r) => [r.src, r.dst]).sort();
    expect(edges).toEqual([
      ["Alice", "Bob"],
      ["Alice", "Charlie"],
      ["Bob", "Diana"],
    ]);
  });
});

// Mirrors end_to_end.rs::edge_ids_are_unique_strings.
test("edge ids are distinct non-empty strings", async () => {
  await inWorld(async (w) => {
    await initAndLoadTest(w);
    const ids = await publishedIds(w, KNOWS);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id.length > 0)).toBe(true);
  });
});

// Mirrors end_to_end.rs::overwrite_replaces_data.
test("an Overwrite load replaces the table's rows", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(TEST_SCHEMA);
    await g.load({ ...TEST_DATA, mode: "Overwrite" });
    await g.load(jsonl("Overwrite", { nodes: { Person: [{ name: "Zara", age: 40 }] } }));
    expect(await publishedIds(w, PERSON)).toEqual(["Zara"]);
  });
});

// Mirrors end_to_end.rs::append_adds_rows.
test("an Append load adds to the table's rows", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(TEST_SCHEMA);
    await g.load(jsonl("Overwrite", { nodes: { Person: [{ name: "Alice", age: 30 }] } }));
    await g.load(jsonl("Append", { nodes: { Person: [{ name: "Bob", age: 25 }] } }));
    expect(await countRows(w, PERSON)).toBe(2);
  });
});

// Mirrors end_to_end.rs::mutation_insert_node.
test("inserting Eve affects one node and she reads back", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    expect(await g.mutate([insertPerson("Eve", 22)])).toEqual({ affectedNodes: 1, affectedEdges: 0 });
    expect((await getPerson(g, "Eve")).map((r) => r.name)).toEqual(["Eve"]);
  });
});

// Mirrors end_to_end.rs::mutation_insert_edge.
test("inserting a Knows edge affects one edge and friends_of finds it", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    await g.mutate([insertPerson("Eve", 22)]);
    expect(await g.mutate([addFriend("Eve", "Alice")])).toEqual({ affectedNodes: 0, affectedEdges: 1 });
    expect(await friendsOf(g, "Eve")).toEqual(["Alice"]);
  });
});

// Mirrors end_to_end.rs::mutation_multi_insert_node_and_edge.
test("a node and an edge to it inserted in one mutation", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    expect(await g.mutate([insertPerson("Eve", 22), addFriend("Eve", "Alice")])).toEqual({ affectedNodes: 1, affectedEdges: 1 });
    expect(await friendsOf(g, "Eve")).toEqual(["Alice"]);
  });
});

// Mirrors end_to_end.rs::mutation_update_node.
test("updating Alice's age affects one node", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    expect(await g.mutate([setAge("Alice", 31)])).toEqual({ affectedNodes: 1, affectedEdges: 0 });
    expect(await getPerson(g, "Alice")).toHaveLength(1);
    expect(await ageOf(g, "Alice")).toBe(31);
  });
});

// Mirrors end_to_end.rs::mutation_delete_node_cascades_edges.
test("deleting Alice cascades to every edge that touches her", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    const result = await g.mutate([removePerson("Alice")]);
    expect(result.affectedNodes).toBe(1);
    expect(result.affectedEdges).toBeGreaterThanOrEqual(3);
    expect(await getPerson(g, "Alice")).toEqual([]);
    for (const t of [KNOWS, WORKS_AT]) {
      for (const e of await published(w, t, "src", "dst")) expect([e.src, e.dst], t).not.toContain("Alice");
    }
  });
});

// Mirrors end_to_end.rs::mutation_delete_edge.
test("deleting Alice's Knows edges removes both and keeps Alice", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    expect(await g.mutate([removeFriendship("Alice")])).toEqual({ affectedNodes: 0, affectedEdges: 2 });
    expect(await getPerson(g, "Alice")).toHaveLength(1);
    expect(await friendsOf(g, "Alice")).toEqual([]);
  });
});

// Mirrors end_to_end.rs::mutation_insert_duplicate_key_upserts.
test("inserting an existing key upserts it", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    expect((await g.mutate([insertPerson("Alice", 99)])).affectedNodes).toBe(1);
    expect(await getPerson(g, "Alice")).toHaveLength(1);
    expect(await ageOf(g, "Alice")).toBe(99);
  });
});

// Mirrors end_to_end.rs::mutation_update_key_property_rejected.
test("updating the @key property is rejected", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    const e = await rejects(g.mutate([{ kind: "updateNode", type: "Person", where: [{ column: "name", equals: "Alice" }], set: { name: "Bob" } }]), "InvalidRow");
    expect(e.message).toContain("@key");
  });
});

const ALICE_TWO_JOBS = jsonl("Overwrite", {
  nodes: { Person: [{ name: "Alice" }], Company: [{ name: "Acme" }, { name: "Globex" }] },
  edges: { WorksAt: [{ from: "Alice", to: "Acme" }, { from: "Alice", to: "Globex" }] },
});

// Mirrors end_to_end.rs::edge_cardinality_max_enforced.
test("a load giving Alice two WorksAt edges under @card(0..1) is rejected", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(CARD_SCHEMA);
    await rejects(g.load(ALICE_TWO_JOBS), "CardinalityViolation", { edge: "WorksAt", source: "Alice", count: 2, min: 0, max: 1 });
  });
});

// Mirrors end_to_end.rs::edge_cardinality_allows_within_bounds.
test("a load giving Alice one WorksAt edge under @card(0..1) lands", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(CARD_SCHEMA);
    await g.load(jsonl("Overwrite", { nodes: { Person: [{ name: "Alice" }], Company: [{ name: "Acme" }] }, edges: { WorksAt: [{ from: "Alice", to: "Acme" }] } }));
    expect(await countRows(w, WORKS_AT)).toBe(1);
  });
});

// Mirrors end_to_end.rs::append_mode_manifest_row_count_is_total.
test("after an Append load the manifest's row count is the table's total", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    await g.load(jsonl("Append", { nodes: { Person: [{ name: "Eve", age: 22 }] } }));
    const row = (await w.storage.manifest.load(null)).rows.find((r) => r.objectType === "table_version" && r.tableKey === PERSON && r.tableVersion === g.snapshot.pinned(PERSON));
    expect(row?.rowCount).toBe(5);
    expect(await countRows(w, PERSON)).toBe(5);
  });
});

// Mirrors end_to_end.rs::cardinality_violation_does_not_commit_manifest.
test("a load rejected for @card leaves the manifest version alone", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(CARD_SCHEMA);
    const before = await versionMain(w);
    await rejects(g.load(ALICE_TWO_JOBS), "CardinalityViolation");
    expect(await versionMain(w)).toBe(before);
  });
});

// Mirrors end_to_end.rs::dangling_edge_dst_rejected_on_load.
test("a load with an edge to a missing dst is rejected", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(TEST_SCHEMA);
    const e = await rejects(
      g.load(jsonl("Overwrite", { nodes: { Person: [{ name: "Alice", age: 30 }], Company: [{ name: "Acme" }] }, edges: { Knows: [{ from: "Alice", to: "NonExistent" }] } })),
      "MissingEndpoint",
      { edge: "Knows", role: "dst", nodeType: "Person", id: "NonExistent" },
    );
    expect(e.message).toContain("not found");
  });
});

// Mirrors end_to_end.rs::dangling_edge_src_rejected_on_load.
test("a load with an edge from a missing src is rejected", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(TEST_SCHEMA);
    const e = await rejects(
      g.load(jsonl("Overwrite", { nodes: { Person: [{ name: "Alice", age: 30 }], Company: [{ name: "Acme" }] }, edges: { WorksAt: [{ from: "Ghost", to: "Acme" }] } })),
      "MissingEndpoint",
      { edge: "WorksAt", role: "src", nodeType: "Person", id: "Ghost" },
    );
    expect(e.message).toContain("not found");
  });
});

// Mirrors end_to_end.rs::ensure_indices_does_not_error_on_repeated_call.
test("ensureIndices twice after a load moves no manifest version and keeps the rows", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    const afterLoad = await versionMain(w);
    await g.ensureIndices();
    expect(await versionMain(w)).toBe(afterLoad);
    await g.ensureIndices();
    expect(await versionMain(w)).toBe(afterLoad);
    expect(await countRows(w, PERSON)).toBe(4);
  });
});

// Mirrors end_to_end.rs::full_flow_optimize_then_query_update_and_reopen.
test("inserts, optimize, read, update, insert, reopen: eight people and Alice's new age", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    for (const [name, age] of [["Eve", 40], ["Frank", 41], ["Grace", 42]] as const) await g.mutate([insertPerson(name, age)]);
    expect((await g.optimize()).some((s) => s.committed)).toBe(true);
    expect(await getPerson(g, "Alice")).toHaveLength(1);
    expect((await g.mutate([setAge("Alice", 31)])).affectedNodes).toBe(1);
    await g.mutate([insertPerson("Ivan", 50)]);
    expect(await countRows(w, PERSON)).toBe(8);
    const reopened = await startProcess(w, "reopen").open();
    expect(await reopened.read("node", "Person")).toHaveLength(8);
    expect(await ageOf(reopened, "Alice")).toBe(31);
  });
});

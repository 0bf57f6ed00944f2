// Upstream tests/consistency.rs: the write side of read-after-write consistency (zero-affected
// updates and deletes, edge properties, Merge loads, composite @unique, snapshot isolation).
import { expect, test } from "vitest";
import { inWorld } from "./helpers.ts";
import { KNOWS, PERSON, published, rejects, startProcess } from "./support.ts";
import { countRows, getPerson, initAndLoadTest, insertPerson, jsonl, removePerson, setAge, TEST_SCHEMA } from "./upstream.ts";

// Mirrors consistency.rs::delete_nonexistent_returns_zero_affected.
test("deleting a person who does not exist affects nothing", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    expect(await g.mutate([removePerson("Nobody")])).toEqual({ affectedNodes: 0, affectedEdges: 0 });
    expect(await countRows(w, PERSON)).toBe(4);
  });
});

// Mirrors consistency.rs::update_nonexistent_returns_zero_affected.
test("updating a person who does not exist affects nothing", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    expect((await g.mutate([setAge("Nobody", 99)])).affectedNodes).toBe(0);
    expect(await countRows(w, PERSON)).toBe(4);
  });
});

// Mirrors consistency.rs::insert_edge_with_property.
test("an edge inserted with a Date property keeps it", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    const result = await g.mutate([{ kind: "insertEdge", type: "Knows", from: "Diana", to: "Bob", props: { since: "2024-06-15" } }]);
    expect(result.affectedEdges).toBe(1);
    const edges = (await published(w, KNOWS, "src", "dst", "since")).filter((r) => r.src === "Diana" && r.dst === "Bob");
    expect(edges.map((e) => e.since)).toEqual(["2024-06-15"]);
  });
});

const THING_SCHEMA = `
node Thing {
    key: String @key
    required_val: String
    optional_val: String?
}
`;

// Mirrors consistency.rs::load_merge_repeated_against_overlapping_keys_succeeds.
test("the same Merge load twice over overlapping keys succeeds both times", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(THING_SCHEMA);
    const seed = Array.from({ length: 50 }, (_, k) => ({ key: `TEST-${k + 1}`, required_val: `required ${k + 1}`, optional_val: `optional ${k + 1}` }));
    await g.load(jsonl("Overwrite", { nodes: { Thing: seed } }));
    const keys = [...Array.from({ length: 25 }, (_, k) => k + 1), 51, 52, 53, 54, 55];
    const delta = { nodes: { Thing: keys.map((i) => ({ key: `TEST-${i}`, required_val: `required ${i} UPDATED` })) } };
    await g.load(jsonl("Merge", delta));
    expect(await countRows(w, "node:Thing")).toBe(55);
    await g.load(jsonl("Merge", delta));
    expect(await countRows(w, "node:Thing")).toBe(55);
  });
});

// Mirrors consistency.rs::load_merge_upserts_existing_and_inserts_new.
test("a Merge load updates Alice, keeps Bob and inserts Charlie", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(TEST_SCHEMA);
    await g.load(jsonl("Overwrite", { nodes: { Person: [{ name: "Alice", age: 30 }, { name: "Bob", age: 25 }] } }));
    expect(await countRows(w, PERSON)).toBe(2);
    await g.load(jsonl("Merge", { nodes: { Person: [{ name: "Alice", age: 31 }, { name: "Charlie", age: 35 }] } }));
    expect(await published(w, PERSON, "age")).toEqual([
      { id: "Alice", age: 31 },
      { id: "Bob", age: 25 },
      { id: "Charlie", age: 35 },
    ]);
  });
});

// Mirrors consistency.rs::loader_enforces_composite_unique_as_composite_key.
test("composite @unique(source, external_id) is enforced on the pair, not on each column", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(`
node ExternalID {
    slug: String @key
    source: String @index
    external_id: String @index
    @unique(source, external_id)
}
`);
    await g.load(jsonl("Overwrite", { nodes: { ExternalID: [{ slug: "a", source: "whatsapp", external_id: "+E.164" }, { slug: "b", source: "whatsapp", external_id: "pn:12345" }] } }));
    expect(await countRows(w, "node:ExternalID")).toBe(2);
    const e = await rejects(
      g.load(jsonl("Overwrite", { nodes: { ExternalID: [{ slug: "c", source: "whatsapp", external_id: "dup" }, { slug: "d", source: "whatsapp", external_id: "dup" }] } })),
      "InvalidRow",
    );
    expect(e.details.reason).toContain("source");
    expect(e.details.reason).toContain("external_id");
    expect(await countRows(w, "node:ExternalID")).toBe(2);
  });
});

// Mirrors consistency.rs::loader_rejects_intra_batch_duplicate_keys.
test("a batch holding one @key twice is rejected in every load mode and writes nothing", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init("node Thing {\n    key: String @key\n    value: String\n}\n");
    for (const mode of ["Overwrite", "Append", "Merge"] as const) {
      const e = await rejects(g.load(jsonl(mode, { nodes: { Thing: [{ key: "DUP", value: "first" }, { key: "DUP", value: "second" }] } })), "InvalidRow");
      expect(e.message, mode).toContain("DUP");
      expect(await countRows(w, "node:Thing"), mode).toBe(0);
    }
  });
});

// Mirrors consistency.rs::snapshot_returns_stale_data_after_write.
test("a snapshot taken before a write keeps reading the old rows", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    const before = g.snapshot;
    await g.mutate([insertPerson("Eve", 22)]);
    const after = g.snapshot;
    const rowsOf = async (s: typeof before) => {
      const entry = s.entry(PERSON)!;
      return (await w.storage.datasets.checkout(entry.path, null, entry.version)).rows.map((r) => r.id);
    };
    expect(await rowsOf(before)).toHaveLength(4);
    expect(await rowsOf(before)).not.toContain("Eve");
    expect(await rowsOf(after)).toHaveLength(5);
    expect(await rowsOf(after)).toContain("Eve");
  });
});

// Mirrors consistency.rs::explicit_target_query_sees_other_writer_commits_without_refresh.
// `get_person` on main is a table read through the handle, which probes the manifest.
test("a handle's read sees another handle's commit without an explicit refresh", async () => {
  await inWorld(async (w) => {
    await initAndLoadTest(w);
    const db1 = await startProcess(w, "db1").open();
    const db2 = await startProcess(w, "db2").open();
    await db1.mutate([insertPerson("Eve", 22)]);
    expect(await getPerson(db2, "Eve")).toHaveLength(1);
  });
});

// Mirrors consistency.rs::large_batch_load_and_query.
// The query (`value > 490` ordered by value) is evaluated by the test over the table read.
test("a 500-row Overwrite load lands whole", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init("node Item {\n    name: String @key\n    value: I32\n}\n");
    const items = Array.from({ length: 500 }, (_, i) => ({ name: `item_${String(i).padStart(4, "0")}`, value: i }));
    await g.load(jsonl("Overwrite", { nodes: { Item: items } }));
    expect(await countRows(w, "node:Item")).toBe(500);
    const high = (await g.read("node", "Item")).map((r) => Number(r.value)).filter((v) => v > 490).sort((a, b) => a - b);
    expect(high).toEqual([491, 492, 493, 494, 495, 496, 497, 498, 499]);
  });
});

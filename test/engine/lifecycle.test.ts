// Upstream tests/lifecycle.rs: init and open, the schema contract files a long-lived handle
// re-validates, and pinned snapshots.
import { expect, test } from "vitest";
import { renderSchemaContract, SCHEMA_IR_FILE, SCHEMA_SOURCE_FILE, SCHEMA_STATE_FILE } from "../../engine/schema/contract.ts";
import { inWorld } from "./helpers.ts";
import { COMPANY, KNOWS, PERSON, rejects, startProcess, WORKS_AT } from "./support.ts";
import { jsonl, TEST_SCHEMA } from "./upstream.ts";

const I64_AGE = TEST_SCHEMA.replace("age: I32?", "age: I64?");

// Mirrors lifecycle.rs::init_creates_graph.
test("init writes the three schema files and registers every table; the catalog has both kinds", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(TEST_SCHEMA);
    for (const f of [SCHEMA_SOURCE_FILE, SCHEMA_IR_FILE, SCHEMA_STATE_FILE]) expect(await w.storage.objects.exists(f), f).toBe(true);
    for (const t of [PERSON, COMPANY, KNOWS, WORKS_AT]) expect(g.snapshot.entry(t), t).toBeDefined();
    expect(g.handle.catalog.nodes.size).toBe(2);
    expect(g.handle.catalog.edges.size).toBe(2);
    expect(g.handle.catalog.nodes.get("Person")?.key).toBe("name");
  });
});

// Mirrors lifecycle.rs::open_reads_existing_graph.
test("open reads the catalog and the tables init created", async () => {
  await inWorld(async (w) => {
    await startProcess(w, "init").init(TEST_SCHEMA);
    const g = await startProcess(w, "open").open();
    expect([g.handle.catalog.nodes.size, g.handle.catalog.edges.size]).toEqual([2, 2]);
    expect(g.snapshot.entry(PERSON)).toBeDefined();
    expect(g.snapshot.entry(KNOWS)).toBeDefined();
  });
});

// Mirrors lifecycle.rs::long_lived_handle_rejects_schema_source_drift.
test("a handle's next read refuses a _schema.pg edited behind its back", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(TEST_SCHEMA);
    await w.storage.objects.put(SCHEMA_SOURCE_FILE, I64_AGE);
    const e = await rejects(g.read("node", "Person"), "SchemaContractInvalid");
    expect(e.message).toContain("current _schema.pg no longer matches the accepted compiled schema");
  });
});

// Mirrors lifecycle.rs::long_lived_handle_rejects_schema_ir_drift.
test("a handle's next read refuses an unreadable _schema.ir.json", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(TEST_SCHEMA);
    await w.storage.objects.put(SCHEMA_IR_FILE, "{not valid json");
    const e = await rejects(g.read("node", "Person"), "SchemaContractInvalid");
    expect(e.message).toContain("accepted compiled schema contract in _schema.ir.json is invalid");
  });
});

// Mirrors lifecycle.rs::long_lived_handle_rejects_ir_and_source_updates_without_state_update.
test("a handle's next read refuses a source and IR updated together without the state", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(TEST_SCHEMA);
    await w.storage.objects.put(SCHEMA_SOURCE_FILE, I64_AGE);
    await w.storage.objects.put(SCHEMA_IR_FILE, renderSchemaContract(I64_AGE).irJson);
    const e = await rejects(g.read("node", "Person"), "SchemaContractInvalid");
    expect(e.message).toContain("accepted compiled schema does not match the recorded schema state");
  });
});

// Mirrors lifecycle.rs::comment_only_schema_edit_keeps_schema_state_valid.
test("a comment added to _schema.pg keeps the contract valid", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(TEST_SCHEMA);
    await w.storage.objects.put(SCHEMA_SOURCE_FILE, `// comment-only drift\n${TEST_SCHEMA}`);
    expect(await g.read("node", "Person")).toEqual([]);
    expect(g.snapshot.entry(PERSON)).toBeDefined();
  });
});

// Mirrors lifecycle.rs::open_nonexistent_fails.
test("opening where no graph was created fails", async () => {
  await inWorld(async (w) => {
    let error: unknown = null;
    try {
      await startProcess(w, "open").open();
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: "StorageError", kind: "NotFound" });
  });
});

// Mirrors lifecycle.rs::snapshot_version_is_pinned.
test("a snapshot keeps its version after a later load", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(TEST_SCHEMA);
    const snap1 = g.snapshot;
    const v1 = snap1.version;
    await g.load(jsonl("Overwrite", { nodes: { Person: [{ name: "Alice", age: 30 }] } }));
    expect(g.snapshot.version).toBeGreaterThan(v1);
    expect(snap1.version).toBe(v1);
  });
});

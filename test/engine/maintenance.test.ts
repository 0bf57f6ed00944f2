// Upstream tests/maintenance.rs, the optimize and drift-guard half: optimize compacts and
// builds declared indices, publishes what it did, defers to pending recovery and skips drift it
// cannot explain; writes refuse uncovered drift before touching the table. (Cleanup and repair
// are outside the model.) More of optimize is in optimize.test.ts.
import { expect, test } from "vitest";
import type { Omnigraph } from "../../engine/graph/omnigraph.ts";
import { tablePathForTableKey } from "../../engine/schema/catalog.ts";
import type { TableKey } from "../../engine/storage/types.ts";
import type { World } from "../../sim/world.ts";
import { inWorld } from "./helpers.ts";
import { personStats } from "./scripts.ts";
import { head, PERSON, pin, pinsAndHeads, plantSidecar, rejects, startProcess } from "./support.ts";
import { countRows, initAndLoadTest, insertPerson, jsonl, removePerson, TEST_SCHEMA } from "./upstream.ts";

/** `add_person_fragments`: four more inserts, four more Person fragments. */
async function addPersonFragments(g: Omnigraph): Promise<void> {
  for (const [name, age] of [["Eve", 40], ["Frank", 41], ["Grace", 42], ["Heidi", 43]] as const) await g.mutate([insertPerson(name, age)]);
}

/**
 * `forge_person_compaction_drift`: a raw Lance compaction of Person behind the manifest's
 * back. Returns the manifest pin and the drifted HEAD.
 */
async function forgePersonCompactionDrift(w: World, g: Omnigraph): Promise<[number, number]> {
  await addPersonFragments(g);
  const pinned = await pin(w, PERSON);
  const path = tablePathForTableKey(PERSON);
  const before = await w.storage.datasets.checkout(path, null, pinned);
  expect(before.fragments).toBeGreaterThan(1);
  const drifted = (await w.storage.datasets.commit(path, null, pinned, { op: "Rewrite" })).version;
  expect(drifted).toBeGreaterThan(pinned);
  return [pinned, drifted];
}

/** The indices at the published version of `tableKey`. */
async function publishedIndices(w: World, tableKey: TableKey): Promise<readonly string[]> {
  const path = tablePathForTableKey(tableKey);
  return (await w.storage.datasets.checkout(path, null, await pin(w, tableKey))).indices;
}

// Mirrors maintenance.rs::delete_only_mutation_refuses_uncovered_drift_before_inline_commit.
test("a strict delete refuses uncovered drift before deleting anything", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    const [pinned, drifted] = await forgePersonCompactionDrift(w, g);
    const e = await rejects(g.mutate([removePerson("Alice")]), "ExpectedVersionMismatch");
    expect(e.message).toContain("expected");
    expect(await pinsAndHeads(w, PERSON)).toEqual({ [PERSON]: [pinned, drifted] });
    expect(await countRows(w, PERSON)).toBe(8);
  });
});

// Mirrors maintenance.rs::non_strict_load_refuses_uncovered_drift_before_folding_it.
test("a Merge load refuses uncovered drift instead of folding it into its publish", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    const [pinned, drifted] = await forgePersonCompactionDrift(w, g);
    const e = await rejects(g.load(jsonl("Merge", { nodes: { Person: [{ name: "Ivan", age: 44 }] } })), "DriftAhead");
    expect(e.message).toContain("omnigraph repair");
    expect(await pinsAndHeads(w, PERSON)).toEqual({ [PERSON]: [pinned, drifted] });
  });
});

// Mirrors maintenance.rs::optimize_after_load_then_again_is_idempotent.
test("a second optimize commits nothing", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    await g.optimize();
    const second = await g.optimize();
    expect(second.length).toBeGreaterThan(0);
    for (const s of second) expect(s.committed, s.tableKey).toBe(false);
  });
});

// Mirrors maintenance.rs::optimize_defers_when_recovery_sidecar_is_pending.
test("optimize refuses while a recovery sidecar is pending", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    await plantSidecar(w, { operationId: "01H000000000000000000DEFR", kind: "Mutation", tableKey: PERSON, expected: 1, post: 2, actor: "act-test" });
    const e = await rejects(g.optimize(), "RecoveryRequired", { sidecars: 1 });
    expect(e.message.toLowerCase()).toContain("recovery");
  });
});

const DOC_WITH_RANK = jsonl("Merge", { nodes: { Doc: [{ slug: "d1", rank: 1 }, { slug: "d2", rank: 2 }] } });

// Mirrors maintenance.rs::optimize_materializes_index_after_type_rename.
test("a renamed table's declared index is missing after the apply and built by optimize", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init("node Doc {\n    slug: String @key\n    rank: I32 @index\n}\n");
    await g.load(DOC_WITH_RANK);
    const result = await g.applySchema('node Item @rename_from("Doc") {\n    slug: String @key\n    rank: I32 @index\n}\n');
    expect(result.applied).toBe(true);
    expect(await countRows(w, "node:Item")).toBe(2);
    expect(await publishedIndices(w, "node:Item")).not.toContain("btree:rank");
    await g.optimize();
    expect(await publishedIndices(w, "node:Item")).toContain("btree:rank");
  });
});

// Mirrors maintenance.rs::optimize_materializes_index_declared_but_unbuilt.
test("an @index added by an index-only apply is built by optimize", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init("node Doc {\n    slug: String @key\n    rank: I32\n}\n");
    await g.load(DOC_WITH_RANK);
    await g.applySchema("node Doc {\n    slug: String @key\n    rank: I32 @index\n}\n");
    expect(await publishedIndices(w, "node:Doc")).not.toContain("btree:rank");
    await g.optimize();
    expect(await publishedIndices(w, "node:Doc")).toContain("btree:rank");
  });
});

// Mirrors maintenance.rs::optimize_publishes_compaction_to_manifest_so_schema_apply_succeeds.
test("optimize publishes its compaction, so a later schema apply's HEAD check passes", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    await addPersonFragments(g);
    expect(personStats(await g.optimize())?.committed).toBe(true);
    const [pinned, lanceHead] = (await pinsAndHeads(w, PERSON))[PERSON]!;
    expect(pinned).toBe(lanceHead);
    expect(await countRows(w, PERSON)).toBe(8);
    const result = await g.applySchema(TEST_SCHEMA.replace("    age: I32?\n}", "    age: I32?\n    nickname: String?\n}"));
    expect(result.applied).toBe(true);
  });
});

// Mirrors maintenance.rs::optimize_skips_preexisting_manifest_head_drift.
test("optimize skips a table whose HEAD drifted before it started, moving neither pin nor HEAD", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    const [pinned, drifted] = await forgePersonCompactionDrift(w, g);
    expect(personStats(await g.optimize())).toEqual({ tableKey: PERSON, committed: false, skippedForDrift: true });
    expect(await pin(w, PERSON)).toBe(pinned);
    expect(await head(w, PERSON)).toBe(drifted);
  });
});

// Upstream tests/schema_apply.rs: planning and applying schema changes (additive, soft and hard
// drops, renames, unsupported plans) and what each leaves in the manifest and the tables.
import { expect, test } from "vitest";
import { OmniError } from "../../engine/errors.ts";
import { SCHEMA_SOURCE_FILE } from "../../engine/schema/contract.ts";
import type { SchemaStep } from "../../engine/schema/steps.ts";
import { Snapshot } from "../../engine/manifest/snapshot.ts";
import type { TableKey } from "../../engine/storage/types.ts";
import type { World } from "../../sim/world.ts";
import { inWorld } from "./helpers.ts";
import { PERSON, published, rejects, startProcess } from "./support.ts";
import { countRows, initAndLoadTest, jsonl, TEST_SCHEMA, versionMain } from "./upstream.ts";
import { TEST_DATA } from "./scripts.ts";

const WITH_NICKNAME = TEST_SCHEMA.replace("    age: I32?\n}", "    age: I32?\n    nickname: String?\n}");
const WITHOUT_AGE = TEST_SCHEMA.replace("    age: I32?\n", "");
const PERSON_AND_KNOWS_ONLY = `
node Person {
    name: String @key
    age: I32?
}
edge Knows: Person -> Person {
    since: Date?
}
`;

function hasStep(steps: readonly SchemaStep[], step: Partial<SchemaStep>): boolean {
  return steps.some((s) => Object.entries(step).every(([k, v]) => (s as unknown as Record<string, unknown>)[k] === v));
}

async function snapshotAt(w: World, version?: number): Promise<Snapshot> {
  return Snapshot.fromManifest(await w.storage.manifest.load(null, version as never));
}

/** The rows of `tableKey` as the manifest at `version` pins them. */
async function rowsAt(w: World, tableKey: TableKey, version: number) {
  const entry = (await snapshotAt(w, version)).entry(tableKey)!;
  return (await w.storage.datasets.checkout(entry.path, null, entry.version)).rows;
}

// Mirrors schema_apply.rs::plan_schema_reports_supported_additive_change.
test("plan: adding a nullable property is a supported AddProperty step", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(TEST_SCHEMA);
    const plan = await g.planSchema(WITH_NICKNAME);
    expect(plan.supported).toBe(true);
    expect(hasStep(plan.steps, { kind: "AddProperty", typeKind: "node", typeName: "Person", property: "nickname" })).toBe(true);
  });
});

// Mirrors schema_apply.rs::plan_schema_rejects_when_schema_contract_has_drifted.
test("plan: a _schema.pg edited behind the engine's back fails the contract check", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(TEST_SCHEMA);
    await w.storage.objects.put(SCHEMA_SOURCE_FILE, TEST_SCHEMA.replace("age: I32?", "age: I64?"));
    await rejects(g.planSchema(TEST_SCHEMA), "SchemaContractInvalid");
  });
});

// Mirrors schema_apply.rs::apply_schema_noop_returns_not_applied.
test("apply: the accepted schema again is not applied and has no steps", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(TEST_SCHEMA);
    const before = await versionMain(w);
    const result = await g.applySchema(TEST_SCHEMA);
    expect(result.applied).toBe(false);
    expect(result.steps).toEqual([]);
    expect(await versionMain(w)).toBe(before);
  });
});

// Mirrors schema_apply.rs::apply_schema_rejects_when_non_main_branch_exists.
// `branch_create("feature")` is modelled by its manifest effect, a `__manifest` branch.
test("apply: refused while a non-main branch exists", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(TEST_SCHEMA);
    await w.storage.manifest.createBranch("feature", null);
    const e = await rejects(g.applySchema(WITH_NICKNAME), "SchemaApplyLocked", { branch: "feature" });
    expect(e.message).toContain("schema apply requires a graph with only main");
    expect(await w.storage.manifest.listBranches()).toEqual(["feature"]);
  });
});

// Mirrors schema_apply.rs::apply_schema_unsupported_plan_does_not_advance_manifest.
test("apply: changing a property's type is unsupported and leaves the manifest alone", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(TEST_SCHEMA);
    const before = await versionMain(w);
    const e = await rejects(g.applySchema(TEST_SCHEMA.replace("age: I32?", "age: I64?")), "UnsupportedSchemaChange");
    expect(e.message).toContain("changing the type of property");
    expect(await versionMain(w)).toBe(before);
  });
});

// Mirrors schema_apply.rs::apply_schema_drops_a_nullable_property_softly_preserves_prior_version.
test("apply: a soft property drop removes the column; the pre-drop version still has it", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    const people = await countRows(w, PERSON);
    const before = await versionMain(w);
    const plan = await g.planSchema(WITHOUT_AGE);
    expect(plan.supported).toBe(true);
    expect(hasStep(plan.steps, { kind: "DropProperty", typeKind: "node", typeName: "Person", property: "age", mode: "Soft" })).toBe(true);
    const result = await g.applySchema(WITHOUT_AGE);
    expect(result.applied).toBe(true);
    const after = await versionMain(w);
    expect(after).toBeGreaterThan(before);
    expect(await countRows(w, PERSON)).toBe(people);
    expect((await rowsAt(w, PERSON, after)).some((r) => "age" in r)).toBe(false);
    expect((await rowsAt(w, PERSON, before)).every((r) => "age" in r)).toBe(true);
    await startProcess(w, "reopen").open();
    expect((await published(w, PERSON)).length).toBe(people);
    expect((await rowsAt(w, PERSON, await versionMain(w))).some((r) => "age" in r)).toBe(false);
  });
});

// Mirrors schema_apply.rs::apply_schema_drops_node_and_referencing_edge_softly.
test("apply: a soft type drop unmaps Company and WorksAt; the pre-drop manifest still lists them", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    const before = await versionMain(w);
    const plan = await g.planSchema(PERSON_AND_KNOWS_ONLY);
    expect(plan.supported).toBe(true);
    expect(hasStep(plan.steps, { kind: "DropType", typeKind: "node", name: "Company", mode: "Soft" })).toBe(true);
    expect(hasStep(plan.steps, { kind: "DropType", typeKind: "edge", name: "WorksAt", mode: "Soft" })).toBe(true);
    expect((await g.applySchema(PERSON_AND_KNOWS_ONLY)).applied).toBe(true);
    expect(await versionMain(w)).toBeGreaterThan(before);
    const current = await snapshotAt(w);
    expect([current.entry("node:Company"), current.entry("edge:WorksAt")]).toEqual([undefined, undefined]);
    expect(current.entry(PERSON)).toBeDefined();
    const pre = await snapshotAt(w, before);
    expect(pre.entry("node:Company")).toBeDefined();
    expect(pre.entry("edge:WorksAt")).toBeDefined();
    const reopened = await startProcess(w, "reopen").open();
    expect([reopened.snapshot.entry("node:Company"), reopened.snapshot.entry("edge:WorksAt")]).toEqual([undefined, undefined]);
  });
});

// Mirrors schema_apply.rs::apply_schema_drops_an_edge_type_softly.
test("apply: a soft edge-type drop unmaps WorksAt only", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    const before = await versionMain(w);
    const desired = TEST_SCHEMA.replace("\nedge WorksAt: Person -> Company", "");
    expect(desired).not.toBe(TEST_SCHEMA);
    const plan = await g.planSchema(desired);
    expect(plan.supported).toBe(true);
    expect(hasStep(plan.steps, { kind: "DropType", typeKind: "edge", name: "WorksAt", mode: "Soft" })).toBe(true);
    expect((await g.applySchema(desired)).applied).toBe(true);
    expect(await versionMain(w)).toBeGreaterThan(before);
    const current = await snapshotAt(w);
    expect(current.entry("edge:WorksAt")).toBeUndefined();
    for (const t of ["node:Person", "node:Company", "edge:Knows"] as const) expect(current.entry(t), t).toBeDefined();
    expect((await snapshotAt(w, before)).entry("edge:WorksAt")).toBeDefined();
  });
});

// Mirrors schema_apply.rs::apply_schema_rejects_adding_a_required_property_without_backfill.
// Upstream names the lint code OG-MF-103; the model says the same in words.
test("apply: a required property without a backfill is refused; the manifest does not move", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    const before = await versionMain(w);
    const e = await rejects(g.applySchema(TEST_SCHEMA.replace("    age: I32?\n}", "    age: I32?\n    email: String\n}")), "UnsupportedSchemaChange");
    expect(e.message).toContain("requires a backfill");
    expect(await versionMain(w)).toBe(before);
  });
});

// Mirrors schema_apply.rs::plan_schema_for_property_type_narrowing_is_not_supported.
test("plan: narrowing I64 to I32 is an unsupported change", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(TEST_SCHEMA.replace("age: I32?", "age: I64?"));
    await g.load({ ...TEST_DATA, mode: "Overwrite" });
    const plan = await g.planSchema(TEST_SCHEMA);
    expect(plan.supported).toBe(false);
    expect(hasStep(plan.steps, { kind: "UnsupportedChange", entity: "node:Person.age" })).toBe(true);
  });
});

// Mirrors schema_apply.rs::apply_schema_renames_node_type_via_rename_from_and_preserves_rows.
test("apply: @rename_from renames Person to Human and name to full_name, keeping every row", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    const people = await countRows(w, PERSON);
    expect(people).toBeGreaterThan(0);
    const result = await g.applySchema(`
node Human @rename_from("Person") {
    full_name: String @key @rename_from("name")
    age: I32?
}
node Company {
    name: String @key
}
edge Knows: Human -> Human {
    since: Date?
}
edge WorksAt: Human -> Company
`);
    expect(result.applied).toBe(true);
    expect(hasStep(result.steps, { kind: "RenameType", typeKind: "node", from: "Person", to: "Human" })).toBe(true);
    expect(hasStep(result.steps, { kind: "RenameProperty", typeKind: "node", typeName: "Human", from: "name", to: "full_name" })).toBe(true);
    expect(await countRows(w, "node:Human")).toBe(people);
    expect((await snapshotAt(w)).entry(PERSON)).toBeUndefined();
  });
});

// Mirrors schema_apply.rs::apply_schema_with_allow_data_loss_promotes_drops_to_hard.
test("plan and apply: allowDataLoss turns every soft drop hard", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    expect(hasStep((await g.planSchema(WITHOUT_AGE)).steps, { kind: "DropProperty", mode: "Soft" })).toBe(true);
    const hard = await g.planSchema(WITHOUT_AGE, { allowDataLoss: true });
    expect(hard.supported).toBe(true);
    expect(hasStep(hard.steps, { kind: "DropProperty", mode: "Hard" })).toBe(true);
    expect(hasStep(hard.steps, { mode: "Soft" } as Partial<SchemaStep>)).toBe(false);
    expect((await g.applySchema(WITHOUT_AGE, { allowDataLoss: true })).applied).toBe(true);
  });
});

// Mirrors schema_apply.rs::apply_schema_hard_drops_property_makes_prior_version_unreachable.
test("apply: a hard property drop cleans up the pre-drop version: it can no longer be opened", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    const before = await versionMain(w);
    expect((await g.applySchema(WITHOUT_AGE, { allowDataLoss: true })).applied).toBe(true);
    expect((await rowsAt(w, PERSON, await versionMain(w))).some((r) => "age" in r)).toBe(false);
    let error: unknown = null;
    try {
      await rowsAt(w, PERSON, before);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: "StorageError", kind: "VersionNotFound" });
    expect(error).not.toBeInstanceOf(OmniError);
  });
});

// Mirrors schema_apply.rs::apply_schema_hard_drops_node_and_edge_with_flag_succeeds.
test("apply: allowDataLoss drops Company and WorksAt hard", async () => {
  await inWorld(async (w) => {
    const g = await initAndLoadTest(w);
    const before = await versionMain(w);
    const plan = await g.planSchema(PERSON_AND_KNOWS_ONLY, { allowDataLoss: true });
    expect(plan.supported).toBe(true);
    expect(hasStep(plan.steps, { kind: "DropType", typeKind: "node", mode: "Hard" })).toBe(true);
    expect(hasStep(plan.steps, { kind: "DropType", typeKind: "edge", mode: "Hard" })).toBe(true);
    expect((await g.applySchema(PERSON_AND_KNOWS_ONLY, { allowDataLoss: true })).applied).toBe(true);
    expect(await versionMain(w)).toBeGreaterThan(before);
    const current = await snapshotAt(w);
    expect([current.entry("node:Company"), current.entry("edge:WorksAt")]).toEqual([undefined, undefined]);
  });
});

// Mirrors schema_apply.rs::index_only_constraint_apply_touches_no_table_data.
test("apply: adding only an @index does not bump the table's version", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init("node Doc {\n    slug: String @key\n    n: I64\n}\n");
    await g.load(jsonl("Merge", { nodes: { Doc: [{ slug: "d1", n: 1 }] } }));
    const before = (await snapshotAt(w)).pinned("node:Doc");
    const result = await g.applySchema("node Doc {\n    slug: String @key\n    n: I64 @index\n}\n");
    expect(result.applied).toBe(true);
    expect((await snapshotAt(w)).pinned("node:Doc")).toBe(before);
  });
});

// Upstream plans from the accepted IR it reads under the lock (`read_accepted_schema_ir` at the
// seed, `load_validated_schema_contract` at 62a9c3fe), never from a handle's catalog.
test("apply: a handle whose catalog lags another handle's apply plans from the accepted schema", async () => {
  await inWorld(async (w) => {
    const first = await startProcess(w, "init").init(TEST_SCHEMA);
    const lagging = await startProcess(w, "lagging").open();
    expect((await first.applySchema(WITH_NICKNAME)).applied).toBe(true);
    // The lagging handle's catalog still lacks nickname: planned from it, this would be a no-op.
    const r = await lagging.applySchema(TEST_SCHEMA);
    expect(r.applied).toBe(true);
    expect(hasStep(r.steps, { kind: "DropProperty", typeName: "Person", property: "nickname" })).toBe(true);
    expect(await w.storage.objects.get(SCHEMA_SOURCE_FILE)).toBe(TEST_SCHEMA);
  });
});

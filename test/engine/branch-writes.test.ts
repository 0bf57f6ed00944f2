// Upstream's branch tests outside branching.rs: writes.rs (a cascade delete forking edges as a
// branch's first write, a fork no manifest references healed by the first write, system refs
// refused by the public branch APIs), consistency.rs (one composite @unique key for intake and
// merge) and maintenance.rs's cleanup (its policy check, version GC, the orphan-fork reconciler).
import { expect, test } from "vitest";
import { tablePathForTableKey } from "../../engine/schema/catalog.ts";
import type { World } from "../../sim/world.ts";
import { inWorld } from "./helpers.ts";
import { countRowsBranch } from "./branch-support.ts";
import { COMPANY, KNOWS, PERSON, rejects, startProcess } from "./support.ts";
import { TEST_DATA } from "./scripts.ts";
import { countRows, initAndLoadTest, insertPerson, removePerson } from "./upstream.ts";

const FEATURE = { branch: "feature" } as const;

async function forksOf(w: World, tableKey: typeof PERSON): Promise<string[]> {
  return w.storage.datasets.listBranches(tablePathForTableKey(tableKey));
}

/** A Lance branch made straight on a table's dataset at its HEAD, behind the manifest's back. */
async function forgeFork(w: World, tableKey: typeof PERSON, name: string): Promise<void> {
  const path = tablePathForTableKey(tableKey);
  await w.storage.datasets.createBranch(path, name, null, await w.storage.datasets.latestVersion(path, null));
}

// Mirrors writes.rs::branch_cascade_delete_forks_node_and_edges_under_held_queues.
test("a branch's first write, a cascading delete, forks the node and its edge tables under held queues", async () => {
  await inWorld(async (w) => {
    const db = await initAndLoadTest(w);
    await db.branchCreate("feature");
    const mainPeople = await countRows(w, PERSON);
    const mainKnows = await countRows(w, KNOWS);
    await db.mutate([removePerson("Alice")], null, FEATURE);
    expect(await countRowsBranch(db, "feature", PERSON)).toBe(mainPeople - 1);
    expect(await countRowsBranch(db, "feature", KNOWS)).toBeLessThan(mainKnows);
    expect(await countRows(w, PERSON)).toBe(mainPeople);
  });
});

// Mirrors writes.rs::first_write_self_heals_manifest_unreferenced_fork_on_live_branch.
test("a load and a mutation onto a fork no manifest references heal it instead of wedging", async () => {
  await inWorld(async (w) => {
    const db = await initAndLoadTest(w);
    await db.branchCreate("feature");
    await forgeFork(w, PERSON, "feature");
    expect(await forksOf(w, PERSON)).toContain("feature");
    await db.load({ mode: "Merge", nodes: { Person: [{ name: "Zoe", age: 30 }] } }, null, FEATURE);
    await db.mutate([insertPerson("Yan", 41)], null, FEATURE);
    expect(await countRowsBranch(db, "feature", PERSON)).toBeGreaterThanOrEqual((await countRows(w, PERSON)) + 2);
  });
});

// Mirrors writes.rs::public_branch_apis_reject_internal_system_refs.
test("the public branch APIs refuse the schema-apply lock branch; __run__ names are ordinary", async () => {
  await inWorld(async (w) => {
    const db = await initAndLoadTest(w);
    await db.branchCreate("__run__formerly_reserved");
    expect((await rejects(db.branchCreate("__schema_apply_lock__"), "InvalidBranch")).message).toContain("internal system ref");
    expect((await rejects(db.branchMerge("__schema_apply_lock__", "main"), "MergeRefused")).message).toContain("internal system refs");
  });
});

// Mirrors consistency.rs::composite_unique_key_is_consistent_across_intake_and_merge.
test("rows unique on a composite key whose values hold '|' pass intake and the merge alike", async () => {
  await inWorld(async (w) => {
    const schema = `
node Item {
    slug: String @key
    a: String @index
    b: String @index
    @unique(a, b)
}
`;
    const main = await startProcess(w, "init").init(schema);
    await main.branchCreate("feature");
    const feature = await startProcess(w, "feature").open();
    await feature.mutate([{ kind: "insertNode", type: "Item", props: { slug: "r1", a: "x|y", b: "z" } }], null, FEATURE);
    await feature.mutate([{ kind: "insertNode", type: "Item", props: { slug: "r2", a: "x", b: "y|z" } }], null, FEATURE);
    await feature.branchMerge("feature", "main");
    const reopened = await startProcess(w, "reopen").open();
    expect((await reopened.read("node", "Item")).length).toBe(2);
  });
});

// Mirrors maintenance.rs::cleanup_without_any_policy_option_errors.
test("cleanup without a policy is refused, naming both policy fields", async () => {
  await inWorld(async (w) => {
    const db = await initAndLoadTest(w);
    const e = await rejects(db.cleanup({}), "InvalidRequest");
    expect(e.message).toContain("keep_versions");
    expect(e.message).toContain("older_than");
  });
});

// Mirrors maintenance.rs::cleanup_keep_one_preserves_head_and_table_remains_readable.
test("cleanup keeping one version keeps HEAD readable", async () => {
  await inWorld(async (w) => {
    const db = await initAndLoadTest(w);
    const before = await countRows(w, PERSON);
    expect(before).toBeGreaterThan(0);
    await db.cleanup({ keepVersions: 1 });
    expect(await countRows(w, PERSON)).toBe(before);
  });
});

// Mirrors maintenance.rs::cleanup_then_optimize_preserves_rows_and_table_remains_writable.
test("cleanup then optimize keeps every row and the graph writable", async () => {
  await inWorld(async (w) => {
    const db = await initAndLoadTest(w);
    const people = await countRows(w, PERSON);
    const companies = await countRows(w, COMPANY);
    await db.cleanup({ keepVersions: 1 });
    await db.optimize();
    expect([await countRows(w, PERSON), await countRows(w, COMPANY)]).toEqual([people, companies]);
    await db.load({ ...TEST_DATA, mode: "Merge" });
    expect(await countRows(w, PERSON)).toBe(people);
  });
});

// Mirrors maintenance.rs::cleanup_reconciles_orphaned_branch_forks.
test("cleanup reclaims a fork no branch owns, leaves main alone, and is idempotent", async () => {
  await inWorld(async (w) => {
    const db = await initAndLoadTest(w);
    const people = await countRows(w, PERSON);
    await forgeFork(w, PERSON, "ghost");
    await db.cleanup({ keepVersions: 1 });
    expect(await forksOf(w, PERSON)).not.toContain("ghost");
    expect(await countRows(w, PERSON)).toBe(people);
    await db.cleanup({ keepVersions: 1 });
  });
});

// Mirrors maintenance.rs::cleanup_reconciles_live_branch_orphan_fork_but_keeps_legitimate_fork.
test("cleanup reclaims an unreferenced fork on a live branch but keeps that branch's real fork", async () => {
  await inWorld(async (w) => {
    const db = await initAndLoadTest(w);
    await db.branchCreate("feature");
    await db.load({ mode: "Merge", nodes: { Company: [{ name: "Acme" }] } }, null, FEATURE);
    await forgeFork(w, PERSON, "feature");
    const people = await countRows(w, PERSON);
    const companies = await countRows(w, COMPANY);
    await db.cleanup({ keepVersions: 1 });
    expect(await forksOf(w, PERSON)).not.toContain("feature");
    expect(await forksOf(w, COMPANY)).toContain("feature");
    expect([await countRows(w, PERSON), await countRows(w, COMPANY)]).toEqual([people, companies]);
  });
});

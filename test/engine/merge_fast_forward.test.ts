// Upstream tests/merge_fast_forward.rs: a fast-forward merge of a branch that only added rows
// appends them onto main's lineage (a streaming Append, no merge-insert join), and leaves main
// equal to the source. Upstream counts the staged-write primitives with task-local probes; the
// model reads the transaction kinds main's table committed.
import { expect, test } from "vitest";
import type { Omnigraph } from "../../engine/graph/omnigraph.ts";
import { inWorld } from "./helpers.ts";
import { countRowsBranch } from "./branch-support.ts";
import { countRows, initAndLoadTest, insertPerson } from "./upstream.ts";
import { PERSON, startProcess } from "./support.ts";

async function appendNewPersons(db: Omnigraph, branch: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await db.mutate([insertPerson(`ff_new_${i}`, 30)], null, { branch });
}

// Mirrors merge_fast_forward.rs::append_only_fast_forward_merge_does_no_merge_insert.
test("an append-only fast-forward appends the new rows and runs no merge-insert", async () => {
  await inWorld(async (w) => {
    const main = await initAndLoadTest(w);
    await main.branchCreate("feature");
    const feature = await startProcess(w, "feature").open();
    await appendNewPersons(feature, "feature", 5);
    const before = main.snapshot.entry(PERSON)!;
    expect(await main.branchMerge("feature", "main")).toBe("FastForward");
    const after = main.snapshot.entry(PERSON)!;
    const ops = (await w.storage.datasets.versions(after.path, null)).filter((v) => v.version > before.version).map((v) => v.op);
    // A staged merge-insert commits as Lance's Update.
    expect(ops).not.toContain("Update");
    expect(ops.filter((op) => op === "Append").length).toBeGreaterThanOrEqual(1);
  });
});

// Mirrors merge_fast_forward.rs::fast_forward_merge_yields_source_state.
test("a fast-forward of an append-only branch leaves main equal to the source", async () => {
  await inWorld(async (w) => {
    const main = await initAndLoadTest(w);
    const base = await countRows(w, PERSON);
    await main.branchCreate("feature");
    const feature = await startProcess(w, "feature").open();
    await appendNewPersons(feature, "feature", 5);
    const source = await countRowsBranch(feature, "feature", PERSON);
    expect(source).toBe(base + 5);
    expect(await main.branchMerge("feature", "main")).toBe("FastForward");
    expect(await countRows(w, PERSON)).toBe(source);
    const names = (await main.read("node", "Person")).map((r) => r.id);
    for (let i = 0; i < 5; i++) expect(names).toContain(`ff_new_${i}`);
  });
});

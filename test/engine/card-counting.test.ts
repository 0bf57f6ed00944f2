// D12 of the fidelity audit: the loader's @card count dedupes edges by id only in Merge mode
// (loader `validate_edge_cardinality_with_pending_loader`: `LoadMode::Merge => Some("id")`,
// Append and Overwrite count every row). The Merge side is upstream's own tests
// (writes.rs::load_merge_mode_dedupes_*, ported in writes.test.ts); this is the other side.
import { expect, test } from "vitest";
import { inWorld } from "./helpers.ts";
import { rejects, startProcess, WORKS_AT } from "./support.ts";
import { countRows, jsonl } from "./upstream.ts";

const SCHEMA = `
node Person { name: String @key }
node Company { name: String @key }
edge WorksAt: Person -> Company @card(0..1)
`;

test("an Append load with one edge id twice counts both rows for @card, where Merge counts one", async () => {
  await inWorld(async (w) => {
    const g = await startProcess(w, "init").init(SCHEMA);
    await g.load(jsonl("Overwrite", { nodes: { Person: [{ name: "Alice" }], Company: [{ name: "Acme" }, { name: "Bigco" }] } }));
    const twice = { WorksAt: [{ from: "Alice", to: "Acme", props: { id: "w1" } }, { from: "Alice", to: "Bigco", props: { id: "w1" } }] };
    await rejects(g.load(jsonl("Append", { edges: twice })), "CardinalityViolation", { edge: "WorksAt", source: "Alice", count: 2, min: 0, max: 1 });
    await g.load(jsonl("Merge", { edges: twice }));
    expect(await countRows(w, WORKS_AT)).toBe(1);
  });
});

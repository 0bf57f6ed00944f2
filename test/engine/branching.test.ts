// Upstream tests/branching.rs, its one test on main alone (the rest need branches, forks and
// merges, which the model does not have).
import { expect, test } from "vitest";
import { inWorld } from "./helpers.ts";
import { KNOWS, pin } from "./support.ts";
import { initAndLoadTest } from "./upstream.ts";
import { tablePathForTableKey } from "../../engine/schema/catalog.ts";

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

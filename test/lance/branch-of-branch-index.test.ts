// Divergence 14 (docs/fidelity.md): on Lance, a branch created from a branch cannot open an
// index it inherited from main. Lance resolves the index directory under the intermediate
// branch's tree (`tree/b0/_indices/...`) while the files are at the dataset root: NotFound, for
// every operation that opens the index (a merge-insert, a delete), while an append and a branch
// one level down work. The virtual store reads the index, as Lance's documented branch semantics
// say. When a LanceDB upgrade fixes this, the first test turns red: update the divergence.
import { expect, test } from "vitest";
import type { Storage } from "../../engine/storage/types.ts";
import { VirtualStore } from "../../sim/store/virtual-store.ts";
import { PERSON, row, v, withPerson } from "./helpers.ts";

/** PERSON with rows and a BTree index on `id` built on main; b0 from main, b1 from b0, no writes. */
async function nested(s: Storage): Promise<void> {
  await s.datasets.commit(PERSON, null, v(1), { op: "Append", rows: [row("a", 1), row("b", 2)] });
  await s.datasets.commit(PERSON, null, v(2), { op: "CreateIndex", index: "id_idx" });
  await s.datasets.createBranch(PERSON, "b0", null, v(3));
  await s.datasets.createBranch(PERSON, "b1", "b0", v(3));
}

test("Lance: a branch of a branch fails to open the index main built; one level down it works", async () => {
  const s = await withPerson();
  await nested(s);
  await expect(s.datasets.commit(PERSON, "b1", v(3), { op: "StagedMergeInsert", rows: [row("b", 20), row("c", 3)] })).rejects.toThrow(/_indices.*not found|not found.*_indices/is);
  await expect(s.datasets.commit(PERSON, "b1", v(3), { op: "Delete", where: { anyOf: [{ column: "id", in: ["a"] }] } })).rejects.toThrow(/_indices/);
  expect((await s.datasets.commit(PERSON, "b1", v(3), { op: "Append", rows: [row("d", 4)] })).version).toBe(v(4));
  expect((await s.datasets.commit(PERSON, "b0", v(3), { op: "StagedMergeInsert", rows: [row("b", 20), row("c", 3)] })).version).toBe(v(4));
});

test("virtual store: the same branch of a branch merge-inserts over the inherited index", async () => {
  const s = new VirtualStore();
  await s.datasets.create(PERSON);
  await nested(s);
  expect((await s.datasets.commit(PERSON, "b1", v(3), { op: "StagedMergeInsert", rows: [row("b", 20), row("c", 3)] })).version).toBe(v(4));
});

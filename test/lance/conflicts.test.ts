// Stale commits where the Lance backend differs from the model, because Lance lays out fragments
// its own way (listed in docs/fidelity.md). The shared rules are in test/backends/.
import { test, expect } from "vitest";
import type { LanceOp, TxnDelta } from "../../engine/storage/types.ts";
import type { LanceStorage } from "../../backends/lance/lance-storage.ts";
import { PERSON, expectStorageError, row, rowsAt, v, withFragments } from "./helpers.ts";

const deleteA: TxnDelta = { op: "Delete", where: { anyOf: [{ column: "id", in: ["a"] }] } };

const deltas: Record<Exclude<LanceOp, "Create" | "Restore" | "ReserveFragments">, TxnDelta> = {
  Append: { op: "Append", rows: [row("n", 0)] },
  Merge: { op: "Merge", rows: [row("a", 10), row("m", 0)] },
  Update: { op: "Update", rows: [row("a", 10)] },
  Delete: deleteA,
  Overwrite: { op: "Overwrite", rows: [row("o", 0)] },
  Rewrite: { op: "Rewrite" },
  CreateIndex: { op: "CreateIndex", index: "id_idx" },
  UpdateConfig: { op: "UpdateConfig", key: "k", value: "v" },
};

/** PERSON v1 empty, v2 [a], v3 [b] (one fragment each); then `theirs` on HEAD. */
async function afterTheirs(theirs: keyof typeof deltas | "Restore"): Promise<LanceStorage> {
  const s = await withFragments("a", "b");
  if (theirs === "Restore") await s.datasets.restore(PERSON, null, v(2));
  else await s.datasets.commit(PERSON, null, v(3), deltas[theirs]);
  return s;
}

test("LANCE DIFFERS: update a / stale update a rebases, because Lance moved `a` to a new fragment (the model conflicts)", async () => {
  const s = await afterTheirs("Update");
  expect(await s.datasets.commit(PERSON, null, v(3), { op: "Update", rows: [row("a", 20)] })).toEqual({ version: 5, rowsAffected: 1 });
  expect(await rowsAt(s, v(5))).toEqual([row("a", 20), row("b", 1)]);
  // A stale Delete of `a` rebases too (the model: RetryableCommitConflict).
  const deleting = await afterTheirs("Update");
  expect((await deleting.datasets.commit(PERSON, null, v(3), deleteA)).rowsAffected).toBe(1);
  // A stale compaction conflicts on both: its plan names the fragment the Update removed.
  const compacting = await afterTheirs("Update");
  await expectStorageError(compacting.datasets.commit(PERSON, null, v(3), { op: "Rewrite" }), "RetryableCommitConflict");
});

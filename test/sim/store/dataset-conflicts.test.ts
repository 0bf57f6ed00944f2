// Conflict rules only the virtual store can show: caller-made ReserveFragments commits and the
// model's one-version compaction. The rules both backends keep are in test/backends/.
import { test, expect } from "vitest";
import type { LanceOp, TxnDelta } from "../../../engine/storage/types.ts";
import type { VirtualStore } from "../../../sim/store/virtual-store.ts";
import { PERSON, expectStorageError, row, storeWithFragments, v } from "./helpers.ts";

const deltas: Record<Exclude<LanceOp, "Create" | "Restore">, TxnDelta> = {
  Append: { op: "Append", rows: [row("n", 0)] },
  Merge: { op: "Merge", rows: [row("a", 10), row("m", 0)] },
  Update: { op: "Update", rows: [row("a", 10)] },
  Delete: { op: "Delete", where: { anyOf: [{ column: "id", in: ["a"] }] } },
  Overwrite: { op: "Overwrite", rows: [row("o", 0)] },
  Rewrite: { op: "Rewrite" },
  ReserveFragments: { op: "ReserveFragments" },
  CreateIndex: { op: "CreateIndex", index: "id_idx" },
  UpdateConfig: { op: "UpdateConfig", key: "k", value: "v" },
};

/** The store after `theirs` committed v4 on HEAD (v3). `Restore` means restoring v2. */
async function afterTheirs(theirs: LanceOp): Promise<VirtualStore> {
  const store = await storeWithFragments("a", "b");
  if (theirs === "Restore") expect(await store.datasets.restore(PERSON, null, v(2))).toBe(4);
  else expect((await store.datasets.commit(PERSON, null, v(3), deltas[theirs as keyof typeof deltas])).version).toBe(4);
  return store;
}

const staleCommit = (store: VirtualStore, delta: TxnDelta) => store.datasets.commit(PERSON, null, v(3), delta);

test("a stale Rewrite on a fragment an intervening Update, Delete or Rewrite touched is RetryableCommitConflict; re-executed writers retry past it", async () => {
  // A compaction's plan is its read version's fragments, even those gone by HEAD.
  for (const theirs of ["Update", "Merge", "Delete", "Rewrite"] as const) {
    await expectStorageError(
      staleCommit(await afterTheirs(theirs), { op: "Rewrite" }),
      "RetryableCommitConflict",
      `Retryable commit conflict for version 4: This Rewrite transaction was preempted by concurrent transaction ${theirs} at version 4. Please retry.`,
    );
  }
  // Lance's update, delete and merge-insert builders re-execute on a retryable conflict.
  for (const ours of [deltas.Update, deltas.Delete, deltas.Merge]) {
    for (const theirs of ["Update", "Delete", "Rewrite"] as const) {
      expect((await staleCommit(await afterTheirs(theirs), ours)).version).toBe(5);
    }
  }
});

test("CreateIndex, ReserveFragments and UpdateConfig are compatible both ways unless an Overwrite or Restore intervened", async () => {
  for (const metadata of ["CreateIndex", "ReserveFragments", "UpdateConfig"] as const) {
    for (const rowOp of ["Append", "Merge", "Update", "Delete", "Rewrite"] as const) {
      const oursStale = await afterTheirs(rowOp);
      expect((await staleCommit(oursStale, deltas[metadata])).version).toBe(5);
      const theirsFirst = await afterTheirs(metadata);
      expect((await staleCommit(theirsFirst, deltas[rowOp])).version).toBe(5);
    }
  }
});

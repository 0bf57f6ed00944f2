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

/** The store after `theirs` committed on HEAD (v3): v4, or v5 for a compaction (ReserveFragments, Rewrite). `Restore` means restoring v2. */
async function afterTheirs(theirs: LanceOp): Promise<VirtualStore> {
  const store = await storeWithFragments("a", "b");
  if (theirs === "Restore") expect(await store.datasets.restore(PERSON, null, v(2))).toBe(4);
  else expect((await store.datasets.commit(PERSON, null, v(3), deltas[theirs as keyof typeof deltas])).version).toBe(theirs === "Rewrite" ? 5 : 4);
  return store;
}

const headOf = (store: VirtualStore) => store.datasets.latestVersion(PERSON, null);

const staleCommit = (store: VirtualStore, delta: TxnDelta) => store.datasets.commit(PERSON, null, v(3), delta);

test("a stale Rewrite on a fragment an intervening Update, Delete or Rewrite touched is RetryableCommitConflict; re-executed writers retry past it", async () => {
  // A compaction's plan is its read version's fragments, even those gone by HEAD.
  for (const theirs of ["Update", "Merge", "Delete", "Rewrite"] as const) {
    await expectStorageError(
      staleCommit(await afterTheirs(theirs), { op: "Rewrite" }),
      "RetryableCommitConflict",
      `Retryable commit conflict for version ${theirs === "Rewrite" ? 5 : 4}: This Rewrite transaction was preempted by concurrent transaction ${theirs} at version ${theirs === "Rewrite" ? 5 : 4}. Please retry.`,
    );
  }
  // Lance's update, delete and merge-insert builders re-execute on a retryable conflict.
  for (const ours of [deltas.Update, deltas.Delete, deltas.Merge]) {
    for (const theirs of ["Update", "Delete", "Rewrite"] as const) {
      const store = await afterTheirs(theirs);
      const head = await headOf(store);
      expect((await staleCommit(store, ours)).version).toBe(head + 1);
    }
  }
});

test("CreateIndex, ReserveFragments and UpdateConfig are compatible both ways unless an Overwrite or Restore intervened", async () => {
  for (const metadata of ["CreateIndex", "ReserveFragments", "UpdateConfig"] as const) {
    for (const rowOp of ["Append", "Merge", "Update", "Delete", "Rewrite"] as const) {
      const oursStale = await afterTheirs(rowOp);
      const staleHead = await headOf(oursStale);
      expect((await staleCommit(oursStale, deltas[metadata])).version).toBe(staleHead + 1);
      const theirsFirst = await afterTheirs(metadata);
      const head = await headOf(theirsFirst);
      expect((await staleCommit(theirsFirst, deltas[rowOp])).version).toBe(head + (rowOp === "Rewrite" ? 2 : 1));
    }
  }
});

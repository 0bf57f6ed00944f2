// The rebase and conflict rules for a commit built on a stale read version (section 10.2).
// Every case starts from PERSON = v1 empty, v2 fragment 0 [a], v3 fragment 1 [b]; one
// transaction ("theirs") lands on HEAD as v4; then ours commits on read version 3.
import { test, expect } from "vitest";
import type { LanceOp, TxnDelta } from "../../../engine/storage/types.ts";
import type { VirtualStore } from "../../../sim/store/virtual-store.ts";
import { PERSON, expectStorageError, row, rowsAt, storeWithFragments, v } from "./helpers.ts";

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

test("a stale Append or Merge rebases over every op except Overwrite and Restore", async () => {
  for (const theirs of ["Append", "Merge", "Update", "Delete", "Rewrite", "ReserveFragments", "CreateIndex", "UpdateConfig"] as const) {
    const store = await afterTheirs(theirs);
    expect(await staleCommit(store, { op: "Append", rows: [row("s", 1)] })).toEqual({ version: 5, rowsAffected: 1 });
    expect(await store.datasets.commit(PERSON, null, v(3), { op: "Merge", rows: [row("t", 2)] })).toEqual({ version: 6, rowsAffected: 1 });
    const ids = (await rowsAt(store, v(6))).map((r) => r.id);
    expect(ids).toContain("s");
    expect(ids).toContain("t");
  }
});

test("a stale Update, Delete or Rewrite on a fragment an intervening Update, Delete or Rewrite touched is RetryableCommitConflict", async () => {
  const cases: [theirs: LanceOp, ours: TxnDelta][] = [
    ["Update", { op: "Update", rows: [row("a", 20)] }],
    ["Update", { op: "Delete", where: { anyOf: [{ column: "id", in: ["a"] }] } }],
    ["Update", { op: "Rewrite" }],
    // A compaction's plan is its read version's fragments, even those gone by HEAD.
    ["Delete", { op: "Rewrite" }],
    ["Rewrite", { op: "Rewrite" }],
  ];
  for (const [theirs, delta] of cases) {
    const store = await afterTheirs(theirs);
    await expectStorageError(
      staleCommit(store, delta),
      "RetryableCommitConflict",
      `Retryable commit conflict for version 4: This ${delta.op} transaction was preempted by concurrent transaction ${theirs} at version 4. Please retry.`,
    );
  }
  // Theirs deletes one row of a shared fragment; ours deletes the other one.
  const store = await storeWithFragments("a", "b");
  await store.datasets.commit(PERSON, null, v(3), { op: "Merge", rows: [row("x", 1), row("y", 2)] });
  await store.datasets.commit(PERSON, null, v(4), { op: "Delete", where: { anyOf: [{ column: "id", in: ["x"] }] } });
  await expectStorageError(
    store.datasets.commit(PERSON, null, v(4), { op: "Delete", where: { anyOf: [{ column: "id", in: ["y"] }] } }),
    "RetryableCommitConflict",
    "Retryable commit conflict for version 5: This Delete transaction was preempted by concurrent transaction Delete at version 5. Please retry.",
  );
});

test("a stale Update or Delete on fragments no intervening commit touched rebases onto HEAD", async () => {
  const updated = await afterTheirs("Update");
  expect(await staleCommit(updated, { op: "Update", rows: [row("b", 20)] })).toEqual({ version: 5, rowsAffected: 1 });
  expect(await rowsAt(updated, v(5))).toEqual([row("a", 10), row("b", 20)]);
  const deleted = await afterTheirs("Update");
  expect(await staleCommit(deleted, { op: "Delete", where: { anyOf: [{ column: "id", in: ["b"] }] } })).toEqual({
    version: 5,
    rowsAffected: 1,
  });
  expect(await rowsAt(deleted, v(5))).toEqual([row("a", 10)]);
});

test("a stale Overwrite conflicts with any concurrent commit", async () => {
  for (const theirs of ["Append", "CreateIndex", "ReserveFragments", "Rewrite"] as const) {
    const store = await afterTheirs(theirs);
    await expectStorageError(
      staleCommit(store, deltas.Overwrite),
      "CommitConflict",
      `Incompatible transaction: This Overwrite transaction is incompatible with concurrent transaction ${theirs} at version 4.`,
    );
  }
  const fresh = await afterTheirs("Append");
  expect(await fresh.datasets.commit(PERSON, null, v(4), deltas.Overwrite)).toEqual({ version: 5, rowsAffected: 1 });
});

test("every op conflicts with an intervening Overwrite or Restore", async () => {
  for (const theirs of ["Overwrite", "Restore"] as const) {
    for (const delta of Object.values(deltas)) {
      const store = await afterTheirs(theirs);
      await expectStorageError(
        staleCommit(store, delta),
        "CommitConflict",
        `Incompatible transaction: This ${delta.op} transaction is incompatible with concurrent transaction ${theirs} at version 4.`,
      );
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

test("the first incompatible intervening version decides the error", async () => {
  const store = await afterTheirs("Overwrite");
  await store.datasets.commit(PERSON, null, v(4), { op: "Update", rows: [row("o", 1)] });
  // v5 alone would be a retryable conflict; v4's Overwrite comes first.
  await expectStorageError(
    staleCommit(store, { op: "Update", rows: [row("o", 2)] }),
    "CommitConflict",
    "Incompatible transaction: This Update transaction is incompatible with concurrent transaction Overwrite at version 4.",
  );
});

test("a rejected commit leaves the dataset as it was", async () => {
  const store = await afterTheirs("Overwrite");
  const before = store.snapshot();
  await expectStorageError(staleCommit(store, deltas.Append), "CommitConflict");
  expect(store.snapshot().datasets).toBe(before.datasets);
  expect(await store.datasets.latestVersion(PERSON, null)).toBe(4);
});

// Stale commits on every backend (engine-model section 10.2): what rebases, what conflicts and
// with which error, and that a rejected commit changes nothing. The Lance backend applies the
// rules through its op log over Lance's real fragments (LanceDB alone would rebase them all).
import { test, expect } from "vitest";
import type { LanceOp, Storage, TxnDelta } from "../../engine/storage/types.ts";
import { PERSON, contract, expectStorageError, row, rowsAt, v } from "./contract.ts";

contract((k) => {
  const staleCommit = (s: Storage, delta: TxnDelta) => s.datasets.commit(PERSON, null, v(3), delta);

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
  async function afterTheirs(theirs: keyof typeof deltas | "Restore"): Promise<Storage> {
    const s = await k.withFragments("a", "b");
    if (theirs === "Restore") await s.datasets.restore(PERSON, null, v(2));
    else await s.datasets.commit(PERSON, null, v(3), deltas[theirs]);
    return s;
  }

  test("a stale Append or Merge rebases over every op except Overwrite and Restore", async () => {
    for (const theirs of ["Append", "Merge", "Update", "Delete", "Rewrite", "CreateIndex", "UpdateConfig"] as const) {
      const s = await afterTheirs(theirs);
      const head = await s.datasets.latestVersion(PERSON, null);
      expect(await s.datasets.commit(PERSON, null, v(3), { op: "Append", rows: [row("s", 1)] })).toEqual({ version: head + 1, rowsAffected: 1 });
      expect(await s.datasets.commit(PERSON, null, v(3), { op: "Merge", rows: [row("t", 2)] })).toEqual({ version: head + 2, rowsAffected: 1 });
      const ids = (await rowsAt(s, v(head + 2))).map((r) => r.id);
      expect(ids).toContain("s");
      expect(ids).toContain("t");
    }
  });

  test("every op conflicts with an intervening Overwrite or Restore, naming it", async () => {
    for (const theirs of ["Overwrite", "Restore"] as const) {
      for (const delta of Object.values(deltas)) {
        const s = await afterTheirs(theirs);
        await expectStorageError(
          s.datasets.commit(PERSON, null, v(3), delta),
          "CommitConflict",
          `Incompatible transaction: This ${delta.op} transaction is incompatible with concurrent transaction ${theirs} at version 4.`,
        );
      }
    }
  });

  test("a stale Overwrite conflicts with any concurrent commit; on HEAD it commits", async () => {
    for (const theirs of ["Append", "CreateIndex", "UpdateConfig"] as const) {
      const s = await afterTheirs(theirs);
      await expectStorageError(s.datasets.commit(PERSON, null, v(3), deltas.Overwrite), "CommitConflict");
    }
    const fresh = await afterTheirs("Append");
    expect(await fresh.datasets.commit(PERSON, null, v(4), deltas.Overwrite)).toEqual({ version: 5, rowsAffected: 1 });
  });

  test("update a / compaction on a stale handle: RetryableCommitConflict, the dataset unchanged", async () => {
    const s = await k.withFragments("a", "b", "c", "d");
    await s.datasets.commit(PERSON, null, v(5), { op: "Update", rows: [row("a", 10)] });
    await expectStorageError(
      s.datasets.commit(PERSON, null, v(5), { op: "Rewrite" }),
      "RetryableCommitConflict",
      "Retryable commit conflict for version 6: This Rewrite transaction was preempted by concurrent transaction Update at version 6. Please retry.",
    );
    expect(await s.datasets.latestVersion(PERSON, null)).toBe(6);
  });

  test("two stale Deletes of different rows of one fragment: RetryableCommitConflict, as in the model", async () => {
    const s = await k.withFragments("a", "b");
    // Merge inserts x and y into one new fragment on both backends.
    await s.datasets.commit(PERSON, null, v(3), { op: "Merge", rows: [row("x", 1), row("y", 2)] });
    await s.datasets.commit(PERSON, null, v(4), { op: "Delete", where: { anyOf: [{ column: "id", in: ["x"] }] } });
    await expectStorageError(
      s.datasets.commit(PERSON, null, v(4), { op: "Delete", where: { anyOf: [{ column: "id", in: ["y"] }] } }),
      "RetryableCommitConflict",
      "Retryable commit conflict for version 5: This Delete transaction was preempted by concurrent transaction Delete at version 5. Please retry.",
    );
  });

  test("a stale Update or Delete on fragments no intervening commit touched rebases onto HEAD", async () => {
    const updated = await afterTheirs("Update");
    expect(await updated.datasets.commit(PERSON, null, v(3), { op: "Update", rows: [row("b", 20)] })).toEqual({ version: 5, rowsAffected: 1 });
    expect(await rowsAt(updated, v(5))).toEqual([row("a", 10), row("b", 20)]);
    const deleted = await afterTheirs("Update");
    expect(await deleted.datasets.commit(PERSON, null, v(3), { op: "Delete", where: { anyOf: [{ column: "id", in: ["b"] }] } })).toEqual({
      version: 5,
      rowsAffected: 1,
    });
  });

  test("a rejected commit leaves the dataset and its op log as they were", async () => {
    const s = await afterTheirs("Overwrite");
    const before = await s.datasets.versions(PERSON, null);
    await expectStorageError(s.datasets.commit(PERSON, null, v(3), deltas.Append), "CommitConflict");
    expect(await s.datasets.versions(PERSON, null)).toEqual(before);
    expect(await rowsAt(s, v(4))).toEqual([row("o", 0)]);
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
});

// Stale commits on every backend (engine-model section 10.2, which is Lance's conflict resolver):
// what rebases, what conflicts and with which error, and that a rejected commit changes nothing. The Lance backend applies the
// rules through its op log over Lance's real fragments (LanceDB alone would rebase them all).
import { test, expect } from "vitest";
import type { LanceOp, Storage, TxnDelta } from "../../engine/storage/types.ts";
import { PERSON, contract, expectStorageError, row, rowsAt, v } from "./contract.ts";

contract((k) => {
  const staleCommit = (s: Storage, delta: TxnDelta) => s.datasets.commit(PERSON, null, v(3), delta);

  const deleteA: TxnDelta = { op: "Delete", where: { anyOf: [{ column: "id", in: ["a"] }] } };

  /** Upstream's keyed write: a merge-insert staged at its read version and committed once. */
  const staged = (rows: TxnDelta extends infer _ ? ReturnType<typeof row>[] : never): TxnDelta => ({ op: "StagedMergeInsert", rows });

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

  test("every op but an Overwrite conflicts with an intervening Overwrite or Restore, naming it", async () => {
    for (const theirs of ["Overwrite", "Restore"] as const) {
      for (const delta of [...Object.values(deltas), staged([row("a", 10)])].filter((d) => d.op !== "Overwrite")) {
        const s = await afterTheirs(theirs);
        await expectStorageError(
          s.datasets.commit(PERSON, null, v(3), delta),
          "CommitConflict",
          `Incompatible transaction: This ${delta.op === "StagedMergeInsert" ? "Update" : delta.op} transaction is incompatible with concurrent transaction ${theirs} at version 4.`,
        );
      }
    }
  });

  // Lance's `check_overwrite_txn`: an Overwrite conflicts only with a write of the same config key.
  test("a stale Overwrite commits over any concurrent commit, replacing everything", async () => {
    for (const theirs of ["Append", "Merge", "Update", "Delete", "Rewrite", "CreateIndex", "UpdateConfig", "Overwrite", "Restore"] as const) {
      const s = await afterTheirs(theirs);
      const head = await s.datasets.latestVersion(PERSON, null);
      expect(await s.datasets.commit(PERSON, null, v(3), deltas.Overwrite)).toEqual({ version: head + 1, rowsAffected: 1 });
      expect(await rowsAt(s, v(head + 1))).toEqual([row("o", 0)]);
    }
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

  test("two stale Deletes of different rows of one fragment: the second re-executes on HEAD and commits", async () => {
    const s = await k.withFragments("a", "b");
    // Merge inserts x and y into one new fragment on both backends.
    await s.datasets.commit(PERSON, null, v(3), { op: "Merge", rows: [row("x", 1), row("y", 2)] });
    await s.datasets.commit(PERSON, null, v(4), { op: "Delete", where: { anyOf: [{ column: "id", in: ["x"] }] } });
    expect(await s.datasets.commit(PERSON, null, v(4), { op: "Delete", where: { anyOf: [{ column: "id", in: ["y"] }] } })).toEqual({ version: 6, rowsAffected: 1 });
    expect((await rowsAt(s, v(6))).map((r) => r.id)).toEqual(["a", "b"]);
  });

  test("a staged merge-insert moves the rows it matched into one new fragment with the rest, as one Update", async () => {
    const s = await k.withFragments("a", "b");
    expect(await s.datasets.commit(PERSON, null, v(3), staged([row("a", 10), row("n", 1)]))).toEqual({ version: 4, rowsAffected: 2 });
    expect(await rowsAt(s, v(4))).toEqual([row("a", 10), row("b", 1), row("n", 1)]);
    expect((await s.datasets.checkout(PERSON, null, v(4))).fragments).toBe(2);
    expect((await s.datasets.versions(PERSON, null)).at(-1)).toEqual({ version: 4, op: "Update", readVersion: 3 });
  });

  test("a stale staged merge-insert of a row whose fragment an intervening Update, Delete or Rewrite touched is RetryableCommitConflict: no resurrection", async () => {
    for (const theirs of ["Update", "Merge", "Delete", "Rewrite"] as const) {
      const s = await k.withFragments("a", "b");
      await s.datasets.commit(PERSON, null, v(3), theirs === "Rewrite" ? deltas.Rewrite : theirs === "Delete" ? deleteA : { op: theirs, rows: [row("a", 30)] });
      const head = await s.datasets.latestVersion(PERSON, null);
      const e = await expectStorageError(s.datasets.commit(PERSON, null, v(3), staged([row("a", 10)])), "RetryableCommitConflict");
      expect(e.message).toMatch(new RegExp(`This Update transaction was preempted by concurrent transaction ${theirs} at version ${head}`));
      expect(await s.datasets.latestVersion(PERSON, null)).toBe(head);
    }
  });

  test("a stale staged merge-insert rebases when nothing touched the fragments it rewrites, or when it only inserts", async () => {
    const s = await afterTheirs("Append");
    expect(await s.datasets.commit(PERSON, null, v(3), staged([row("b", 20), row("z", 0)]))).toEqual({ version: 5, rowsAffected: 2 });
    expect(await rowsAt(s, v(5))).toEqual([row("a", 0), row("b", 20), row("n", 0), row("z", 0)]);
    const deleted = await afterTheirs("Delete");
    expect(await deleted.datasets.commit(PERSON, null, v(3), staged([row("q", 0)]))).toEqual({ version: 5, rowsAffected: 1 });
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

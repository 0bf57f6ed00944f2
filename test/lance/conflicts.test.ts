// Stale commits on the Lance backend: the adapter's op log applies section 10.2 over Lance's
// real fragments (LanceDB itself would rebase every one of these silently). Where Lance's
// fragments differ from the model's, so can the outcome; those cases are pinned here and listed
// in docs/fidelity.md.
import { test, expect } from "vitest";
import type { LanceOp, TxnDelta } from "../../engine/storage/types.ts";
import type { LanceStorage } from "../../backends/lance/lance-storage.ts";
import { PERSON, expectStorageError, row, rowsAt, v, withFragments, withPerson } from "./helpers.ts";

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
  const s = await withFragments("a", "b", "c", "d");
  await s.datasets.commit(PERSON, null, v(5), { op: "Update", rows: [row("a", 10)] });
  await expectStorageError(
    s.datasets.commit(PERSON, null, v(5), { op: "Rewrite" }),
    "RetryableCommitConflict",
    "Retryable commit conflict for version 6: This Rewrite transaction was preempted by concurrent transaction Update at version 6. Please retry.",
  );
  expect(await s.datasets.latestVersion(PERSON, null)).toBe(6);
});

test("two stale Deletes of different rows of one fragment: RetryableCommitConflict, as in the model", async () => {
  const s = await withFragments("a", "b");
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

test("the stale-writer table of the dependency probe", async () => {
  // add / add: both rows kept.
  const adds = await withPerson();
  await adds.datasets.commit(PERSON, null, v(1), { op: "Append", rows: [row("a", 1)] });
  expect(await adds.datasets.commit(PERSON, null, v(1), { op: "Append", rows: [row("b", 2)] })).toEqual({ version: 3, rowsAffected: 1 });
  // delete a / delete a: the second still commits, with 0 rows.
  const deletes = await withFragments("a", "b");
  await deletes.datasets.commit(PERSON, null, v(3), deleteA);
  expect(await deletes.datasets.commit(PERSON, null, v(3), deleteA)).toEqual({ version: 5, rowsAffected: 0 });
  // delete a / update a: nothing updated, the row stays deleted.
  const gone = await withFragments("a", "b");
  await gone.datasets.commit(PERSON, null, v(3), deleteA);
  expect(await gone.datasets.commit(PERSON, null, v(3), { op: "Update", rows: [row("a", 10)] })).toEqual({ version: 5, rowsAffected: 0 });
  expect(await rowsAt(gone, v(5))).toEqual([row("b", 1)]);
  // mergeInsert new key x / stale mergeInsert x: the second updates x.
  const merges = await withPerson();
  await merges.datasets.commit(PERSON, null, v(1), { op: "Merge", rows: [row("x", 10)] });
  expect(await merges.datasets.commit(PERSON, null, v(1), { op: "Merge", rows: [row("x", 20)] })).toEqual({ version: 3, rowsAffected: 1 });
  expect(await rowsAt(merges, v(3))).toEqual([row("x", 20)]);
  // compaction / stale update, delete or mergeInsert: rebased onto the compacted fragment.
  for (const delta of [{ op: "Update", rows: [row("a", 10)] }, deleteA, { op: "Merge", rows: [row("a", 10)] }] as TxnDelta[]) {
    const s = await withFragments("a", "b", "c", "d", "e");
    const compacted = await s.datasets.commit(PERSON, null, v(6), { op: "Rewrite" });
    expect(compacted.version).toBe(8); // ReserveFragments, then Rewrite
    expect((await s.datasets.commit(PERSON, null, v(6), delta)).rowsAffected).toBe(1);
  }
  // createIndex / stale update: succeeds, the index stays.
  const indexed = await withFragments("a");
  await indexed.datasets.commit(PERSON, null, v(2), { op: "CreateIndex", index: "id_idx" });
  expect(await indexed.datasets.commit(PERSON, null, v(2), { op: "Update", rows: [row("a", 10)] })).toEqual({ version: 4, rowsAffected: 1 });
  expect((await indexed.datasets.checkout(PERSON, null, v(4))).indices).toEqual(["id_idx"]);
});

test("a rejected commit leaves the dataset and its op log as they were", async () => {
  const s = await afterTheirs("Overwrite");
  const before = await s.datasets.versions(PERSON, null);
  await expectStorageError(s.datasets.commit(PERSON, null, v(3), deltas.Append), "CommitConflict");
  expect(await s.datasets.versions(PERSON, null)).toEqual(before);
  expect(await rowsAt(s, v(4))).toEqual([row("o", 0)]);
});

// The dependency probe's stale-writer table on every backend: one writer commits on HEAD, another
// on the version before it.
import { test, expect } from "vitest";
import { PERSON, contract, expectStorageError, row, rowsAt, v } from "./contract.ts";

contract((k) => {

  const deleteA = { op: "Delete", where: { anyOf: [{ column: "id", in: ["a"] }] } } as const;

  test("add / add: both rows are kept", async () => {
    const store = await k.withPerson();
    await store.datasets.commit(PERSON, null, v(1), { op: "Append", rows: [row("a", 1)] });
    expect(await store.datasets.commit(PERSON, null, v(1), { op: "Append", rows: [row("b", 2)] })).toEqual({ version: 3, rowsAffected: 1 });
    expect(await rowsAt(store, v(3))).toEqual([row("a", 1), row("b", 2)]);
  });

  test("delete a / delete a: the second still commits, with 0 rows", async () => {
    const store = await k.withFragments("a", "b");
    expect(await store.datasets.commit(PERSON, null, v(3), deleteA)).toEqual({ version: 4, rowsAffected: 1 });
    expect(await store.datasets.commit(PERSON, null, v(3), deleteA)).toEqual({ version: 5, rowsAffected: 0 });
    expect(await rowsAt(store, v(5))).toEqual([row("b", 1)]);
  });

  test("delete a / update a: the update changes nothing and the row stays deleted", async () => {
    const store = await k.withFragments("a", "b");
    await store.datasets.commit(PERSON, null, v(3), deleteA);
    expect(await store.datasets.commit(PERSON, null, v(3), { op: "Update", rows: [row("a", 10)] })).toEqual({ version: 5, rowsAffected: 0 });
    expect(await rowsAt(store, v(5))).toEqual([row("b", 1)]);
  });

  test("mergeInsert new key x / stale mergeInsert x: the second updates x instead of inserting it", async () => {
    const store = await k.withPerson();
    await store.datasets.commit(PERSON, null, v(1), { op: "Merge", rows: [row("x", 10)] });
    expect(await store.datasets.commit(PERSON, null, v(1), { op: "Merge", rows: [row("x", 20)] })).toEqual({ version: 3, rowsAffected: 1 });
    expect(await store.datasets.checkout(PERSON, null, v(3))).toEqual({ version: 3, rows: [row("x", 20)], indices: [], fragments: 1 });
  });

  test("overwrite / add: the stale add fails as incompatible with the Overwrite", async () => {
    const store = await k.withFragments("a");
    await store.datasets.commit(PERSON, null, v(2), { op: "Overwrite", rows: [row("o")] });
    await expectStorageError(
      store.datasets.commit(PERSON, null, v(2), { op: "Append", rows: [row("b")] }),
      "CommitConflict",
      "Incompatible transaction: This Append transaction is incompatible with concurrent transaction Overwrite at version 3.",
    );
  });

  test("compaction / update, delete or mergeInsert: the stale writer rebases onto the compacted fragment", async () => {
    const writes = [
      { delta: { op: "Update", rows: [row("a", 10)] }, rows: [row("a", 10), row("b", 1), row("c", 2), row("d", 3), row("e", 4)] },
      { delta: deleteA, rows: [row("b", 1), row("c", 2), row("d", 3), row("e", 4)] },
      { delta: { op: "Merge", rows: [row("a", 10)] }, rows: [row("a", 10), row("b", 1), row("c", 2), row("d", 3), row("e", 4)] },
    ] as const;
    for (const { delta, rows } of writes) {
      const store = await k.withFragments("a", "b", "c", "d", "e");
      // A compaction commits ReserveFragments then Rewrite, on both backends.
      const compacted = await store.datasets.commit(PERSON, null, v(6), { op: "Rewrite" });
      expect(compacted).toEqual({ version: 8, rowsAffected: 0 });
      const after = compacted.version + 1;
      expect(await store.datasets.commit(PERSON, null, v(6), delta)).toEqual({ version: after, rowsAffected: 1 });
      // Rows only: Lance moves an updated row to a new fragment, the model updates it in place.
      expect(await rowsAt(store, v(after))).toEqual(rows);
    }
  });

  test("update a / compaction on a stale handle: RetryableCommitConflict, the dataset unchanged", async () => {
    const store = await k.withFragments("a", "b", "c", "d");
    await store.datasets.commit(PERSON, null, v(5), { op: "Update", rows: [row("a", 10)] });
    await expectStorageError(
      store.datasets.commit(PERSON, null, v(5), { op: "Rewrite" }),
      "RetryableCommitConflict",
      "Retryable commit conflict for version 6: This Rewrite transaction was preempted by concurrent transaction Update at version 6. Please retry.",
    );
    expect(await store.datasets.latestVersion(PERSON, null)).toBe(6);
  });

  test("createIndex / update: the stale update succeeds and the index stays", async () => {
    const store = await k.withFragments("a");
    await store.datasets.commit(PERSON, null, v(2), { op: "CreateIndex", index: "id_idx" });
    expect(await store.datasets.commit(PERSON, null, v(2), { op: "Update", rows: [row("a", 10)] })).toEqual({ version: 4, rowsAffected: 1 });
    expect(await store.datasets.checkout(PERSON, null, v(4))).toEqual({ version: 4, rows: [row("a", 10)], indices: ["id_idx"], fragments: 1 });
  });

  test("add / restore on a stale handle: the restore erases the row added in between", async () => {
    const store = await k.withFragments("a");
    await store.datasets.commit(PERSON, null, v(2), { op: "Append", rows: [row("b")] });
    expect(await store.datasets.restore(PERSON, null, v(2))).toBe(4);
    expect(await rowsAt(store, v(4))).toEqual([row("a", 0)]);
  });
});

// Restore and cleanup on every backend: a restore commits the old content as a new HEAD and wins
// over what came between; cleanup drops every version older than HEAD.
import { test, expect } from "vitest";
import { PERSON, contract, expectStorageError, row, rowsAt, v } from "./contract.ts";

contract((k) => {

  test("restore commits a new HEAD with op Restore holding the restored version's rows and indices", async () => {
    const s = await k.withFragments("a", "b");
    await s.datasets.commit(PERSON, null, v(3), { op: "CreateIndex", index: "id_idx" });
    await s.datasets.commit(PERSON, null, v(4), { op: "Overwrite", rows: [row("o")] });
    await s.datasets.commit(PERSON, null, v(5), { op: "Append", rows: [row("p")] });
    expect(await s.datasets.restore(PERSON, null, v(4))).toBe(7);
    expect(await s.datasets.checkout(PERSON, null, v(7))).toEqual({ version: 7, rows: [row("a", 0), row("b", 1)], indices: ["id_idx"], fragments: 2 });
    expect((await s.datasets.versions(PERSON, null)).at(-1)).toEqual({ version: 7, op: "Restore", readVersion: 4 });
    expect(await rowsAt(s, v(6))).toEqual([row("o"), row("p")]);
    // Restoring HEAD itself still commits a version.
    expect(await s.datasets.restore(PERSON, null, v(7))).toBe(8);
  });

  test("restoring a version that never existed or was cleaned up is VersionNotFound", async () => {
    const s = await k.withFragments("a", "b");
    await expectStorageError(s.datasets.restore(PERSON, null, v(9)), "VersionNotFound");
    await s.datasets.cleanup(PERSON, null);
    await expectStorageError(s.datasets.restore(PERSON, null, v(2)), "VersionNotFound", "Version not found error: version main:2 does not exist");
    expect(await s.datasets.latestVersion(PERSON, null)).toBe(3);
  });

  test("a commit built before a restore conflicts with it", async () => {
    const store = await k.withFragments("a");
    await store.datasets.restore(PERSON, null, v(1));
    await expectStorageError(
      store.datasets.commit(PERSON, null, v(2), { op: "Merge", rows: [row("b")] }),
      "CommitConflict",
      "Incompatible transaction: This Merge transaction is incompatible with concurrent transaction Restore at version 3.",
    );
  });

  test("cleanup removes every version older than HEAD, adds none, and returns how many it removed", async () => {
    const store = await k.withFragments("a", "b", "c");
    expect(await store.datasets.cleanup(PERSON, null)).toBe(3);
    expect(await store.datasets.latestVersion(PERSON, null)).toBe(4);
    expect(await store.datasets.versions(PERSON, null)).toEqual([{ version: 4, op: "Append", readVersion: 3 }]);
    expect(await rowsAt(store, v(4))).toEqual([row("a", 0), row("b", 1), row("c", 2)]);
    for (const removed of [1, 2, 3]) await expectStorageError(store.datasets.checkout(PERSON, null, v(removed)), "VersionNotFound");
    expect(await store.datasets.cleanup(PERSON, null)).toBe(0);
  });

  test("after cleanup commits continue from HEAD and a read version that was cleaned up is VersionNotFound", async () => {
    const store = await k.withFragments("a", "b");
    await store.datasets.cleanup(PERSON, null);
    expect(await store.datasets.commit(PERSON, null, v(3), { op: "Append", rows: [row("c")] })).toEqual({ version: 4, rowsAffected: 1 });
    await expectStorageError(store.datasets.commit(PERSON, null, v(2), { op: "Append", rows: [row("d")] }), "VersionNotFound");
    expect(await store.datasets.versions(PERSON, null)).toEqual([
      { version: 3, op: "Append", readVersion: 2 },
      { version: 4, op: "Append", readVersion: 3 },
    ]);
  });

  test("cleanup of a dataset at v1 removes nothing", async () => {
    const store = await k.withPerson();
    expect(await store.datasets.cleanup(PERSON, null)).toBe(0);
    expect(await store.datasets.versions(PERSON, null)).toEqual([{ version: 1, op: "Create", readVersion: 0 }]);
  });
});

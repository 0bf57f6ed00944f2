// Datasets on every backend: create (empty or with rows), versions, checkout, each transaction kind on HEAD, the row
// encoding, and the lookup and input errors.
import { test, expect } from "vitest";
import type { DatasetPath, Row } from "../../engine/storage/types.ts";
import { PERSON, contract, expectStorageError, row, rowsAt, v } from "./contract.ts";

contract((k) => {

  test("create gives v1 with op Create and no content; creating again is AlreadyExists", async () => {
    const s = k.storage();
    expect(await s.datasets.exists(PERSON)).toBe(false);
    expect(await s.datasets.create(PERSON)).toBe(1);
    expect(await s.datasets.exists(PERSON)).toBe(true);
    expect(await s.datasets.latestVersion(PERSON, null)).toBe(1);
    expect(await s.datasets.checkout(PERSON, null, v(1))).toEqual({ version: 1, rows: [], indices: [], fragments: 0 });
    expect(await s.datasets.versions(PERSON, null)).toEqual([{ version: 1, op: "Create", readVersion: 0 }]);
    await expectStorageError(s.datasets.create(PERSON), "AlreadyExists", "Dataset already exists: nodes/person");
  });

  test("create with rows gives v1 holding them, in one Create commit", async () => {
    const s = k.storage();
    expect(await s.datasets.create(PERSON, [row("b", 2), row("a", 1)])).toBe(1);
    expect(await rowsAt(s, v(1))).toEqual([row("a", 1), row("b", 2)]);
    expect(await s.datasets.versions(PERSON, null)).toEqual([{ version: 1, op: "Create", readVersion: 0 }]);
    expect(await s.datasets.commit(PERSON, null, v(1), { op: "Append", rows: [row("c")] })).toEqual({ version: 2, rowsAffected: 1 });
  });

  test("every commit on HEAD but a compaction appends exactly one version", async () => {
    const s = await k.withPerson();
    expect(await s.datasets.commit(PERSON, null, v(1), { op: "Append", rows: [row("a")] })).toEqual({ version: 2, rowsAffected: 1 });
    expect(await s.datasets.commit(PERSON, null, v(2), { op: "CreateIndex", index: "id_idx" })).toEqual({ version: 3, rowsAffected: 0 });
    expect(await s.datasets.commit(PERSON, null, v(3), { op: "UpdateConfig", key: "k", value: "x" })).toEqual({ version: 4, rowsAffected: 0 });
    expect(await s.datasets.commit(PERSON, null, v(4), { op: "Append", rows: [] })).toEqual({ version: 5, rowsAffected: 0 });
    expect(await s.datasets.commit(PERSON, null, v(5), { op: "Merge", rows: [] })).toEqual({ version: 6, rowsAffected: 0 });
    expect(await s.datasets.commit(PERSON, null, v(6), { op: "Update", rows: [row("zz")] })).toEqual({ version: 7, rowsAffected: 0 });
    expect(await s.datasets.commit(PERSON, null, v(7), { op: "Delete", where: { anyOf: [] } })).toEqual({ version: 8, rowsAffected: 0 });
    expect(await s.datasets.commit(PERSON, null, v(8), { op: "UpdateConfig", key: "k", value: null })).toEqual({ version: 9, rowsAffected: 0 });
    expect(await s.datasets.latestVersion(PERSON, null)).toBe(9);
    expect((await s.datasets.versions(PERSON, null)).map((e) => e.op)).toEqual([
      "Create",
      "Append",
      "CreateIndex",
      "UpdateConfig",
      "Append",
      "Merge",
      "Update",
      "Delete",
      "UpdateConfig",
    ]);
  });

  test("checkout returns the content at a version with rows sorted by id, and VersionNotFound past HEAD", async () => {
    const s = await k.withPerson();
    await s.datasets.commit(PERSON, null, v(1), { op: "Append", rows: [row("c", 3), row("a", 1)] });
    await s.datasets.commit(PERSON, null, v(2), { op: "Append", rows: [row("b", 2)] });
    expect(await rowsAt(s, v(2))).toEqual([row("a", 1), row("c", 3)]);
    expect(await s.datasets.checkout(PERSON, null, v(3))).toEqual({
      version: 3,
      rows: [row("a", 1), row("b", 2), row("c", 3)],
      indices: [],
      fragments: 2,
    });
    await expectStorageError(s.datasets.checkout(PERSON, null, v(4)), "VersionNotFound", "Version not found error: version main:4 does not exist");
    await expectStorageError(s.datasets.checkout(PERSON, null, v(0)), "VersionNotFound");
    // A checkout leaves the table tracking HEAD: the next commit lands on it.
    expect(await s.datasets.commit(PERSON, null, v(3), { op: "Append", rows: [row("d")] })).toEqual({ version: 4, rowsAffected: 1 });
  });

  test("Merge replaces matched rows and inserts the rest; Update replaces existing rows and skips missing ids", async () => {
    const s = await k.withFragments("a", "b");
    expect(await s.datasets.commit(PERSON, null, v(3), { op: "Merge", rows: [row("a", 10), row("x", 9)] })).toEqual({ version: 4, rowsAffected: 2 });
    expect(await s.datasets.commit(PERSON, null, v(4), { op: "Update", rows: [row("b", 20), row("gone", 0)] })).toEqual({ version: 5, rowsAffected: 1 });
    expect(await rowsAt(s, v(5))).toEqual([row("a", 10), row("b", 20), row("x", 9)]);
  });

  test("Delete selects on any column, key or not, and on null", async () => {
    const s = await k.withPerson();
    await s.datasets.commit(PERSON, null, v(1), {
      op: "Append",
      rows: [row("a", 1), row("b", 2), row("c", null), { id: "d" }, { id: "e", src: "a", dst: "b" }],
    });
    const deleted = await s.datasets.commit(PERSON, null, v(2), {
      op: "Delete",
      where: { anyOf: [{ column: "value", in: [2, null] }, { column: "src", in: ["a"] }] },
    });
    expect(deleted).toEqual({ version: 3, rowsAffected: 3 });
    // `d` has no value column at all: a predicate on it selects nothing.
    expect(await rowsAt(s, v(3))).toEqual([row("a", 1), { id: "d" }]);
  });

  test("Delete of one of two rows sharing an id removes exactly that row", async () => {
    const s = await k.withPerson();
    await s.datasets.commit(PERSON, null, v(1), { op: "Append", rows: [row("a", 1)] });
    await s.datasets.commit(PERSON, null, v(2), { op: "Append", rows: [row("a", 2), row("b", 3)] });
    expect(await s.datasets.commit(PERSON, null, v(3), { op: "Delete", where: { anyOf: [{ column: "value", in: [2, 3] }] } })).toEqual({
      version: 4,
      rowsAffected: 2,
    });
    expect(await rowsAt(s, v(4))).toEqual([row("a", 1)]);
  });

  test("Overwrite replaces everything and drops every index; CreateIndex survives other writes and compaction", async () => {
    const s = await k.withFragments("a", "b");
    await s.datasets.commit(PERSON, null, v(3), { op: "CreateIndex", index: "id_idx" });
    await s.datasets.commit(PERSON, null, v(4), { op: "CreateIndex", index: "value_idx" });
    await s.datasets.commit(PERSON, null, v(5), { op: "Append", rows: [row("c")] });
    const compacted = await s.datasets.commit(PERSON, null, v(6), { op: "Rewrite" });
    expect((await s.datasets.checkout(PERSON, null, compacted.version)).indices).toEqual(["id_idx", "value_idx"]);
    const over = await s.datasets.commit(PERSON, null, compacted.version, { op: "Overwrite", rows: [row("z", 26)] });
    expect(await s.datasets.checkout(PERSON, null, over.version)).toEqual({ version: over.version, rows: [row("z", 26)], indices: [], fragments: 1 });
  });

  test("rows round-trip exactly: strings, numbers, booleans, null, absent columns, non-string src and dst", async () => {
    const s = await k.withPerson();
    const rows: Row[] = [
      { id: "a", name: "it's \\ \"quoted\" ünïcødé 🦀", n: -1.5, big: 2 ** 53 - 1, ok: true, no: false, none: null },
      { id: "b" },
      { id: "c", src: 7, dst: null },
      { id: "d", src: "a", dst: "b", since: 2020 },
    ];
    await s.datasets.commit(PERSON, null, v(1), { op: "Append", rows });
    expect(await rowsAt(s, v(2))).toEqual(rows);
  });

  test("a read version ahead of HEAD is InvalidInput and one that never existed is VersionNotFound", async () => {
    const s = await k.withPerson();
    await expectStorageError(s.datasets.commit(PERSON, null, v(2), { op: "Append", rows: [row("a")] }), "InvalidInput");
    await expectStorageError(s.datasets.commit(PERSON, null, v(0), { op: "Append", rows: [row("a")] }), "VersionNotFound");
    expect(await s.datasets.latestVersion(PERSON, null)).toBe(1);
  });

  test("every method on a missing dataset is NotFound, and so is any dataset branch", async () => {
    const s = await k.withPerson();
    const missing = "nodes/nobody" as DatasetPath;
    await expectStorageError(s.datasets.latestVersion(missing, null), "NotFound", "Dataset at path nodes/nobody was not found");
    await expectStorageError(s.datasets.checkout(missing, null, v(1)), "NotFound");
    await expectStorageError(s.datasets.commit(missing, null, v(1), { op: "Append", rows: [row("a")] }), "NotFound");
    await expectStorageError(s.datasets.restore(missing, null, v(1)), "NotFound");
    await expectStorageError(s.datasets.versions(missing, null), "NotFound");
    await expectStorageError(s.datasets.cleanup(missing, null), "NotFound");
    await expectStorageError(s.datasets.latestVersion(PERSON, "feature"), "NotFound", "Branch feature not found in dataset nodes/person");
    await expectStorageError(s.datasets.commit(PERSON, "feature", v(1), { op: "Append", rows: [row("a")] }), "NotFound");
  });

  test("calls made concurrently run one at a time, as if in the order they were made", async () => {
    const s = await k.withPerson();
    const results = await Promise.all([
      s.datasets.commit(PERSON, null, v(1), { op: "Append", rows: [row("a")] }),
      s.datasets.commit(PERSON, null, v(2), { op: "Append", rows: [row("b")] }),
      s.datasets.commit(PERSON, null, v(3), { op: "Append", rows: [row("c")] }),
    ]);
    expect(results.map((r) => r.version)).toEqual([2, 3, 4]);
  });

  test("versions lists version, op and read version oldest first, a rebased commit keeping its read version", async () => {
    const store = await k.withPerson();
    await store.datasets.commit(PERSON, null, v(1), { op: "Append", rows: [row("a")] });
    await store.datasets.commit(PERSON, null, v(1), { op: "Merge", rows: [row("b")] });
    await store.datasets.commit(PERSON, null, v(3), { op: "Delete", where: { anyOf: [{ column: "id", in: ["a"] }] } });
    expect(await store.datasets.versions(PERSON, null)).toEqual([
      { version: 1, op: "Create", readVersion: 0 },
      { version: 2, op: "Append", readVersion: 1 },
      { version: 3, op: "Merge", readVersion: 1 },
      { version: 4, op: "Delete", readVersion: 3 },
    ]);
  });

  test("rows handed to a commit are copied: mutating the caller's objects changes nothing stored", async () => {
    const store = await k.withPerson();
    const mine = { id: "a", value: 1 };
    await store.datasets.commit(PERSON, null, v(1), { op: "Append", rows: [mine] });
    mine.value = 99;
    expect(await rowsAt(store, v(2))).toEqual([row("a", 1)]);
  });

  test("Merge and Update with two source rows for one id are InvalidInput", async () => {
    const store = await k.withPerson();
    await expectStorageError(store.datasets.commit(PERSON, null, v(1), { op: "Merge", rows: [row("a", 1), row("a", 2)] }), "InvalidInput");
    await expectStorageError(store.datasets.commit(PERSON, null, v(1), { op: "Update", rows: [row("a", 1), row("a", 2)] }), "InvalidInput");
    expect(await store.datasets.latestVersion(PERSON, null)).toBe(1);
  });
});

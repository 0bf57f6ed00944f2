// Dataset versions: create, +1 per commit, checkout, versions, and the lookup errors.
import { test, expect } from "vitest";
import type { DatasetPath } from "../../../engine/storage/types.ts";
import { VirtualStore } from "../../../sim/store/virtual-store.ts";
import { PERSON, expectStorageError, row, rowsAt, storeWithPerson, v } from "./helpers.ts";

test("create gives v1 with op Create and no content; creating again is AlreadyExists", async () => {
  const store = new VirtualStore();
  expect(await store.datasets.exists(PERSON)).toBe(false);
  expect(await store.datasets.create(PERSON)).toBe(1);
  expect(await store.datasets.exists(PERSON)).toBe(true);
  expect(await store.datasets.latestVersion(PERSON, null)).toBe(1);
  expect(await store.datasets.checkout(PERSON, null, v(1))).toEqual({ version: 1, rows: [], indices: [], fragments: 0 });
  expect(await store.datasets.versions(PERSON, null)).toEqual([{ version: 1, op: "Create", readVersion: 0 }]);
  await expectStorageError(store.datasets.create(PERSON), "AlreadyExists");
});

test("every commit on HEAD appends exactly one version", async () => {
  const store = await storeWithPerson();
  expect(await store.datasets.commit(PERSON, null, v(1), { op: "Append", rows: [row("a")] })).toEqual({ version: 2, rowsAffected: 1 });
  expect(await store.datasets.commit(PERSON, null, v(2), { op: "CreateIndex", index: "id_idx" })).toEqual({ version: 3, rowsAffected: 0 });
  expect(await store.datasets.commit(PERSON, null, v(3), { op: "ReserveFragments" })).toEqual({ version: 4, rowsAffected: 0 });
  expect(await store.datasets.commit(PERSON, null, v(4), { op: "UpdateConfig", key: "k", value: "x" })).toEqual({ version: 5, rowsAffected: 0 });
  expect(await store.datasets.commit(PERSON, null, v(5), { op: "Append", rows: [] })).toEqual({ version: 6, rowsAffected: 0 });
  expect(await store.datasets.latestVersion(PERSON, null)).toBe(6);
});

test("checkout returns the content at a version with rows sorted by id", async () => {
  const store = await storeWithPerson();
  await store.datasets.commit(PERSON, null, v(1), { op: "Append", rows: [row("c", 3), row("a", 1)] });
  await store.datasets.commit(PERSON, null, v(2), { op: "Append", rows: [row("b", 2)] });
  expect(await rowsAt(store, v(2))).toEqual([row("a", 1), row("c", 3)]);
  expect(await store.datasets.checkout(PERSON, null, v(3))).toEqual({
    version: 3,
    rows: [row("a", 1), row("b", 2), row("c", 3)],
    indices: [],
    fragments: 2,
  });
  await expectStorageError(store.datasets.checkout(PERSON, null, v(4)), "VersionNotFound", "Version not found error: version main:4 does not exist");
});

test("versions lists version, op and read version oldest first, a rebased commit keeping its read version", async () => {
  const store = await storeWithPerson();
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

test("a read version ahead of HEAD is InvalidInput and one that never existed is VersionNotFound", async () => {
  const store = await storeWithPerson();
  await expectStorageError(store.datasets.commit(PERSON, null, v(2), { op: "Append", rows: [row("a")] }), "InvalidInput");
  await expectStorageError(store.datasets.commit(PERSON, null, v(0), { op: "Append", rows: [row("a")] }), "VersionNotFound");
  expect(await store.datasets.latestVersion(PERSON, null)).toBe(1);
});

test("every method on a missing dataset is NotFound", async () => {
  const store = await storeWithPerson();
  const missing = "nodes/nobody" as DatasetPath;
  await expectStorageError(store.datasets.latestVersion(missing, null), "NotFound", "Dataset at path nodes/nobody was not found");
  await expectStorageError(store.datasets.checkout(missing, null, v(1)), "NotFound");
  await expectStorageError(store.datasets.commit(missing, null, v(1), { op: "Append", rows: [row("a")] }), "NotFound");
  await expectStorageError(store.datasets.restore(missing, null, v(1)), "NotFound");
  await expectStorageError(store.datasets.versions(missing, null), "NotFound");
  await expectStorageError(store.datasets.cleanup(missing, null), "NotFound");
});

test("a dataset branch that does not exist is NotFound", async () => {
  const store = await storeWithPerson();
  await expectStorageError(store.datasets.latestVersion(PERSON, "feature"), "NotFound");
  await expectStorageError(store.datasets.checkout(PERSON, "feature", v(1)), "NotFound");
  await expectStorageError(store.datasets.commit(PERSON, "feature", v(1), { op: "Append", rows: [row("a")] }), "NotFound");
  await expectStorageError(store.datasets.versions(PERSON, "feature"), "NotFound");
  expect(await store.datasets.latestVersion(PERSON, null)).toBe(1);
});

test("a call takes effect before its promise is awaited", async () => {
  const store = await storeWithPerson();
  const pending = store.datasets.commit(PERSON, null, v(1), { op: "Append", rows: [row("a")] });
  // Nothing has been awaited yet: the commit must already be durable.
  expect(store.datasets.state.get(PERSON)?.main.head.version).toBe(2);
  const put = store.objects.put("k", "body");
  expect(store.objects.state.get("k")).toBe("body");
  await Promise.all([pending, put]);
});

test("rows handed to a commit are copied: mutating the caller's objects changes nothing stored", async () => {
  const store = await storeWithPerson();
  const mine = { id: "a", value: 1 };
  await store.datasets.commit(PERSON, null, v(1), { op: "Append", rows: [mine] });
  mine.value = 99;
  expect(await rowsAt(store, v(2))).toEqual([row("a", 1)]);
});

test("Merge and Update with two source rows for one id are InvalidInput", async () => {
  const store = await storeWithPerson();
  await expectStorageError(store.datasets.commit(PERSON, null, v(1), { op: "Merge", rows: [row("a", 1), row("a", 2)] }), "InvalidInput");
  await expectStorageError(store.datasets.commit(PERSON, null, v(1), { op: "Update", rows: [row("a", 1), row("a", 2)] }), "InvalidInput");
  expect(await store.datasets.latestVersion(PERSON, null)).toBe(1);
});

// Versions only the virtual store shows: a compaction is one version, and a call takes effect
// before its promise is awaited. The rules both backends keep are in test/backends/.
import { test, expect } from "vitest";
import { PERSON, row, storeWithPerson, v } from "./helpers.ts";

test("every commit on HEAD appends exactly one version", async () => {
  const store = await storeWithPerson();
  expect(await store.datasets.commit(PERSON, null, v(1), { op: "Append", rows: [row("a")] })).toEqual({ version: 2, rowsAffected: 1 });
  expect(await store.datasets.commit(PERSON, null, v(2), { op: "CreateIndex", index: "id_idx" })).toEqual({ version: 3, rowsAffected: 0 });
  expect(await store.datasets.commit(PERSON, null, v(3), { op: "ReserveFragments" })).toEqual({ version: 4, rowsAffected: 0 });
  expect(await store.datasets.commit(PERSON, null, v(4), { op: "UpdateConfig", key: "k", value: "x" })).toEqual({ version: 5, rowsAffected: 0 });
  expect(await store.datasets.commit(PERSON, null, v(5), { op: "Append", rows: [] })).toEqual({ version: 6, rowsAffected: 0 });
  expect(await store.datasets.latestVersion(PERSON, null)).toBe(6);
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

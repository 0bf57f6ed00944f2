// Cleanup on disk and compaction's version arithmetic on the Lance backend (+0, +2 or +3 versions
// where the model adds one). The shared restore and cleanup rules are in test/backends/.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { test, expect } from "vitest";
import { PERSON, backend, expectStorageError, row, rowsAt, v, withFragments, withPerson } from "./helpers.ts";

test("cleanup removes every version older than HEAD, adds none, and returns how many it removed", async () => {
  const b = backend();
  const s = b.storage;
  await s.datasets.create(PERSON);
  for (const [i, id] of ["a", "b", "c"].entries()) await s.datasets.commit(PERSON, null, v(i + 1), { op: "Append", rows: [row(id, i)] });
  expect(await s.datasets.cleanup(PERSON, null)).toBe(3);
  expect(await s.datasets.latestVersion(PERSON, null)).toBe(4);
  expect(await s.datasets.versions(PERSON, null)).toEqual([{ version: 4, op: "Append", readVersion: 3 }]);
  expect(await rowsAt(s, v(4))).toEqual([row("a", 0), row("b", 1), row("c", 2)]);
  for (const removed of [1, 2, 3]) await expectStorageError(s.datasets.checkout(PERSON, null, v(removed)), "VersionNotFound");
  expect(readdirSync(join(b.root, "nodes", "person.lance", "_versions")).filter((f) => f.endsWith(".manifest"))).toHaveLength(1);
  expect(await s.datasets.cleanup(PERSON, null)).toBe(0);
  // Commits continue from HEAD; a cleaned-up read version is VersionNotFound.
  expect(await s.datasets.commit(PERSON, null, v(4), { op: "Append", rows: [row("d")] })).toEqual({ version: 5, rowsAffected: 1 });
  await expectStorageError(s.datasets.commit(PERSON, null, v(3), { op: "Append", rows: [row("e")] }), "VersionNotFound");
});

test("compaction through optimize(): +0 with nothing to compact, +2 (ReserveFragments, Rewrite), +3 with an index delta", async () => {
  const s = await withPerson();
  expect(await s.datasets.commit(PERSON, null, v(1), { op: "Rewrite" })).toEqual({ version: 1, rowsAffected: 0 });
  await s.datasets.commit(PERSON, null, v(1), { op: "Append", rows: [row("a")] });
  expect(await s.datasets.commit(PERSON, null, v(2), { op: "Rewrite" })).toEqual({ version: 2, rowsAffected: 0 });
  await s.datasets.commit(PERSON, null, v(2), { op: "Append", rows: [row("b")] });
  expect(await s.datasets.commit(PERSON, null, v(3), { op: "Rewrite" })).toEqual({ version: 5, rowsAffected: 0 });
  expect((await s.datasets.checkout(PERSON, null, v(5))).fragments).toBe(1);
  await s.datasets.commit(PERSON, null, v(5), { op: "CreateIndex", index: "id_idx" });
  await s.datasets.commit(PERSON, null, v(6), { op: "Append", rows: [row("c")] });
  await s.datasets.commit(PERSON, null, v(7), { op: "Append", rows: [row("d")] });
  expect(await s.datasets.commit(PERSON, null, v(8), { op: "Rewrite" })).toEqual({ version: 11, rowsAffected: 0 });
  expect((await s.datasets.versions(PERSON, null)).slice(3).map((e) => `${e.version}:${e.op}`)).toEqual([
    "4:ReserveFragments",
    "5:Rewrite",
    "6:CreateIndex",
    "7:Append",
    "8:Append",
    "9:ReserveFragments",
    "10:Rewrite",
    "11:CreateIndex",
  ]);
  expect((await rowsAt(s, v(11))).map((r) => r.id)).toEqual(["a", "b", "c", "d"]);
  // An index delta alone (one indexed and one unindexed fragment, which Lance does not merge):
  // one version, logged as CreateIndex.
  const t = await withFragments("a");
  await t.datasets.commit(PERSON, null, v(2), { op: "CreateIndex", index: "id_idx" });
  await t.datasets.commit(PERSON, null, v(3), { op: "Append", rows: [row("b")] });
  expect(await t.datasets.commit(PERSON, null, v(4), { op: "Rewrite" })).toEqual({ version: 5, rowsAffected: 0 });
  expect((await t.datasets.versions(PERSON, null)).at(-1)).toEqual({ version: 5, op: "CreateIndex", readVersion: 4 });
});

test("Lance does not merge an indexed fragment with unindexed ones: the compaction touches only what it removed", async () => {
  const s = await withFragments("a", "b");
  await s.datasets.commit(PERSON, null, v(3), { op: "Rewrite" });
  await s.datasets.commit(PERSON, null, v(5), { op: "CreateIndex", index: "id_idx" });
  await s.datasets.commit(PERSON, null, v(6), { op: "Append", rows: [row("c")] });
  await s.datasets.commit(PERSON, null, v(7), { op: "Append", rows: [row("d")] });
  const compacted = await s.datasets.commit(PERSON, null, v(8), { op: "Rewrite" });
  expect((await s.datasets.layout(PERSON, compacted.version)).map((f) => f.ids)).toEqual([["a", "b"], ["c", "d"]]);
  // A stale Update of `a` rebases over that compaction: `a`'s fragment was not rewritten.
  expect((await s.datasets.commit(PERSON, null, v(8), { op: "Update", rows: [row("a", 9)] })).rowsAffected).toBe(1);
});

// What only the Lance backend does with datasets: the extra input it refuses and its on-disk
// layout. The rules both backends keep are in test/backends/.
import { test, expect } from "vitest";
import type { DatasetPath } from "../../engine/storage/types.ts";
import { PERSON, expectStorageError, row, storage, v, withPerson } from "./helpers.ts";

test("Lance refuses more input than the model: a non-finite number, ReserveFragments from a caller, a path Lance cannot name", async () => {
  const s = await withPerson();
  await expectStorageError(s.datasets.commit(PERSON, null, v(1), { op: "Append", rows: [row("a", Number.NaN)] }), "InvalidInput");
  await expectStorageError(s.datasets.commit(PERSON, null, v(1), { op: "ReserveFragments" }), "InvalidInput");
  await expectStorageError(s.datasets.create("nodes/has space" as DatasetPath), "InvalidInput");
  await expectStorageError(s.datasets.create("__manifest" as DatasetPath), "InvalidInput");
  expect(await s.datasets.exists("nodes/has space" as DatasetPath)).toBe(false);
  expect(await s.datasets.latestVersion(PERSON, null)).toBe(1);
});

test("a `.lance` suffix names the same table, laid out as upstream's `_graph_commits.lance`", async () => {
  const s = storage();
  await s.datasets.create("_graph_commits.lance" as DatasetPath);
  await expectStorageError(s.datasets.create("_graph_commits" as DatasetPath), "AlreadyExists");
});

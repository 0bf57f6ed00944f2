// What only the Lance backend does with plain objects: they live beside the Lance tables, which a
// list never shows, and keys are checked against the directory. The shared rules are in
// test/backends/.
import { readdirSync } from "node:fs";
import { test, expect } from "vitest";
import type { DatasetPath } from "../../engine/storage/types.ts";
import { backend, expectStorageError, storage } from "./helpers.ts";

test("list returns the keys under a prefix, sorted, and never the Lance tables, op logs or temp files", async () => {
  const b = backend();
  const { objects, datasets, manifest } = b.storage;
  await datasets.create("nodes/person" as DatasetPath);
  await datasets.create("_graph_commits.lance" as DatasetPath);
  await manifest.create();
  for (const key of ["__recovery/03.json", "_schema.pg", "__recovery/01.json", "__recovery/02.json", "__recoveryx", "nodes/README"]) await objects.put(key, key);
  expect(await objects.list("__recovery/")).toEqual(["__recovery/01.json", "__recovery/02.json", "__recovery/03.json"]);
  expect(await objects.list("")).toEqual(["__recovery/01.json", "__recovery/02.json", "__recovery/03.json", "__recoveryx", "_schema.pg", "nodes/README"]);
  expect(await objects.list("__rec")).toEqual(["__recovery/01.json", "__recovery/02.json", "__recovery/03.json", "__recoveryx"]);
  expect(await objects.list("nothing/")).toEqual([]);
  expect(readdirSync(`${b.root}/__recovery`).sort()).toEqual(["01.json", "02.json", "03.json"]);
});

test("keys that would leave the root or use a reserved name are InvalidInput", async () => {
  const { objects } = storage();
  for (const key of ["", "/abs", "a//b", "../escape", "a/./b", "x.lance", "nodes/person.oplog/main.jsonl", ".omnisim-tmp-1"]) {
    await expectStorageError(objects.put(key, "x"), "InvalidInput");
  }
  await expectStorageError(objects.get("../escape"), "InvalidInput");
});

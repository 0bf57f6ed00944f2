// The Lance backend's object store: plain files under the graph root, atomic put (temp file and
// rename), get, exists, sorted list that skips the Lance tables and op logs, delete and rename.
import { readdirSync } from "node:fs";
import { test, expect } from "vitest";
import type { DatasetPath } from "../../engine/storage/types.ts";
import { backend, expectStorageError, storage } from "./helpers.ts";

test("put is atomic and overwrites; get returns the body; get of an absent key is NotFound", async () => {
  const { objects } = storage();
  await expectStorageError(objects.get("__recovery/01.json"), "NotFound", "Object not found: __recovery/01.json");
  await objects.put("__recovery/01.json", "v1");
  await objects.put("__recovery/01.json", "v2 ünïcødé 🦀");
  expect(await objects.get("__recovery/01.json")).toBe("v2 ünïcødé 🦀");
  expect(await objects.exists("__recovery/01.json")).toBe(true);
  expect(await objects.exists("__recovery/02.json")).toBe(false);
  expect(await objects.exists("__recovery")).toBe(false);
});

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

test("delete removes a key and deleting an absent key succeeds", async () => {
  const { objects } = storage();
  await objects.put("a", "1");
  await objects.delete("a");
  expect(await objects.exists("a")).toBe(false);
  await objects.delete("a");
  expect(await objects.list("")).toEqual([]);
});

test("rename moves the body atomically and overwrites the target; a missing source is NotFound", async () => {
  const { objects } = storage();
  await objects.put("_schema.pg.staging", "new");
  await objects.put("_schema.pg", "old");
  await objects.rename("_schema.pg.staging", "_schema.pg");
  expect(await objects.get("_schema.pg")).toBe("new");
  expect(await objects.exists("_schema.pg.staging")).toBe(false);
  await expectStorageError(objects.rename("_schema.pg.staging", "_schema.pg"), "NotFound");
  await objects.rename("_schema.pg", "_schema.pg");
  expect(await objects.get("_schema.pg")).toBe("new");
  await objects.rename("_schema.pg", "archive/old/_schema.pg");
  expect(await objects.list("")).toEqual(["archive/old/_schema.pg"]);
});

test("list and get are separate steps: a key deleted in between is NotFound on get", async () => {
  const { objects } = storage();
  await objects.put("__recovery/01.json", "{}");
  const listed = await objects.list("__recovery/");
  await objects.delete("__recovery/01.json");
  await expectStorageError(objects.get(listed[0] as string), "NotFound");
});

test("keys that would leave the root or use a reserved name are InvalidInput", async () => {
  const { objects } = storage();
  for (const key of ["", "/abs", "a//b", "../escape", "a/./b", "x.lance", "nodes/person.oplog/main.jsonl", ".omnisim-tmp-1"]) {
    await expectStorageError(objects.put(key, "x"), "InvalidInput");
  }
  await expectStorageError(objects.get("../escape"), "InvalidInput");
});

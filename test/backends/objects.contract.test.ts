// Plain objects on every backend: atomic put, put-if-absent, get, list, delete and copy; list and
// get are separate steps.
import { test, expect } from "vitest";
import { contract, expectStorageError } from "./contract.ts";

contract((k) => {

  test("put is atomic and overwrites; get returns the body; get of an absent key is NotFound", async () => {
    const { objects } = k.storage();
    await expectStorageError(objects.get("__recovery/01.json"), "NotFound", "Object not found: __recovery/01.json");
    await objects.put("__recovery/01.json", "v1");
    await objects.put("__recovery/01.json", "v2 ünïcødé 🦀");
    expect(await objects.get("__recovery/01.json")).toBe("v2 ünïcødé 🦀");
    expect(await objects.exists("__recovery/01.json")).toBe(true);
    expect(await objects.exists("__recovery/02.json")).toBe(false);
    expect(await objects.exists("__recovery")).toBe(false);
  });

  test("delete removes a key and deleting an absent key succeeds", async () => {
    const { objects } = k.storage();
    await objects.put("a", "1");
    await objects.delete("a");
    expect(await objects.exists("a")).toBe(false);
    await objects.delete("a");
    expect(await objects.list("")).toEqual([]);
  });

  test("copy writes the source's body over the target and keeps the source; a missing source is NotFound", async () => {
    const { objects } = k.storage();
    await objects.put("_schema.pg.staging", "new");
    await objects.put("_schema.pg", "old");
    await objects.copy("_schema.pg.staging", "_schema.pg");
    expect(await objects.get("_schema.pg")).toBe("new");
    expect(await objects.get("_schema.pg.staging")).toBe("new");
    await expectStorageError(objects.copy("missing", "_schema.pg"), "NotFound");
    expect(await objects.get("_schema.pg")).toBe("new");
    await objects.copy("_schema.pg", "_schema.pg");
    expect(await objects.get("_schema.pg")).toBe("new");
    await objects.copy("_schema.pg", "archive/old/_schema.pg");
    expect(await objects.list("")).toEqual(["_schema.pg", "_schema.pg.staging", "archive/old/_schema.pg"]);
  });

  test("put-if-absent writes only a missing key and says whether it wrote", async () => {
    const { objects } = k.storage();
    expect(await objects.putIfAbsent("_schema.pg", "first")).toBe(true);
    expect(await objects.putIfAbsent("_schema.pg", "second")).toBe(false);
    expect(await objects.get("_schema.pg")).toBe("first");
  });

  test("list and get are separate steps: a key deleted in between is NotFound on get", async () => {
    const { objects } = k.storage();
    await objects.put("__recovery/01.json", "{}");
    const listed = await objects.list("__recovery/");
    await objects.delete("__recovery/01.json");
    await expectStorageError(objects.get(listed[0] as string), "NotFound");
  });

  test("list returns the keys under a prefix, sorted", async () => {
    const { objects } = k.storage();
    for (const key of ["__recovery/03.json", "_schema.pg", "__recovery/01.json", "__recovery/02.json", "__recoveryx"]) await objects.put(key, key);
    expect(await objects.list("__recovery/")).toEqual(["__recovery/01.json", "__recovery/02.json", "__recovery/03.json"]);
    expect(await objects.list("")).toEqual(["__recovery/01.json", "__recovery/02.json", "__recovery/03.json", "__recoveryx", "_schema.pg"]);
    expect(await objects.list("nothing/")).toEqual([]);
  });
});

// Snapshots, clones and digests of the whole durable state.
import { test, expect } from "vitest";
import { digest } from "../../../sim/store/digest.ts";
import { VirtualStore } from "../../../sim/store/virtual-store.ts";
import { PERSON, expectStorageError, row, rowsAt, storeWithFragments, v } from "./helpers.ts";

/** A store touching all three parts: PERSON v1..v3, a manifest at v2 and one object. */
async function populated(): Promise<VirtualStore> {
  const store = await storeWithFragments("a", "b");
  await store.manifest.create();
  await store.manifest.merge(null, v(1), [{ objectId: "graph_head:main", objectType: "graph_head", tableKey: null, metadata: "t1" }]);
  await store.objects.put("__recovery/01.json", "{}");
  return store;
}

test("a snapshot is the current state itself, taken without copying", async () => {
  const store = await populated();
  const snap = store.snapshot();
  expect(snap.datasets).toBe(store.datasets.state);
  expect(snap.manifest).toBe(store.manifest.state);
  expect(snap.objects).toBe(store.objects.state);
  expect(Object.isFrozen(snap)).toBe(true);
});

test("writes to the original after a snapshot never show in a clone, and writes to the clone never show in the original", async () => {
  const original = await populated();
  const clone = VirtualStore.fromSnapshot(original.snapshot());

  await original.datasets.commit(PERSON, null, v(3), { op: "Append", rows: [row("orig")] });
  await original.manifest.merge(null, v(2), [{ objectId: "orig", objectType: "graph_head", tableKey: null }]);
  await original.objects.delete("__recovery/01.json");

  await clone.datasets.commit(PERSON, null, v(3), { op: "Delete", where: { anyOf: [{ column: "id", in: ["a"] }] } });
  await clone.manifest.createBranch("feature", null);
  await clone.objects.put("clone-only", "x");

  expect(await rowsAt(original, v(4))).toEqual([row("a", 0), row("b", 1), row("orig")]);
  expect(await rowsAt(clone, v(4))).toEqual([row("b", 1)]);
  expect((await original.manifest.load(null)).rows.map((r) => r.objectId)).toEqual(["graph_head:main", "orig"]);
  expect((await clone.manifest.load(null)).rows.map((r) => r.objectId)).toEqual(["graph_head:main"]);
  expect(await original.manifest.listBranches()).toEqual([]);
  expect(await clone.manifest.listBranches()).toEqual(["feature"]);
  expect(await original.objects.list("")).toEqual([]);
  expect(await clone.objects.list("")).toEqual(["__recovery/01.json", "clone-only"]);
});

test("many futures from one snapshot are independent of each other and of the snapshot", async () => {
  const store = await populated();
  const snap = store.snapshot();
  const futures = [VirtualStore.fromSnapshot(snap), VirtualStore.fromSnapshot(snap)];
  await futures[0]?.datasets.cleanup(PERSON, null);
  await futures[1]?.datasets.restore(PERSON, null, v(1));
  expect(await futures[0]?.datasets.versions(PERSON, null)).toEqual([{ version: 3, op: "Append", readVersion: 2 }]);
  expect((await futures[1]?.datasets.versions(PERSON, null))?.length).toBe(4);
  expect(await rowsAt(VirtualStore.fromSnapshot(snap), v(2))).toEqual([row("a", 0)]);
  await expectStorageError(futures[0]!.datasets.checkout(PERSON, null, v(2)), "VersionNotFound");
});

test("the digest is equal for identical states reached separately and differs after any durable write", async () => {
  const first = await populated();
  const second = await populated();
  const base = digest(first.snapshot());
  expect(base).toMatch(/^[0-9a-f]{64}$/);
  expect(digest(second.snapshot())).toBe(base);
  expect(digest(VirtualStore.fromSnapshot(first.snapshot()).snapshot())).toBe(base);
  expect(digest(new VirtualStore().snapshot())).not.toBe(base);

  const writes: ((s: VirtualStore) => Promise<unknown>)[] = [
    (s) => s.datasets.commit(PERSON, null, v(3), { op: "UpdateConfig", key: "k", value: "v" }),
    (s) => s.datasets.cleanup(PERSON, null),
    (s) => s.manifest.createBranch("feature", null),
    (s) => s.manifest.merge(null, v(2), [{ objectId: "x", objectType: "graph_head", tableKey: null }]),
    (s) => s.objects.put("__recovery/01.json", "{ }"),
    (s) => s.objects.copy("__recovery/01.json", "__recovery/02.json"),
  ];
  const seen = new Set([base]);
  for (const write of writes) {
    const future = VirtualStore.fromSnapshot(first.snapshot());
    await write(future);
    const changed = digest(future.snapshot());
    expect(seen.has(changed)).toBe(false);
    seen.add(changed);
  }
  expect(digest(first.snapshot())).toBe(base);
});

test("the digest ignores the order in which objects and branches were created", async () => {
  const one = new VirtualStore();
  const other = new VirtualStore();
  await one.objects.put("a", "1");
  await one.objects.put("b", "2");
  await other.objects.put("b", "2");
  await other.objects.put("a", "1");
  for (const store of [one, other]) await store.manifest.create();
  await one.manifest.createBranch("x", null);
  await one.manifest.createBranch("y", null);
  await other.manifest.createBranch("y", null);
  await other.manifest.createBranch("x", null);
  expect(digest(one.snapshot())).toBe(digest(other.snapshot()));
});

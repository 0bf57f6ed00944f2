// The virtual __manifest: versions of full row sets, merge-insert with row-level CAS on
// objectId, and branches.
import { test, expect } from "vitest";
import type { ManifestRow, TableKey } from "../../../engine/storage/types.ts";
import { VirtualStore } from "../../../sim/store/virtual-store.ts";
import { expectStorageError, v } from "./helpers.ts";

function versionRow(table: TableKey, n: number, rowCount = 0): ManifestRow {
  return {
    objectId: `${table}$${String(n).padStart(20, "0")}`,
    objectType: "table_version",
    tableKey: table,
    tableVersion: v(n),
    tableBranch: null,
    rowCount,
  };
}

const head = (metadata: string): ManifestRow => ({ objectId: "graph_head:main", objectType: "graph_head", tableKey: null, metadata });

async function createdManifest(): Promise<VirtualStore> {
  const store = new VirtualStore();
  expect(await store.manifest.create()).toBe(1);
  return store;
}

test("create makes v1 with no rows; creating again is AlreadyExists; before create everything is NotFound", async () => {
  const store = new VirtualStore();
  expect(await store.manifest.exists()).toBe(false);
  await expectStorageError(store.manifest.latestVersion(null), "NotFound");
  await expectStorageError(store.manifest.load(null), "NotFound");
  await expectStorageError(store.manifest.merge(null, v(1), [head("x")]), "NotFound");
  expect(await store.manifest.create()).toBe(1);
  expect(await store.manifest.exists()).toBe(true);
  expect(await store.manifest.load(null)).toEqual({ branch: null, version: 1, rows: [] });
  await expectStorageError(store.manifest.create(), "AlreadyExists");
});

test("merge inserts new objectIds and replaces a matched row whole (UpdateAll), one version per merge", async () => {
  const store = await createdManifest();
  expect(await store.manifest.merge(null, v(1), [head("t1"), versionRow("node:Person", 2, 5)])).toBe(2);
  expect(await store.manifest.merge(null, v(2), [{ objectId: "graph_head:main", objectType: "graph_head", tableKey: null }])).toBe(3);
  expect((await store.manifest.load(null)).rows).toEqual([
    { objectId: "graph_head:main", objectType: "graph_head", tableKey: null },
    versionRow("node:Person", 2, 5),
  ]);
  expect(await store.manifest.latestVersion(null)).toBe(3);
});

test("load returns the rows at a version sorted by objectId; a version that never existed is VersionNotFound", async () => {
  const store = await createdManifest();
  await store.manifest.merge(null, v(1), [versionRow("node:Person", 3), versionRow("edge:Knows", 2), versionRow("node:Person", 2)]);
  await store.manifest.merge(null, v(2), [versionRow("node:Company", 2)]);
  expect((await store.manifest.load(null, v(2))).rows.map((r) => r.objectId)).toEqual([
    "edge:Knows$00000000000000000002",
    "node:Person$00000000000000000002",
    "node:Person$00000000000000000003",
  ]);
  expect((await store.manifest.load(null, v(1))).rows).toEqual([]);
  await expectStorageError(store.manifest.load(null, v(4)), "VersionNotFound");
});

test("row-level CAS: a stale merge writing an objectId a later version wrote is TooMuchWriteContention", async () => {
  const store = await createdManifest();
  await store.manifest.merge(null, v(1), [versionRow("node:Person", 2)]);
  const error = await expectStorageError(store.manifest.merge(null, v(1), [versionRow("node:Person", 2, 9)]), "TooMuchWriteContention");
  expect(error.message).toContain("node:Person$00000000000000000002");
  expect(await store.manifest.latestVersion(null)).toBe(2);
  expect((await store.manifest.load(null)).rows).toEqual([versionRow("node:Person", 2)]);
});

test("row-level CAS: stale merges of disjoint objectIds both commit, the second rebased onto HEAD", async () => {
  const store = await createdManifest();
  expect(await store.manifest.merge(null, v(1), [versionRow("node:Person", 2)])).toBe(2);
  expect(await store.manifest.merge(null, v(1), [versionRow("node:Company", 2)])).toBe(3);
  expect((await store.manifest.load(null)).rows).toEqual([versionRow("node:Company", 2), versionRow("node:Person", 2)]);
});

test("row-level CAS looks only at versions after the read version", async () => {
  const store = await createdManifest();
  await store.manifest.merge(null, v(1), [head("t1")]);
  await store.manifest.merge(null, v(2), [versionRow("node:Person", 2)]);
  expect(await store.manifest.merge(null, v(2), [head("t2")])).toBe(4);
  expect((await store.manifest.load(null)).rows[0]).toEqual(head("t2"));
});

test("a manifest read version ahead of HEAD is InvalidInput; two rows for one objectId are InvalidInput", async () => {
  const store = await createdManifest();
  await expectStorageError(store.manifest.merge(null, v(2), [head("x")]), "InvalidInput");
  await expectStorageError(store.manifest.merge(null, v(1), [head("x"), head("y")]), "InvalidInput");
  expect(await store.manifest.latestVersion(null)).toBe(1);
});

test("a branch forks from its parent's HEAD, keeps its numbering and is isolated from main", async () => {
  const store = await createdManifest();
  await store.manifest.merge(null, v(1), [versionRow("node:Person", 2)]);
  await store.manifest.createBranch("feature", null);
  expect(await store.manifest.latestVersion("feature")).toBe(2);
  expect(await store.manifest.merge("feature", v(2), [versionRow("node:Person", 3)])).toBe(3);
  expect(await store.manifest.merge(null, v(2), [versionRow("node:Company", 2)])).toBe(3);
  expect((await store.manifest.load("feature")).rows.map((r) => r.objectId)).toEqual([
    "node:Person$00000000000000000002",
    "node:Person$00000000000000000003",
  ]);
  expect((await store.manifest.load(null)).rows.map((r) => r.objectId)).toEqual([
    "node:Company$00000000000000000002",
    "node:Person$00000000000000000002",
  ]);
  // History up to the fork is shared.
  expect(await store.manifest.load("feature", v(1))).toEqual({ branch: "feature", version: 1, rows: [] });
  // A fork of a fork starts at its parent's HEAD.
  await store.manifest.createBranch("child", "feature");
  expect(await store.manifest.latestVersion("child")).toBe(3);
});

test("row-level CAS is per branch: the same objectId written on main does not contend on a branch", async () => {
  const store = await createdManifest();
  await store.manifest.createBranch("feature", null);
  await store.manifest.merge(null, v(1), [head("main")]);
  expect(await store.manifest.merge("feature", v(1), [head("feature")])).toBe(2);
});

test("branch errors: AlreadyExists, NotFound for a missing branch or parent, and listBranches sorted without main", async () => {
  const store = await createdManifest();
  await store.manifest.createBranch("zeta", null);
  await store.manifest.createBranch("alpha", null);
  await store.manifest.createBranch("__schema_apply_lock__", null);
  expect(await store.manifest.listBranches()).toEqual(["__schema_apply_lock__", "alpha", "zeta"]);
  await expectStorageError(store.manifest.createBranch("alpha", null), "AlreadyExists");
  await expectStorageError(store.manifest.createBranch("main", null), "AlreadyExists");
  await expectStorageError(store.manifest.createBranch("beta", "missing"), "NotFound");
  await expectStorageError(store.manifest.load("missing"), "NotFound");
  await expectStorageError(store.manifest.merge("missing", v(1), [head("x")]), "NotFound");
  await store.manifest.deleteBranch("alpha");
  await expectStorageError(store.manifest.deleteBranch("alpha"), "NotFound");
  await expectStorageError(store.manifest.latestVersion("alpha"), "NotFound");
  expect(await store.manifest.listBranches()).toEqual(["__schema_apply_lock__", "zeta"]);
});

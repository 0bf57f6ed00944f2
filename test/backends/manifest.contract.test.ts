// The `__manifest` table on every backend: merge-insert on objectId with row-level CAS, loads
// by version, and branches.
import { test, expect } from "vitest";
import type { DatasetPath, ManifestRow, Storage, TableKey } from "../../engine/storage/types.ts";
import { contract, expectStorageError, v } from "./contract.ts";

contract((k) => {

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

  async function created(): Promise<Storage> {
    const s = k.storage();
    expect(await s.manifest.create()).toBe(1);
    return s;
  }

  test("create makes v1 with no rows; creating again is AlreadyExists; before create everything is NotFound", async () => {
    const s = k.storage();
    expect(await s.manifest.exists()).toBe(false);
    await expectStorageError(s.manifest.latestVersion(null), "NotFound", "Dataset at path __manifest was not found");
    await expectStorageError(s.manifest.load(null), "NotFound");
    await expectStorageError(s.manifest.merge(null, v(1), [head("x")]), "NotFound");
    await expectStorageError(s.manifest.createBranch("feature", null), "NotFound");
    await expectStorageError(s.manifest.deleteBranch("feature"), "NotFound");
    await expectStorageError(s.manifest.listBranches(), "NotFound");
    expect(await s.manifest.create()).toBe(1);
    expect(await s.manifest.exists()).toBe(true);
    expect(await s.manifest.load(null)).toEqual({ branch: null, version: 1, rows: [] });
    await expectStorageError(s.manifest.create(), "AlreadyExists");
  });

  test("create with rows makes v1 holding them; a stale merge of one of their objectIds is contention", async () => {
    const s = k.storage();
    expect(await s.manifest.create([versionRow("node:Person", 1), head("t0")])).toBe(1);
    expect((await s.manifest.load(null)).rows.map((r) => r.objectId)).toEqual(["graph_head:main", "node:Person$00000000000000000001"]);
    expect(await s.manifest.merge(null, v(1), [head("t1")])).toBe(2);
    await expectStorageError(s.manifest.merge(null, v(1), [head("t2")]), "TooMuchWriteContention");
    await expectStorageError(s.manifest.create(), "AlreadyExists");
  });

  test("merge inserts new objectIds and replaces a matched row whole, one version per merge; rows round-trip exactly", async () => {
    const s = await created();
    const full: ManifestRow = {
      objectId: "node:Person",
      objectType: "table",
      tableKey: "node:Person",
      location: "nodes/8f2a" as DatasetPath,
      tableBranch: "feature",
      rowCount: 3,
      metadata: '{"e_tag":"x\'y"}',
    };
    expect(await s.manifest.merge(null, v(1), [head("t1"), versionRow("node:Person", 2, 5), full])).toBe(2);
    expect(await s.manifest.merge(null, v(2), [{ objectId: "graph_head:main", objectType: "graph_head", tableKey: null }])).toBe(3);
    expect((await s.manifest.load(null)).rows).toEqual([
      { objectId: "graph_head:main", objectType: "graph_head", tableKey: null },
      full,
      versionRow("node:Person", 2, 5),
    ]);
    // An absent optional field stays absent, a null one null.
    const loaded = (await s.manifest.load(null)).rows;
    expect("metadata" in (loaded[0] as object)).toBe(false);
    expect((loaded[2] as ManifestRow).tableBranch).toBeNull();
  });

  test("load returns the rows at a version sorted by objectId; a version that never existed is VersionNotFound", async () => {
    const s = await created();
    await s.manifest.merge(null, v(1), [versionRow("node:Person", 3), versionRow("edge:Knows", 2), versionRow("node:Person", 2)]);
    await s.manifest.merge(null, v(2), [versionRow("node:Company", 2)]);
    expect((await s.manifest.load(null, v(2))).rows.map((r) => r.objectId)).toEqual([
      "edge:Knows$00000000000000000002",
      "node:Person$00000000000000000002",
      "node:Person$00000000000000000003",
    ]);
    expect((await s.manifest.load(null, v(1))).rows).toEqual([]);
    await expectStorageError(s.manifest.load(null, v(4)), "VersionNotFound", "Version not found error: version main:4 does not exist");
  });

  test("row-level CAS: a stale merge writing an objectId a later version wrote is TooMuchWriteContention", async () => {
    const s = await created();
    await s.manifest.merge(null, v(1), [versionRow("node:Person", 2)]);
    const error = await expectStorageError(s.manifest.merge(null, v(1), [versionRow("node:Person", 2, 9)]), "TooMuchWriteContention");
    expect(error.message).toContain("node:Person$00000000000000000002");
    expect(await s.manifest.latestVersion(null)).toBe(2);
    expect((await s.manifest.load(null)).rows).toEqual([versionRow("node:Person", 2)]);
  });

  test("a stale merge of disjoint objectIds rebases onto HEAD; read versions ahead or missing are refused", async () => {
    const s = await created();
    await s.manifest.merge(null, v(1), [versionRow("node:Person", 2)]);
    expect(await s.manifest.merge(null, v(1), [versionRow("edge:Knows", 2)])).toBe(3);
    expect((await s.manifest.load(null)).rows.map((r) => r.objectId)).toEqual(["edge:Knows$00000000000000000002", "node:Person$00000000000000000002"]);
    await expectStorageError(s.manifest.merge(null, v(4), [head("x")]), "InvalidInput");
    await expectStorageError(s.manifest.merge(null, v(0), [head("x")]), "VersionNotFound");
    await expectStorageError(s.manifest.merge(null, v(3), [head("a"), head("b")]), "InvalidInput");
  });

  test("branches fork from a HEAD, keep its numbering and share its history; a fork of a fork too", async () => {
    const s = await created();
    await s.manifest.merge(null, v(1), [head("main-2")]);
    await s.manifest.createBranch("feature", null);
    expect(await s.manifest.latestVersion("feature")).toBe(2);
    expect(await s.manifest.merge("feature", v(2), [versionRow("node:Person", 2)])).toBe(3);
    expect(await s.manifest.merge(null, v(2), [head("main-3")])).toBe(3);
    expect((await s.manifest.load("feature")).rows.map((r) => r.metadata ?? r.objectId)).toEqual(["main-2", "node:Person$00000000000000000002"]);
    expect((await s.manifest.load(null)).rows.map((r) => r.metadata)).toEqual(["main-3"]);
    // History before the fork is readable on the branch (the adapter reads it from main).
    expect(await s.manifest.load("feature", v(1))).toEqual({ branch: "feature", version: 1, rows: [] });
    await s.manifest.createBranch("child", "feature");
    expect(await s.manifest.latestVersion("child")).toBe(3);
    expect((await s.manifest.load("child", v(2))).rows.map((r) => r.metadata)).toEqual(["main-2"]);
    expect(await s.manifest.listBranches()).toEqual(["child", "feature"]);
  });

  test("row-level CAS is per branch, and a stale merge on a branch is checked against what its parent wrote before the fork", async () => {
    const s = await created();
    await s.manifest.createBranch("feature", null);
    await s.manifest.merge(null, v(1), [head("main")]);
    expect(await s.manifest.merge("feature", v(1), [head("feature")])).toBe(2);
    await s.manifest.merge(null, v(2), [versionRow("node:Person", 2)]);
    await s.manifest.createBranch("late", null);
    await expectStorageError(s.manifest.merge("late", v(2), [versionRow("node:Person", 2, 1)]), "TooMuchWriteContention");
  });

  test("branch errors: AlreadyExists (main included), NotFound for a missing branch or parent, listBranches sorted without main", async () => {
    const s = await created();
    await s.manifest.createBranch("zeta", null);
    await s.manifest.createBranch("alpha", null);
    await s.manifest.createBranch("__schema_apply_lock__", null);
    expect(await s.manifest.listBranches()).toEqual(["__schema_apply_lock__", "alpha", "zeta"]);
    await expectStorageError(s.manifest.createBranch("alpha", null), "AlreadyExists", "Ref conflict error: branch alpha already exists");
    await expectStorageError(s.manifest.createBranch("main", null), "AlreadyExists");
    await expectStorageError(s.manifest.createBranch("beta", "missing"), "NotFound");
    await expectStorageError(s.manifest.load("missing"), "NotFound");
    await expectStorageError(s.manifest.merge("missing", v(1), [head("x")]), "NotFound");
    await s.manifest.deleteBranch("alpha");
    await expectStorageError(s.manifest.deleteBranch("alpha"), "NotFound");
    await expectStorageError(s.manifest.latestVersion("alpha"), "NotFound");
    expect(await s.manifest.listBranches()).toEqual(["__schema_apply_lock__", "zeta"]);
    // A deleted branch can be created again, from the current HEAD.
    await s.manifest.merge(null, v(1), [head("later")]);
    await s.manifest.createBranch("alpha", null);
    expect(await s.manifest.latestVersion("alpha")).toBe(2);
  });

  test("a branch forks at a named version; its ref names its parent and fork point; a parent with a child cannot be deleted (RefConflict)", async () => {
    const s = await created();
    await s.manifest.merge(null, v(1), [head("main-2")]);
    await s.manifest.merge(null, v(2), [head("main-3")]);
    await s.manifest.createBranch("old", null, v(2));
    expect(await s.manifest.latestVersion("old")).toBe(2);
    expect((await s.manifest.load("old")).rows.map((r) => r.metadata)).toEqual(["main-2"]);
    expect(await s.manifest.merge("old", v(2), [head("old-3")])).toBe(3);
    expect(await s.manifest.branchContents("old")).toEqual({ parent: null, parentVersion: 2 });
    await s.manifest.createBranch("child", "old");
    expect(await s.manifest.branchContents("child")).toEqual({ parent: "old", parentVersion: 3 });
    await expectStorageError(s.manifest.createBranch("gone", null, v(9)), "VersionNotFound");
    await expectStorageError(s.manifest.branchContents("missing"), "NotFound");
    await expectStorageError(s.manifest.deleteBranch("old"), "RefConflict");
    await s.manifest.deleteBranch("child");
    await expectStorageError(s.manifest.branchContents("child"), "NotFound");
    await s.manifest.deleteBranch("old");
    expect(await s.manifest.listBranches()).toEqual([]);
  });

  test("row-level CAS looks only at versions after the read version", async () => {
    const store = await created();
    await store.manifest.merge(null, v(1), [head("t1")]);
    await store.manifest.merge(null, v(2), [versionRow("node:Person", 2)]);
    expect(await store.manifest.merge(null, v(2), [head("t2")])).toBe(4);
    expect((await store.manifest.load(null)).rows[0]).toEqual(head("t2"));
  });

  test("a manifest read version ahead of HEAD is InvalidInput; two rows for one objectId are InvalidInput", async () => {
    const store = await created();
    await expectStorageError(store.manifest.merge(null, v(2), [head("x")]), "InvalidInput");
    await expectStorageError(store.manifest.merge(null, v(1), [head("x"), head("y")]), "InvalidInput");
    expect(await store.manifest.latestVersion(null)).toBe(1);
  });
  test("compact rewrites the fragments in place, rows unchanged; a lone fragment has nothing to compact", async () => {
    const s = await created();
    for (let n = 1; n <= 3; n++) await s.manifest.merge(null, v(n), [versionRow("node:Person", n)]);
    const before = await s.manifest.load(null);
    const compacted = await s.manifest.compact(null, before.version);
    expect(compacted).not.toBeNull();
    expect(compacted!).toBeGreaterThan(before.version);
    expect(await s.manifest.latestVersion(null)).toBe(compacted);
    expect((await s.manifest.load(null)).rows).toEqual(before.rows);
    expect(await s.manifest.compact(null, compacted!)).toBeNull();
  });

  test("a merge planned before a compaction that rewrote its matched row is TooMuchWriteContention; a fresh one commits", async () => {
    const s = await created();
    await s.manifest.merge(null, v(1), [head("t0")]);
    await s.manifest.merge(null, v(2), [versionRow("node:Person", 1)]);
    const read = await s.manifest.latestVersion(null);
    const compacted = await s.manifest.compact(null, read);
    expect(compacted).not.toBeNull();
    await expectStorageError(s.manifest.merge(null, read, [head("t1")]), "TooMuchWriteContention");
    const fresh = await s.manifest.merge(null, compacted!, [head("t1")]);
    expect((await s.manifest.load(null, fresh)).rows.find((r) => r.objectId === "graph_head:main")?.metadata).toBe("t1");
  });
});

// Dataset branches on every backend (Lance's `create_branch`, `delete_branch`, `list_branches`):
// a fork at a version shares the parent's history up to it and numbers on from there; commits on
// either side are invisible to the other; a branch with a child cannot be deleted.
import { expect, test } from "vitest";
import { contract, expectStorageError, PERSON, row, v } from "./contract.ts";

contract((k) => {
  test("a fork at a version starts there: same content, commits number on, each side sees only its own", async () => {
    const s = await k.withFragments("a", "b");
    await s.datasets.createBranch(PERSON, "feature", null, v(2));
    expect(await s.datasets.latestVersion(PERSON, "feature")).toBe(2);
    expect((await s.datasets.checkout(PERSON, "feature", v(2))).rows.map((r) => r.id)).toEqual(["a"]);
    expect((await s.datasets.commit(PERSON, "feature", v(2), { op: "Append", rows: [row("f")] })).version).toBe(3);
    expect((await s.datasets.checkout(PERSON, "feature", v(3))).rows.map((r) => r.id)).toEqual(["a", "f"]);
    expect((await s.datasets.checkout(PERSON, null, v(3))).rows.map((r) => r.id)).toEqual(["a", "b"]);
    expect(await s.datasets.latestVersion(PERSON, null)).toBe(3);
    expect((await s.datasets.commit(PERSON, null, v(3), { op: "Append", rows: [row("m")] })).version).toBe(4);
    expect(await s.datasets.latestVersion(PERSON, "feature")).toBe(3);
    expect((await s.datasets.versions(PERSON, "feature")).map((x) => [x.version, x.op])).toEqual([
      [1, "Create"],
      [2, "Append"],
      [3, "Append"],
    ]);
  });

  test("a stale commit on a branch is judged against the branch's own history; a restore on it stays on it", async () => {
    const s = await k.withFragments("a");
    await s.datasets.createBranch(PERSON, "feature", null, v(2));
    await s.datasets.commit(PERSON, "feature", v(2), { op: "Delete", where: { anyOf: [{ column: "id", in: ["a"] }] } });
    await expectStorageError(s.datasets.commit(PERSON, "feature", v(2), { op: "StagedMergeInsert", rows: [row("a", 9)] }), "RetryableCommitConflict");
    // Main never saw the branch's delete: the same stale plan commits there.
    expect((await s.datasets.commit(PERSON, null, v(2), { op: "StagedMergeInsert", rows: [row("a", 9)] })).version).toBe(3);
    expect(await s.datasets.restore(PERSON, "feature", v(2))).toBe(4);
    expect((await s.datasets.checkout(PERSON, "feature", v(4))).rows.map((r) => r.id)).toEqual(["a"]);
    expect((await s.datasets.checkout(PERSON, null, v(3))).rows).toEqual([row("a", 9)]);
  });

  test("list and contents name each branch's parent and fork point; a fork of a fork; errors", async () => {
    const s = await k.withFragments("a");
    expect(await s.datasets.listBranches(PERSON)).toEqual([]);
    await s.datasets.createBranch(PERSON, "zeta", null, v(1));
    await s.datasets.createBranch(PERSON, "alpha", null, v(2));
    await s.datasets.commit(PERSON, "alpha", v(2), { op: "Append", rows: [row("x")] });
    await s.datasets.createBranch(PERSON, "child", "alpha", v(3));
    expect(await s.datasets.listBranches(PERSON)).toEqual(["alpha", "child", "zeta"]);
    expect(await s.datasets.branchContents(PERSON, "alpha")).toEqual({ parent: null, parentVersion: 2 });
    expect(await s.datasets.branchContents(PERSON, "child")).toEqual({ parent: "alpha", parentVersion: 3 });
    expect((await s.datasets.checkout(PERSON, "child", v(3))).rows.map((r) => r.id)).toEqual(["a", "x"]);
    await expectStorageError(s.datasets.createBranch(PERSON, "alpha", null, v(1)), "AlreadyExists");
    await expectStorageError(s.datasets.createBranch(PERSON, "main", null, v(1)), "AlreadyExists");
    await expectStorageError(s.datasets.createBranch(PERSON, "beta", null, v(7)), "VersionNotFound");
    await expectStorageError(s.datasets.createBranch(PERSON, "beta", "missing", v(1)), "NotFound");
    await expectStorageError(s.datasets.latestVersion(PERSON, "missing"), "NotFound");
    await expectStorageError(s.datasets.branchContents(PERSON, "missing"), "NotFound");
    await expectStorageError(s.datasets.createBranch("nodes/none" as typeof PERSON, "x", null, v(1)), "NotFound");
  });

  test("delete: NotFound when absent, RefConflict while a child exists; a deleted name can be forked again elsewhere", async () => {
    const s = await k.withFragments("a", "b");
    await s.datasets.createBranch(PERSON, "feature", null, v(2));
    await s.datasets.createBranch(PERSON, "child", "feature", v(2));
    await expectStorageError(s.datasets.deleteBranch(PERSON, "feature"), "RefConflict");
    await s.datasets.deleteBranch(PERSON, "child");
    await expectStorageError(s.datasets.deleteBranch(PERSON, "child"), "NotFound");
    await s.datasets.commit(PERSON, "feature", v(2), { op: "Append", rows: [row("f")] });
    await s.datasets.deleteBranch(PERSON, "feature");
    await expectStorageError(s.datasets.latestVersion(PERSON, "feature"), "NotFound");
    expect(await s.datasets.listBranches(PERSON)).toEqual([]);
    await s.datasets.createBranch(PERSON, "feature", null, v(3));
    expect(await s.datasets.latestVersion(PERSON, "feature")).toBe(3);
    expect((await s.datasets.checkout(PERSON, "feature", v(3))).rows.map((r) => r.id)).toEqual(["a", "b"]);
  });
});

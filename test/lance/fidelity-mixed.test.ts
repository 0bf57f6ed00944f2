// Differential fidelity over every operation family at once, plus the runner's own checks: it
// classifies the documented divergences as such, and it goes red on a planted defect.
import { test, expect } from "vitest";
import { lanceBackend } from "../../backends/lance/backend.ts";
import type { DatasetPath } from "../../engine/storage/types.ts";
import { EVERYTHING, NODES } from "../../sim/fidelity/arbitraries.ts";
import { HEAD, type FidelityOp } from "../../sim/fidelity/ops.ts";
import { runSequence } from "../../sim/fidelity/runner.ts";
import { assertAgreement } from "./fidelity-helpers.ts";

const P = "nodes/person" as DatasetPath;
const stale = (back: number) => ({ from: "head", back }) as const;

test("mixed sequences agree with real Lance", async () => {
  const tally = await assertAgreement({ mix: EVERYTHING, minLength: 4, maxLength: 30 }, 20261125, 120);
  expect(tally.total("disagree")).toBe(0);
});

test("a stale update of a row another writer updated re-executes and commits on both backends (Lance's retrying update)", async () => {
  const ops: FidelityOp[] = [
    { kind: "datasets.create", ds: P },
    { kind: "datasets.commit", ds: P, read: HEAD, delta: { op: "Append", rows: [{ id: "a", value: 1 }] } },
    { kind: "datasets.commit", ds: P, read: HEAD, delta: { op: "Update", rows: [{ id: "a", value: 2 }] } },
    { kind: "datasets.commit", ds: P, read: stale(1), delta: { op: "Update", rows: [{ id: "a", value: 3 }] } },
    { kind: "datasets.checkout", ds: P, at: HEAD },
  ];
  const result = await runSequence(ops);
  expect(result.steps.map((s) => s.verdict.category)).not.toContain("disagree");
  expect(result.steps[3]?.virtual).toMatchObject({ ok: true });
  expect(result.steps[3]?.lance).toMatchObject({ ok: true });
});

test("a stale staged merge-insert of a key inserted since its read version: explained as staged-rematch", async () => {
  const ops: FidelityOp[] = [
    { kind: "datasets.create", ds: P },
    { kind: "datasets.commit", ds: P, read: HEAD, delta: { op: "Append", rows: [{ id: "a", value: 1 }] } },
    { kind: "datasets.commit", ds: P, read: HEAD, delta: { op: "Append", rows: [{ id: "n", value: 1 }] } },
    { kind: "datasets.commit", ds: P, read: stale(1), delta: { op: "StagedMergeInsert", rows: [{ id: "n", value: 2 }] } },
  ];
  const result = await runSequence(ops);
  expect(result.steps.at(-1)?.verdict).toMatchObject({ category: "known", reason: expect.stringMatching(/^staged-rematch: n inserted since/) });
});

test("a compaction with nothing to compact: versions normalized, and a stale read of the collapsed version explained", async () => {
  const ops: FidelityOp[] = [
    { kind: "datasets.create", ds: P },
    { kind: "datasets.commit", ds: P, read: HEAD, delta: { op: "Append", rows: [{ id: "a", value: 1 }] } },
    { kind: "datasets.commit", ds: P, read: HEAD, delta: { op: "Rewrite" } },
    { kind: "datasets.commit", ds: P, read: HEAD, delta: { op: "Append", rows: [{ id: "b", value: 1 }] } },
    { kind: "datasets.versions", ds: P },
    { kind: "datasets.cleanup", ds: P },
  ];
  const result = await runSequence(ops);
  // The Rewrite added no Lance version, so every later version number is one behind the model's.
  expect(result.steps.slice(0, 6).map((s) => s.verdict.category)).toEqual(["exact", "exact", "normalized", "normalized", "normalized", "normalized"]);
  expect(result.stopped).toBe(false);
});

test("deleting a branch another branch forked from is RefConflict on both, a table's fork included", async () => {
  const ops: FidelityOp[] = [
    { kind: "manifest.create" },
    { kind: "manifest.createBranch", name: "feature", from: null },
    { kind: "manifest.merge", branch: "feature", read: HEAD, rows: [{ objectId: "x", objectType: "graph_head", tableKey: null }] },
    { kind: "manifest.createBranch", name: "b2", from: "feature" },
    { kind: "manifest.deleteBranch", name: "feature" },
    { kind: "datasets.create", ds: NODES },
    { kind: "datasets.commit", ds: NODES, read: HEAD, delta: { op: "Append", rows: [{ id: "a", value: 1 }] } },
    { kind: "datasets.createBranch", ds: NODES, name: "feature", from: null, at: { from: "head", back: 1 } },
    { kind: "datasets.commit", ds: NODES, branch: "feature", read: HEAD, delta: { op: "Append", rows: [{ id: "f", value: 2 }] } },
    { kind: "datasets.createBranch", ds: NODES, name: "b2", from: "feature", at: HEAD },
    { kind: "datasets.deleteBranch", ds: NODES, name: "feature" },
    { kind: "datasets.branchContents", ds: NODES, name: "b2" },
  ];
  const result = await runSequence(ops);
  expect(result.stopped).toBe(false);
  expect(result.steps[4]).toMatchObject({ verdict: { category: "exact" }, virtual: { ok: false, kind: "RefConflict" } });
  expect(result.steps[10]).toMatchObject({ verdict: { category: "exact" }, virtual: { ok: false, kind: "RefConflict" } });
  expect(result.steps[11]).toMatchObject({ verdict: { category: "exact" }, virtual: { ok: true, value: { parent: "feature", parentVersion: 2 } } });
});

test("the runner goes red on a planted defect in the real backend (a Delete that deletes nothing)", async () => {
  const planted = () => {
    const b = lanceBackend();
    const commit = b.storage.datasets.commit.bind(b.storage.datasets);
    b.storage.datasets.commit = (path, branch, read, delta) =>
      commit(path, branch, read, delta.op === "Delete" ? { op: "Delete", where: { anyOf: [] } } : delta);
    return b;
  };
  const ops: FidelityOp[] = [
    { kind: "datasets.create", ds: P },
    { kind: "datasets.commit", ds: P, read: HEAD, delta: { op: "Append", rows: [{ id: "a", value: 1 }] } },
    { kind: "datasets.commit", ds: P, read: HEAD, delta: { op: "Delete", where: { anyOf: [{ column: "id", in: ["a"] }] } } },
  ];
  const result = await runSequence(ops, { lance: planted });
  expect(result.steps.at(-1)?.verdict).toMatchObject({ category: "disagree", reason: "rowsAffected 1 vs 0" });
});

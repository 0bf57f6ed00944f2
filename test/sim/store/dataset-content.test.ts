// Fragment rules: which fragment each row lives in, and which fragments each delta touches.
import { test, expect } from "vitest";
import type { TxnDelta } from "../../../engine/storage/types.ts";
import {
  applyDelta,
  EMPTY_CONTENT,
  restoredContent,
  type DatasetContent,
  type FragmentId,
} from "../../../sim/store/dataset-content.ts";
import { row } from "./helpers.ts";

/** Applies deltas in order, as commits on HEAD would. */
function build(...deltas: TxnDelta[]): DatasetContent {
  return deltas.reduce((content, delta) => applyDelta(content, delta).content, EMPTY_CONTENT);
}

/** Fragment id -> the ids of its rows, in fragment order. */
function layout(content: DatasetContent): [number, string[]][] {
  return content.fragments.map((f) => [f.id, f.rows.map((r) => r.id)]);
}

const touched = (...ids: number[]) => new Set(ids as FragmentId[]);

const threeFragments = () =>
  build(
    { op: "Append", rows: [row("a", 1), row("b", 2)] },
    { op: "Append", rows: [row("c", 3)] },
    { op: "Append", rows: [row("d", 4)] },
  );

test("Append adds one new fragment with its rows, and none for zero rows", () => {
  const once = applyDelta(EMPTY_CONTENT, { op: "Append", rows: [row("a"), row("b")] });
  expect(layout(once.content)).toEqual([[0, ["a", "b"]]]);
  expect(once.rowsAffected).toBe(2);
  expect(once.touched).toEqual(touched());
  const empty = applyDelta(once.content, { op: "Append", rows: [] });
  expect(layout(empty.content)).toEqual([[0, ["a", "b"]]]);
  expect(empty.rowsAffected).toBe(0);
});

test("Merge updates matched rows in place, touching their fragments, and inserts the rest in one new fragment", () => {
  const outcome = applyDelta(threeFragments(), { op: "Merge", rows: [row("c", 30), row("x", 9), row("y", 8)] });
  expect(layout(outcome.content)).toEqual([
    [0, ["a", "b"]],
    [1, ["c"]],
    [2, ["d"]],
    [3, ["x", "y"]],
  ]);
  expect(outcome.content.fragments[1]?.rows).toEqual([row("c", 30)]);
  expect(outcome.touched).toEqual(touched(1));
  expect(outcome.rowsAffected).toBe(3);
});

test("Update replaces existing rows in place, touches only their fragments and skips missing ids", () => {
  const outcome = applyDelta(threeFragments(), { op: "Update", rows: [row("b", 20), row("gone", 0)] });
  expect(layout(outcome.content)).toEqual([
    [0, ["a", "b"]],
    [1, ["c"]],
    [2, ["d"]],
  ]);
  expect(outcome.content.fragments[0]?.rows).toEqual([row("a", 1), row("b", 20)]);
  expect(outcome.touched).toEqual(touched(0));
  expect(outcome.rowsAffected).toBe(1);
});

test("Delete touches the fragments of the rows it removes and a fragment left empty disappears", () => {
  const outcome = applyDelta(threeFragments(), {
    op: "Delete",
    where: { anyOf: [{ column: "id", in: ["a", "c"] }, { column: "value", in: [99] }] },
  });
  expect(layout(outcome.content)).toEqual([
    [0, ["b"]],
    [2, ["d"]],
  ]);
  expect(outcome.touched).toEqual(touched(0, 1));
  expect(outcome.rowsAffected).toBe(2);
});

test("Overwrite replaces everything with one fragment (or none), touches every fragment and drops every index", () => {
  const indexed = applyDelta(threeFragments(), { op: "CreateIndex", index: "id_idx" }).content;
  const outcome = applyDelta(indexed, { op: "Overwrite", rows: [row("z", 26)] });
  expect(layout(outcome.content)).toEqual([[3, ["z"]]]);
  expect(outcome.content.indices).toEqual([]);
  expect(outcome.touched).toEqual(touched(0, 1, 2));
  expect(outcome.rowsAffected).toBe(1);
  expect(layout(applyDelta(indexed, { op: "Overwrite", rows: [] }).content)).toEqual([]);
});

test("Rewrite merges every fragment into one new fragment, content unchanged, touching every fragment it merged", () => {
  const before = threeFragments();
  const outcome = applyDelta(before, { op: "Rewrite" });
  expect(layout(outcome.content)).toEqual([[3, ["a", "b", "c", "d"]]]);
  expect(outcome.touched).toEqual(touched(0, 1, 2));
  expect(outcome.rowsAffected).toBe(0);
  // Fewer than two fragments is still allowed; the engine decides whether it is worth it.
  expect(layout(applyDelta(build({ op: "Append", rows: [row("a")] }), { op: "Rewrite" }).content)).toEqual([[1, ["a"]]]);
  const onEmpty = applyDelta(EMPTY_CONTENT, { op: "Rewrite" });
  expect(layout(onEmpty.content)).toEqual([]);
  expect(onEmpty.touched).toEqual(touched());
});

test("CreateIndex adds the index name, and indices survive Append, Merge, Update, Delete and Rewrite", () => {
  const indexed = build({ op: "Append", rows: [row("a")] }, { op: "CreateIndex", index: "value_idx" }, { op: "CreateIndex", index: "id_idx" });
  expect(indexed.indices).toEqual(["id_idx", "value_idx"]);
  const survived = [
    { op: "Append", rows: [row("b")] },
    { op: "Merge", rows: [row("c")] },
    { op: "Update", rows: [row("a", 2)] },
    { op: "Delete", where: { anyOf: [{ column: "id", in: ["b"] }] } },
    { op: "Rewrite" },
  ].reduce((content, delta) => applyDelta(content, delta as TxnDelta).content, indexed);
  expect(survived.indices).toEqual(["id_idx", "value_idx"]);
});

test("ReserveFragments and UpdateConfig change no rows and touch no fragment", () => {
  const base = threeFragments();
  const reserved = applyDelta(base, { op: "ReserveFragments" });
  expect(reserved.content).toBe(base);
  expect(reserved.touched).toEqual(touched());
  const configured = applyDelta(base, { op: "UpdateConfig", key: "retention", value: "7d" });
  expect(configured.content.config.get("retention")).toBe("7d");
  expect(layout(configured.content)).toEqual(layout(base));
  expect(applyDelta(configured.content, { op: "UpdateConfig", key: "retention", value: null }).content.config.size).toBe(0);
});

test("a restored content never reuses a fragment id the orphaned versions used", () => {
  const early = build({ op: "Append", rows: [row("a")] });
  const later = applyDelta(early, { op: "Append", rows: [row("b")] }).content;
  const restored = restoredContent(early, later);
  expect(layout(restored)).toEqual([[0, ["a"]]]);
  expect(layout(applyDelta(restored, { op: "Append", rows: [row("c")] }).content)).toEqual([
    [0, ["a"]],
    [2, ["c"]],
  ]);
});

test("Append of an id already present keeps both rows, as Lance without a primary key does", () => {
  const content = build({ op: "Append", rows: [row("a", 1)] }, { op: "Append", rows: [row("a", 2)] });
  expect(layout(content)).toEqual([
    [0, ["a"]],
    [1, ["a"]],
  ]);
  const updated = applyDelta(content, { op: "Update", rows: [row("a", 3)] });
  expect(updated.rowsAffected).toBe(2);
  expect(updated.touched).toEqual(touched(0, 1));
});

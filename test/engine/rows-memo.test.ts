// rowById answers from what it was asked of each version, not from an index of every row: the
// same answers as an index by objectId (a later row wins, were an id ever held twice; a missing
// id is undefined, and stays so), for the same rows array each time.
import { expect, test } from "vitest";
import { rowById } from "../../engine/manifest/rows-memo.ts";
import type { ManifestRow } from "../../engine/storage/types.ts";

const row = (objectId: string, metadata: string): ManifestRow => ({ objectId, objectType: "graph_head", tableKey: null, metadata });

test("rowById finds a row by objectId, the later of two, and nothing for a missing id", () => {
  const rows = Object.freeze([row("a", "1"), row("graph_head:main", "t1"), row("b", "2"), row("graph_head:main", "t2")]);
  const index = new Map(rows.map((r) => [r.objectId, r]));
  for (const id of ["a", "b", "graph_head:main", "graph_head:x"]) {
    expect(rowById(rows, id)).toBe(index.get(id));
    expect(rowById(rows, id), `${id} asked again`).toBe(index.get(id));
  }
  expect(rowById(rows, "graph_head:main")?.metadata).toBe("t2");
  expect(rowById(rows, "graph_head:x")).toBeUndefined();
  // Another version's rows are their own.
  expect(rowById(Object.freeze([row("a", "other")]), "a")?.metadata).toBe("other");
});

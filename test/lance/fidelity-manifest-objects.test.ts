// Differential fidelity, manifest and objects: merges with the same and disjoint objectIds on
// HEAD and on stale read versions, loads at versions, branches created, forked and deleted,
// and object puts, gets, lists, deletes and renames must agree with real Lance.
import { test, expect } from "vitest";
import { MANIFEST_AND_OBJECTS } from "../../sim/fidelity/arbitraries.ts";
import { assertAgreement, ran } from "./fidelity-helpers.ts";

test("manifest and object sequences agree with real Lance", async () => {
  const tally = await assertAgreement({ mix: MANIFEST_AND_OBJECTS, minLength: 4, maxLength: 30 }, 20261124, 120);
  for (const kind of ["manifest.merge", "manifest.createBranch", "manifest.deleteBranch", "objects.copy", "objects.putIfAbsent", "objects.list"]) expect(ran(tally, kind)).toBeGreaterThan(20);
  expect(ran(tally, "manifest.merge (stale)")).toBeGreaterThan(0);
  // Nothing here diverges: a branch another one forked from is RefConflict on both.
  expect(tally.rows().filter((r) => r.known > 0).map((r) => r.label)).toEqual([]);
  expect(ran(tally, "manifest.branchContents")).toBeGreaterThan(0);
});

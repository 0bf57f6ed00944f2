// Differential fidelity, datasets: generated sequences of commits (every transaction kind, on
// HEAD and on stale read versions), checkouts, restores, cleanups and version listings, run on
// the virtual store and on real Lance, must agree up to the divergences docs/fidelity.md lists.
import { test, expect } from "vitest";
import { DATASET_HEAVY } from "../../sim/fidelity/arbitraries.ts";
import { assertAgreement, ran } from "./fidelity-helpers.ts";

test("dataset sequences agree with real Lance, stale writers included", async () => {
  const tally = await assertAgreement({ mix: DATASET_HEAVY, minLength: 4, maxLength: 30 }, 20261123, 160);
  // The sweep reached what it is for: stale commits of every row-rewriting kind, and compactions.
  for (const kind of ["Update", "Delete", "Rewrite", "Merge", "StagedMergeInsert", "Append"]) expect(ran(tally, `datasets.commit ${kind} (stale)`)).toBeGreaterThan(0);
  expect(ran(tally, "datasets.cleanup")).toBeGreaterThan(10);
  expect(ran(tally, "datasets.restore")).toBeGreaterThan(10);
  expect(tally.total("exact")).toBeGreaterThan(tally.total("normalized"));
  // Table forks: created at stale versions too, written, listed and deleted.
  for (const kind of ["datasets.createBranch", "datasets.deleteBranch", "datasets.branchContents", "datasets.listBranches"]) expect(ran(tally, kind)).toBeGreaterThan(5);
});

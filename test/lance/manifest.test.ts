// The Lance backend's `__manifest` beyond the shared rules (test/backends/): a branch another
// branch forked from cannot be deleted (Lance refuses: `Ref conflict error`); the adapter checks
// the refs first and raises the seam's RefConflict naming the children (the model refuses it
// too: docs/fidelity.md, divergence 6).
import { test, expect } from "vitest";
import type { ManifestRow } from "../../engine/storage/types.ts";
import type { LanceStorage } from "../../backends/lance/lance-storage.ts";
import { expectStorageError, storage, v } from "./helpers.ts";

const head = (metadata: string): ManifestRow => ({ objectId: "graph_head:main", objectType: "graph_head", tableKey: null, metadata });

async function created(): Promise<LanceStorage> {
  const s = storage();
  expect(await s.manifest.create()).toBe(1);
  return s;
}

test("a branch another branch forked from cannot be deleted: RefConflict, naming the children", async () => {
  const s = await created();
  await s.manifest.createBranch("feature", null);
  await s.manifest.merge("feature", v(1), [head("f")]);
  await s.manifest.createBranch("child", "feature");
  await expectStorageError(
    s.manifest.deleteBranch("feature"),
    "RefConflict",
    "Ref conflict error: branch feature is referenced by child in dataset __manifest, can not delete",
  );
  await s.manifest.deleteBranch("child");
  await s.manifest.deleteBranch("feature");
  expect(await s.manifest.listBranches()).toEqual([]);
});

// Where the Lance backend's `__manifest` differs from the model: Lance branches share history, so
// a branch another branch forked from cannot be deleted. The shared rules are in test/backends/.
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

test("LANCE DIFFERS: a branch another branch forked from cannot be deleted", async () => {
  const s = await created();
  await s.manifest.createBranch("feature", null);
  await s.manifest.merge("feature", v(1), [head("f")]);
  await s.manifest.createBranch("child", "feature");
  await expectStorageError(
    s.manifest.deleteBranch("feature"),
    "InvalidInput",
    'lance error: Ref conflict error: Branch feature is referenced by [("child", 2)] versions, can not delete',
  );
  await s.manifest.deleteBranch("child");
  await s.manifest.deleteBranch("feature");
  expect(await s.manifest.listBranches()).toEqual([]);
});

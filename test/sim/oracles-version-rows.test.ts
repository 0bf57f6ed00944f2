// table-versions-append-only, red on its planted defect: a later manifest version (of main, or of
// a branch since its fork) registering a table version again as another state.
import { expect, test } from "vitest";
import { versionObjectId } from "../../engine/manifest/layout.ts";
import type { ManifestRow, TableKey, Version } from "../../engine/storage/types.ts";
import type { BranchHistory } from "../../sim/oracles/branch-snapshots.ts";
import { tableVersionsAppendOnly } from "../../sim/oracles/version-rows.ts";
import { VirtualStore } from "../../sim/store/virtual-store.ts";
import { ctx } from "./oracle-fixtures.ts";

const PERSON = "node:Person" as TableKey;
const registration: ManifestRow = { objectId: PERSON, objectType: "table", tableKey: PERSON, location: "nodes/person.lance" as never };
const versionRow = (v: number, rowCount: number, ref: string | null = null): ManifestRow => ({
  objectId: versionObjectId(PERSON, v as Version),
  objectType: "table_version",
  tableKey: PERSON,
  tableVersion: v as Version,
  tableBranch: ref,
  rowCount,
});

async function graph(): Promise<VirtualStore> {
  const raw = new VirtualStore();
  await raw.manifest.create([registration, versionRow(1, 1)]);
  await raw.manifest.merge(null, 1 as Version, [versionRow(2, 2)]);
  return raw;
}

const judged = async (raw: VirtualStore, branches: BranchHistory[] = []) =>
  (await tableVersionsAppendOnly({ ...ctx({ raw }), branches })).map((v) => `${v.kind} ${v.table} ${(v.details as { branch: string }).branch}`);

test("table-versions-append-only: a version registered again as another state on main is red", async () => {
  const raw = await graph();
  // New versions, and the same row written again, are what the format admits.
  await raw.manifest.merge(null, 2 as Version, [versionRow(3, 3)]);
  await raw.manifest.merge(null, 3 as Version, [versionRow(3, 3)]);
  expect(await judged(raw)).toEqual([]);
  // The owner-branch handoff: the same rows, owned by another Lance branch.
  await raw.manifest.merge(null, 4 as Version, [versionRow(3, 3, "b0")]);
  expect(await judged(raw)).toEqual([]);
  // Planted: version 2 registered again with another row count (two writers claiming one version).
  await raw.manifest.merge(null, 5 as Version, [versionRow(2, 5)]);
  expect(await judged(raw)).toEqual(["table-version-reregistered node:Person main"]);
});

test("table-versions-append-only: a branch's own version registered again as another state is red; main's later versions are not the branch's", async () => {
  const raw = await graph();
  await raw.manifest.createBranch("b0", null, 2 as Version);
  await raw.manifest.merge("b0", 2 as Version, [versionRow(3, 3, "b0")]);
  // main's own version 3 with other rows is another branch's history, not a rewrite.
  await raw.manifest.merge(null, 2 as Version, [versionRow(3, 4)]);
  const b0 = { branch: "b0", manifests: [] } as unknown as BranchHistory;
  expect(await judged(raw, [b0])).toEqual([]);
  // Planted: a fast-forward into b0 replacing b0's version 3 with main's (another row count).
  await raw.manifest.merge("b0", 3 as Version, [versionRow(3, 4)]);
  expect(await judged(raw, [b0])).toEqual(["table-version-reregistered node:Person b0"]);
});

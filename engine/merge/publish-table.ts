// A merge's Phase B, table by table (`publish_adopted_source_state`, `publish_adopted_delta`,
// `publish_rewritten_merge_table`): each returns the manifest update for its table. An adoption
// without a delta commits nothing (a pointer switch, or a fork of the source's state onto the
// target); a delta is an append, then an upsert, then a delete, on the target's own lineage; a
// three-way merge an upsert, then a delete, then the missing indices. Failpoints sit between the
// commits: a crash there leaves a partial Phase B, which recovery must roll back.
import { FP } from "../../failpoints/catalog.ts";
import { forkFromEntryState, openOwnedForBranchWrite } from "../branch/fork.ts";
import { ownedBy } from "../branch/fork-names.ts";
import { OmniError } from "../errors.ts";
import { maybeFail } from "../failpoint.ts";
import { snapshotForBranch } from "../handle/branch-snapshot.ts";
import type { Handle } from "../handle/handle.ts";
import type { ManifestChange } from "../manifest/changes.ts";
import { ensureSchemaApplyNotLocked } from "../manifest/schema-apply-lock.ts";
import type { Snapshot } from "../manifest/snapshot.ts";
import type { Branch, DatasetPath, Row, TableKey, Version } from "../storage/types.ts";
import { commitTable } from "../write/commit-table.ts";
import { exactMergeCommits } from "../recovery/merge-txn-chain.ts";
import { deleteWhere } from "../write/delete-where.ts";
import { noWritePathIndexBuild } from "../write/no-write-path-index-build.ts";
import { buildMissingIndices } from "../write/publish.ts";
import type { AdoptDelta, StagedMerge } from "./candidates.ts";

export type TableUpdate = ManifestChange & { readonly kind: "update" };

function update(tableKey: TableKey, version: Version, branch: Branch, rowCount: number): TableUpdate {
  return { kind: "update", tableKey, version, branch, rowCount };
}

/** `publish_adopted_source_state`: a pointer switch, or on a target branch that does not own the table a fork of the source's state. */
export async function publishAdoptedSourceState(h: Handle, source: Snapshot, target: Snapshot, tableKey: TableKey, active: Branch, forkRef: string | undefined): Promise<TableUpdate> {
  const s = source.entry(tableKey);
  if (!s) throw new OmniError("TableNotFound", { tableKey }, `missing source entry for ${tableKey}`);
  const t = target.entry(tableKey);
  if (s.branch === null) return update(tableKey, s.version, null, s.rowCount);
  if (active === null) return update(tableKey, t?.version ?? s.version, null, s.rowCount);
  if (t !== undefined && t.branch !== null && ownedBy(t.branch, active)) return update(tableKey, t.version, t.branch, s.rowCount);
  const ref = await forkFromEntryState(h, tableKey, s.path, s.branch, s.version, active, forkRef);
  const head = await h.env.storage.datasets.latestVersion(s.path, ref);
  const rows = (await h.env.storage.datasets.checkout(s.path, ref, head)).rows.length;
  return update(tableKey, head, ref, rows);
}

/** `publish_adopted_delta`: appends, upserts and deletes onto the target's own lineage; no index builds. */
export async function publishAdoptedDelta(h: Handle, tableKey: TableKey, delta: AdoptDelta, forkRef: string | undefined, expected: Version | undefined): Promise<TableUpdate> {
  const env = h.env;
  const opened = await openForMerge(h, tableKey, forkRef);
  const exact = exactMergeCommits(env, tableKey, expected);
  let current = opened.head;
  if (delta.appends.length > 0) current = exact((await commitTable(env, tableKey, opened.path, opened.ref, current, { op: "Append", rows: delta.appends })).version);
  await maybeFail(env, FP.BRANCH_MERGE_ADOPT_AFTER_APPEND_PRE_UPSERT);
  if (delta.upserts.length > 0) current = exact((await commitTable(env, tableKey, opened.path, opened.ref, current, { op: "StagedMergeInsert", rows: delta.upserts })).version);
  await maybeFail(env, FP.BRANCH_MERGE_ADOPT_AFTER_UPSERT_PRE_DELETE);
  if (delta.deletedIds.length > 0) current = exact((await deleteIds(h, tableKey, opened, current, delta.deletedIds)).version);
  return finalState(h, tableKey, opened, current);
}

/** `publish_rewritten_merge_table`: the changed rows upserted, the removed deleted, then the missing indices. */
export async function publishRewrittenMergeTable(h: Handle, tableKey: TableKey, staged: StagedMerge, forkRef: string | undefined, expected: Version | undefined): Promise<TableUpdate> {
  const env = h.env;
  const opened = await openForMerge(h, tableKey, forkRef);
  const exact = exactMergeCommits(env, tableKey, expected);
  let current = opened.head;
  if (staged.delta.length > 0) current = exact((await commitTable(env, tableKey, opened.path, opened.ref, current, { op: "StagedMergeInsert", rows: staged.delta })).version);
  await maybeFail(env, FP.BRANCH_MERGE_REWRITE_AFTER_MERGE_PRE_DELETE);
  if (staged.deletedIds.length > 0) current = exact((await deleteIds(h, tableKey, opened, current, staged.deletedIds)).version);
  await maybeFail(env, FP.BRANCH_MERGE_REWRITE_AFTER_DELETE_PRE_INDEX);
  const rows = (await env.storage.datasets.checkout(opened.path, opened.ref, current)).rows.length;
  // Index coverage is derived state; the fixed engines (RFC-022, `d9b87198`) defer it to
  // optimize and ensureIndices on every write path, this one included.
  if (rows > 0 && !noWritePathIndexBuild(env)) current = await buildMissingIndices(env, h.catalog, tableKey, opened.path, opened.ref, current);
  return finalState(h, tableKey, opened, current);
}

interface OpenedForMerge {
  readonly path: DatasetPath;
  readonly ref: Branch;
  readonly head: Version;
}

/**
 * `open_for_mutation(table, Merge)` with no write txn, on the handle's (swapped-in) target:
 * the schema-apply lock check, a resolve of the target (warm), then HEAD on main, or the target
 * branch's own fork (forked now if the branch does not own the table yet).
 */
async function openForMerge(h: Handle, tableKey: TableKey, forkRef: string | undefined): Promise<OpenedForMerge> {
  const env = h.env;
  await ensureSchemaApplyNotLocked(env, "write");
  const active = h.coordinator.branch;
  const entry = (await snapshotForBranch(h, active)).entry(tableKey);
  if (!entry) throw new OmniError("TableNotFound", { tableKey }, `no manifest entry for ${tableKey}`);
  if (active === null) return { path: entry.path, ref: null, head: await env.storage.datasets.latestVersion(entry.path, null) };
  const opened = await openOwnedForBranchWrite(h, tableKey, entry.path, entry.branch, entry.version, active, undefined, forkRef);
  return { path: entry.path, ...opened };
}

/** The inline delete of removed rows (`delete_where`), committed at once. */
function deleteIds(h: Handle, tableKey: TableKey, opened: OpenedForMerge, at: Version, ids: readonly string[]) {
  return deleteWhere(h.env, tableKey, opened.path, opened.ref, at, { anyOf: [{ column: "id", in: [...ids] }] });
}

/** `table_state` of what the publish reached. */
async function finalState(h: Handle, tableKey: TableKey, opened: OpenedForMerge, at: Version): Promise<TableUpdate> {
  const rows: readonly Row[] = (await h.env.storage.datasets.checkout(opened.path, opened.ref, at)).rows;
  return update(tableKey, at, opened.ref, rows.length);
}

// `GraphNamespacePublisher::publish`: four separately scheduled steps (load the state, check
// the expected versions, build the rows, merge-insert them with row-level CAS) in a loop with
// a retry budget of 5. The pre-check and the commit are NOT atomic: that gap is where the
// open-sweep race (B1) and the @card races (B2', B2'') live. Loading the state is the
// open-for-write path, so it runs the manifest's internal-schema migration first.
import type { Env } from "../env.ts";
import { expectedVersionMismatch, OmniError } from "../errors.ts";
import { isStorageError } from "../storage/errors.ts";
import type { Branch, ManifestRow, ManifestSnapshot, TableKey, Version } from "../storage/types.ts";
import type { ExpectedVersions, ManifestChange } from "./changes.ts";
import { tombstoneObjectId, versionObjectId } from "./layout.ts";
import { memoOnRows } from "./rows-memo.ts";
import { migrateInternalSchema } from "./internal-schema.ts";
import { asBranchNotFound, loadBranchManifest } from "./branch-manifest.ts";
import { headTokenOf, latestVisiblePerTable } from "./snapshot.ts";

export const PUBLISHER_RETRY_BUDGET = 5;

export interface PublishOptions {
  /** Extra rows written with the same merge (the shared head row of `readSetToken`). */
  readonly extraRows?: (state: ManifestSnapshot) => readonly ManifestRow[];
  /**
   * `readSetToken`: the head token the writer validated against. Checked with the expected
   * versions, and made atomic with the commit by the row-level CAS on the head row.
   */
  readonly expectedHeadToken?: string | null;
}

/**
 * Publishes `changes` on `branch`; returns the new manifest version. With no changes and no
 * expectation upstream returns the dataset as it opens it, loading nothing: here its latest
 * version. With no changes but expectations, the loaded version once they hold.
 */
export async function publish(
  env: Env,
  branch: Branch,
  changes: readonly ManifestChange[],
  expected: ExpectedVersions | null,
  options: PublishOptions = {},
): Promise<Version> {
  const expectsNothing = (expected === null || expected.size === 0) && options.expectedHeadToken === undefined;
  if (changes.length === 0 && expectsNothing) return env.storage.manifest.latestVersion(branch);
  for (let attempt = 0; ; attempt++) {
    let state = await loadBranchManifest(env, branch);
    if (await migrateInternalSchema(env, branch, state)) state = await loadBranchManifest(env, branch);
    await env.world.point("publisher.check_expected_table_versions");
    if (expected) checkExpected(latestVisiblePerTable(state.rows), expected);
    if (options.expectedHeadToken !== undefined) checkHeadToken(state, options.expectedHeadToken);
    if (changes.length === 0) return state.version;
    await env.world.point("publisher.build_pending_rows");
    const rows = [...buildPendingRows(changes, state.rows), ...(options.extraRows?.(state) ?? [])];
    try {
      return await env.storage.manifest.merge(branch, state.version, rows);
    } catch (e) {
      // A named branch deleted since the state was loaded: BranchNotFound, as its read would be.
      if (!isStorageError(e, "TooMuchWriteContention")) throw asBranchNotFound(branch, e);
      // The last attempt returns the contention itself (upstream's loop ends in `return Err`;
      // its "exhausted" error after the loop is unreachable).
      if (attempt < PUBLISHER_RETRY_BUDGET) continue;
      throw new OmniError("RowLevelCasContention", { attempt }, `manifest publish lost a row-level CAS race: ${e.message}`, { cause: e });
    }
  }
}

function checkExpected(latest: ReadonlyMap<TableKey, Version>, expected: ExpectedVersions): void {
  for (const [tableKey, e] of expected) {
    const actual = latest.get(tableKey) ?? (0 as Version);
    if (actual !== e) throw expectedVersionMismatch(tableKey, e, actual);
  }
}

function checkHeadToken(state: ManifestSnapshot, token: string | null): void {
  if (headTokenOf(state) !== token) {
    throw new OmniError("ReadSetChanged", { attempts: 0, beforeEffect: false }, "the graph head moved since this write validated its read set");
  }
}

/** The table rows of one manifest version, indexed for `buildPendingRows`. */
interface TableRowsIndex {
  readonly known: ReadonlyMap<TableKey, string>;
  readonly versions: ReadonlyMap<string, ManifestRow>;
  readonly tombstones: ReadonlySet<string>;
}

const tableRowsMemo = new WeakMap<readonly ManifestRow[], TableRowsIndex>();

function indexTableRows(existing: readonly ManifestRow[]): TableRowsIndex {
  const known = new Map<TableKey, string>();
  const versions = new Map<string, ManifestRow>();
  const tombstones = new Set<string>();
  for (const r of existing) {
    if (!r.tableKey) continue;
    if (r.objectType === "table" && r.location) known.set(r.tableKey, r.location);
    else if (r.objectType === "table_version") versions.set(r.objectId, r);
    else if (r.objectType === "table_tombstone") tombstones.add(r.objectId);
  }
  return { known, versions, tombstones };
}

function concurrentModification(tableKey: TableKey | null, reason: string): OmniError {
  return new OmniError("ConcurrentModification", { tableKey, reason }, `concurrent modification: ${reason}`);
}

/** `build_pending_rows`: the rows to merge, or the conflict that forbids them. */
export function buildPendingRows(changes: readonly ManifestChange[], existing: readonly ManifestRow[]): ManifestRow[] {
  const index = memoOnRows(tableRowsMemo, existing, indexTableRows);
  const versions = index.versions;
  const tombstones = index.tombstones;
  // Registrations extend what is known for the later changes: a copy, never the shared index.
  const known = changes.some((c) => c.kind === "register") ? new Map(index.known) : index.known;
  const rows: ManifestRow[] = [];
  for (const c of changes) {
    if (c.kind !== "register") continue;
    const at = known.get(c.tableKey);
    if (at !== undefined && at !== c.path) {
      throw concurrentModification(c.tableKey, `table ${c.tableKey} already exists with different path ${at}`);
    }
    (known as Map<TableKey, string>).set(c.tableKey, c.path);
    rows.push({ objectId: c.tableKey, objectType: "table", tableKey: c.tableKey, location: c.path });
  }
  const requested = new Set<string>();
  for (const c of changes) {
    if (c.kind === "update") {
      if (!known.has(c.tableKey)) {
        throw new OmniError("TableNotFound", { tableKey: c.tableKey }, `table ${c.tableKey} not found`);
      }
      const id = versionObjectId(c.tableKey, c.version);
      const prior = versions.get(id);
      const ownerHandoff = prior !== undefined && prior.rowCount === c.rowCount && (prior.tableBranch ?? null) !== c.branch;
      if (requested.has(id) || (prior !== undefined && !ownerHandoff)) {
        throw concurrentModification(c.tableKey, `table version ${c.version} already exists for ${c.tableKey}`);
      }
      requested.add(id);
      rows.push({
        objectId: id,
        objectType: "table_version",
        tableKey: c.tableKey,
        tableVersion: c.version,
        tableBranch: c.branch,
        rowCount: c.rowCount,
      });
    } else if (c.kind === "tombstone") {
      if (!known.has(c.tableKey)) {
        throw new OmniError("TableNotFound", { tableKey: c.tableKey }, `table ${c.tableKey} not found`);
      }
      const id = tombstoneObjectId(c.tableKey, c.version);
      if (tombstones.has(id)) {
        throw concurrentModification(c.tableKey, `table tombstone ${c.version} already exists for ${c.tableKey}`);
      }
      rows.push({ objectId: id, objectType: "table_tombstone", tableKey: c.tableKey, tableVersion: c.version });
    }
  }
  return rows;
}

// A published table version means one thing for ever: `__manifest`'s `table_version` rows are
// append-only (engine-model section 1: one row per published table version, object id
// `{table_key}${version:020}`), so a later manifest version of the same branch never holds a
// different row under that id. The one change the format admits is the owner-branch handoff
// (the same row count, another Lance branch: upstream's publisher, `build_pending_rows`, takes
// it for the same state owned elsewhere). Anything else is two registrations of one table
// version: a reader that resolved `node:Person` v4 before and after sees two states. Read from
// the raw store with the oracles' own reader, on main and on every live branch since its fork.
import { isInternalSystemBranch } from "../../engine/branch/names.ts";
import { isStorageError } from "../../engine/storage/errors.ts";
import { manifestReadableNow } from "../store/manifest.ts";
import type { Branch, ManifestRow, Storage, TableKey, Version } from "../../engine/storage/types.ts";
import type { Violation } from "../violations.ts";
import type { JudgeContext } from "./context.ts";
import { violationOp } from "./history.ts";
import type { ManifestVersion } from "./published.ts";
import { UnreadableState } from "./reader.ts";
import { operationAt } from "./sidecars.ts";

/** What a `table_version` row registers: its Lance branch and its row count. */
interface Registration {
  readonly tableKey: TableKey;
  readonly version: number;
  readonly ref: string | null;
  readonly rowCount: number | null;
}

const registrationsMemo = new WeakMap<readonly ManifestRow[], ReadonlyMap<string, Registration>>();

/** Every `table_version` row of one manifest version, by object id (memoized per rows array). */
function registrations(rows: readonly ManifestRow[]): ReadonlyMap<string, Registration> {
  let out = registrationsMemo.get(rows);
  if (out) return out;
  const map = new Map<string, Registration>();
  // Indexed, not for-of: a version's rows are a frozen array, and Node 20 allocates an iterator
  // result per element of a frozen array (it does not for a plain one). Once per version.
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (r.objectType !== "table_version") continue;
    if (typeof r.tableKey !== "string" || typeof r.tableVersion !== "number") throw new UnreadableState(`manifest row ${r.objectId} registers no table version`);
    map.set(r.objectId, { tableKey: r.tableKey, version: r.tableVersion, ref: r.tableBranch ?? null, rowCount: typeof r.rowCount === "number" ? r.rowCount : null });
  }
  registrationsMemo.set(rows, map);
  out = map;
  return out;
}

/** The same registration, or the owner-branch handoff: the same rows, owned by another branch. */
function admitted(before: Registration, after: Registration): boolean {
  if (before.tableKey !== after.tableKey || before.version !== after.version) return false;
  return before.rowCount === after.rowCount;
}

/** Version `v`'s rows; null for a fork point the branch's history no longer retains (the branch is judged from its own versions). */
function rowsAt(raw: Storage, branch: Branch, v: number): readonly ManifestRow[] | null | Promise<readonly ManifestRow[] | null> {
  // The virtual store reads without a promise: every crash-state future reads the whole history.
  const now = manifestReadableNow(raw.manifest);
  if (now) return unlessNotRetained(() => now.loadNow(branch, v as Version).rows);
  return raw.manifest.load(branch, v as Version).then(
    (m) => m.rows,
    (e: unknown) =>
      unlessNotRetained(() => {
        throw e;
      }),
  );
}

function unlessNotRetained<T>(read: () => T): T | null {
  try {
    return read();
  } catch (e) {
    if (isStorageError(e, "VersionNotFound")) return null;
    throw e;
  }
}

const changedMemo = new WeakMap<readonly ManifestRow[], WeakMap<readonly ManifestRow[], readonly { before: Registration; after: Registration }[]>>();

/**
 * The registrations `rows` changes from `previousRows` (other than the handoff), remembered per
 * pair of rows arrays: a version's rows never change, and every future of a crash state compares
 * the same consecutive versions of the run it was cut from.
 */
function changedRegistrations(
  previousRows: readonly ManifestRow[],
  previous: ReadonlyMap<string, Registration>,
  rows: readonly ManifestRow[],
  now: ReadonlyMap<string, Registration>,
): readonly { before: Registration; after: Registration }[] {
  let byRows = changedMemo.get(previousRows);
  if (!byRows) changedMemo.set(previousRows, (byRows = new WeakMap()));
  let changed = byRows.get(rows);
  if (!changed) {
    const found: { before: Registration; after: Registration }[] = [];
    for (const [id, after] of now) {
      const before = previous.get(id);
      if (before !== undefined && !admitted(before, after)) found.push({ before, after });
    }
    byRows.set(rows, (changed = found));
  }
  return changed;
}

/** Rewrites of a registered table version between consecutive manifest versions `from`..`to` of `branch`. */
async function rewrites(
  ctx: Pick<JudgeContext, "raw" | "events" | "history">,
  branch: Branch,
  from: number,
  to: number,
  committedBy: readonly ManifestVersion[],
): Promise<Violation[]> {
  const out: Violation[] = [];
  let previous: ReadonlyMap<string, Registration> | null = null;
  let previousRows: readonly ManifestRow[] | null = null;
  for (let v = from; v <= to; v++) {
    const read = rowsAt(ctx.raw, branch, v);
    const rows = read instanceof Promise ? await read : read;
    if (rows === null) continue;
    if (rows === previousRows) continue;
    const now = registrations(rows);
    if (previous !== null && previousRows !== null) {
      for (const { before, after } of changedRegistrations(previousRows, previous, rows, now)) {
        const by = committedBy.find((m) => m.version === v);
        const op = by?.actor ? operationAt(ctx.history, ctx.events, by.actor, by.at) : null;
        out.push({
          kind: "table-version-reregistered",
          message:
            `${branch ?? "main"}'s manifest v${v} registers ${after.tableKey} v${after.version} again as ` +
            `${after.rowCount} rows on ${after.ref ?? "main"}; manifest v${v - 1} registered it as ${before.rowCount} rows on ${before.ref ?? "main"}`,
          ...(op ? { op: violationOp(op) } : {}),
          table: after.tableKey,
          details: { branch: branch ?? "main", manifestVersion: v, tableVersion: after.version, before, after },
        });
      }
    }
    previous = now;
    previousRows = rows;
  }
  return out;
}

export async function tableVersionsAppendOnly(ctx: Pick<JudgeContext, "raw" | "events" | "history" | "manifests" | "branches">): Promise<Violation[]> {
  if (!(await ctx.raw.manifest.exists())) return [];
  const out = await rewrites(ctx, null, 1, await ctx.raw.manifest.latestVersion(null), ctx.manifests);
  for (const b of ctx.branches) {
    if (isInternalSystemBranch(b.branch)) continue;
    const fork = (await ctx.raw.manifest.branchContents(b.branch)).parentVersion;
    out.push(...(await rewrites(ctx, b.branch, fork, await ctx.raw.manifest.latestVersion(b.branch), b.manifests)));
  }
  return out;
}

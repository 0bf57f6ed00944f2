// `open_table_for_mutation`: non-strict ops do not open the table (collapse #1): their fence is
// the base's pin. Strict ops open Lance HEAD and require it to equal the pin they expect
// (`ensure_expected_version`), or, under `opClassPrecondition`, that only maintenance moved it.
import type { Env } from "../env.ts";
import { expectedVersionMismatch, OmniError } from "../errors.ts";
import type { Handle } from "../handle/handle.ts";
import { tablePathForTableKey } from "../schema/catalog.ts";
import type { Branch, DatasetPath, LanceOp, TableKey, Version } from "../storage/types.ts";
import { openOwnedForBranchWrite } from "../branch/fork.ts";
import { ownedBy } from "../branch/fork-names.ts";
import { isStrict, type OpKind } from "./ops.ts";
import type { MutationStaging } from "./staging.ts";
import type { WriteTxn } from "./txn.ts";
import { opClassPrecondition } from "./op-class-precondition.ts";

export interface OpenedTable {
  readonly tableKey: TableKey;
  readonly path: DatasetPath;
  /** The Lance ref the write lands on: null on main, the branch's fork on a branch. */
  readonly ref: Branch;
  /** The version this op's reads should use: HEAD for strict opens, the pin otherwise. */
  readonly readAt: Version;
}

export async function openTableForMutation(
  h: Handle,
  txn: WriteTxn,
  staging: MutationStaging,
  tableKey: TableKey,
  kind: OpKind,
): Promise<OpenedTable> {
  const env = h.env;
  const prior = staging.inline.get(tableKey);
  if (prior) {
    // A second touch after an inline delete reopens at the post-delete version.
    const path = staging.paths.get(tableKey)!;
    const ref = staging.refOf(tableKey);
    await requireHead(env, tableKey, path, ref, prior.version);
    return { tableKey, path, ref, readAt: prior.version };
  }
  const known = staging.paths.get(tableKey);
  const base = isStrict(kind) ? txn.strictBase : txn.base;
  const entry = base.entry(tableKey);
  if (!entry) throw new OmniError("TableNotFound", { tableKey }, `table ${tableKey} not found in the manifest`);
  const path = known ?? entry.path ?? tablePathForTableKey(tableKey);
  const active = txn.branch;
  const owned = active === null || (entry.branch !== null && ownedBy(entry.branch, active));
  const entryRef = active === null ? null : entry.branch;
  if (!isStrict(kind) && owned) {
    // Collapse #1: no open, the fence is the pinned version; on a branch the table is its own.
    staging.ensurePath(tableKey, path, entryRef, entry.version, kind);
    return { tableKey, path, ref: entryRef, readAt: entry.version };
  }
  let ref: Branch;
  let head: Version;
  if (active === null) {
    ref = null;
    head = await env.storage.datasets.latestVersion(path, null);
  } else {
    // Every touch of a table the branch does not own yet takes the fork path, as upstream's
    // `open_for_mutation_on_branch` does (the fork this write made is reclaimed and made again).
    const opened = await openOwnedForBranchWrite(h, tableKey, path, entryRef, entry.version, active, known === undefined ? undefined : staging.refOf(tableKey));
    ref = opened.ref;
    head = opened.head;
  }
  const expected = isStrict(kind) ? await ensureExpectedVersion(env, tableKey, path, ref, head, staging.expected.get(tableKey) ?? entry.version) : head;
  staging.ensurePath(tableKey, path, ref, expected, kind);
  return { tableKey, path, ref, readAt: head };
}

/** `reopen_for_mutation` for strict kinds: HEAD of `ref` must still be exactly `expected`. */
export async function requireHead(env: Env, tableKey: TableKey, path: DatasetPath, ref: Branch, expected: Version): Promise<Version> {
  const head = await env.storage.datasets.latestVersion(path, ref);
  if (head !== expected) throw expectedVersionMismatch(tableKey, expected, head);
  return head;
}

/** Transaction kinds that never change logical content (Design A's maintenance class). */
const MAINTENANCE: ReadonlySet<LanceOp> = new Set<LanceOp>(["Rewrite", "ReserveFragments", "CreateIndex"]);

/**
 * The strict guards (`ensure_expected_version` at open, the reopen at staging, the commit-time
 * check against the manifest): `actual` must equal `expected`. With `opClassPrecondition` a
 * table that moved only by maintenance (compaction, index builds) fast-forwards the
 * expectation to `actual` instead; any logical change in between still fails loudly.
 */
export async function ensureExpectedVersion(env: Env, tableKey: TableKey, path: DatasetPath, ref: Branch, actual: Version, expected: Version): Promise<Version> {
  if (actual === expected) return expected;
  if (await movedOnlyByMaintenance(env, path, ref, expected, actual)) return actual;
  throw expectedVersionMismatch(tableKey, expected, actual);
}

/**
 * Design A's test, under `opClassPrecondition` (false without it): every version of `ref` after
 * `from` up to `to` is a maintenance commit (and none is missing), so content at `to` is
 * content at `from`.
 */
export async function movedOnlyByMaintenance(env: Env, path: DatasetPath, ref: Branch, from: Version, to: Version): Promise<boolean> {
  if (!opClassPrecondition(env) || to <= from) return false;
  const between = (await env.storage.datasets.versions(path, ref)).filter((v) => v.version > from && v.version <= to);
  return between.length === to - from && between.every((v) => MAINTENANCE.has(v.op));
}

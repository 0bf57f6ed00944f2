// `open_table_for_mutation`: non-strict ops do not open the table (collapse #1): their fence is
// the base's pin. Strict ops open Lance HEAD and require it to equal the pin they expect
// (`ensure_expected_version`), or, under `opClassPrecondition`, that only maintenance moved it.
import type { Env } from "../env.ts";
import { expectedVersionMismatch, OmniError } from "../errors.ts";
import type { Handle } from "../handle/handle.ts";
import { tablePathForTableKey } from "../schema/catalog.ts";
import type { DatasetPath, LanceOp, TableKey, Version } from "../storage/types.ts";
import { isStrict, type OpKind } from "./ops.ts";
import type { MutationStaging } from "./staging.ts";
import type { WriteTxn } from "./txn.ts";
import { opClassPrecondition } from "./op-class-precondition.ts";

export interface OpenedTable {
  readonly tableKey: TableKey;
  readonly path: DatasetPath;
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
    await requireHead(env, tableKey, path, prior.version);
    return { tableKey, path, readAt: prior.version };
  }
  const base = isStrict(kind) ? txn.strictBase : txn.base;
  const entry = base.entry(tableKey);
  if (!entry) throw new OmniError("TableNotFound", { tableKey }, `table ${tableKey} not found in the manifest`);
  const path = entry.path ?? tablePathForTableKey(tableKey);
  if (!isStrict(kind)) {
    staging.ensurePath(tableKey, path, entry.version, kind);
    return { tableKey, path, readAt: entry.version };
  }
  const head = await env.storage.datasets.latestVersion(path, null);
  const expected = await ensureExpectedVersion(env, tableKey, path, head, staging.expected.get(tableKey) ?? entry.version);
  staging.ensurePath(tableKey, path, expected, kind);
  return { tableKey, path, readAt: head };
}

/** `reopen_for_mutation` for strict kinds: HEAD must still be exactly `expected`. */
export async function requireHead(env: Env, tableKey: TableKey, path: DatasetPath, expected: Version): Promise<Version> {
  const head = await env.storage.datasets.latestVersion(path, null);
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
export async function ensureExpectedVersion(env: Env, tableKey: TableKey, path: DatasetPath, actual: Version, expected: Version): Promise<Version> {
  if (actual === expected) return expected;
  if (opClassPrecondition(env) && actual > expected) {
    const between = (await env.storage.datasets.versions(path, null)).filter((v) => v.version > expected && v.version <= actual);
    const complete = between.length === actual - expected;
    if (complete && between.every((v) => MAINTENANCE.has(v.op))) return actual;
  }
  throw expectedVersionMismatch(tableKey, expected, actual);
}

// `execute_named_mutation`: each operation of one query, in order, against one write txn.
// Inserts and updates accumulate pending rows; deletes commit inline at the seed (or are
// staged under `stagedDeletes`).
import { FP } from "../../failpoints/catalog.ts";
import { OmniError } from "../errors.ts";
import { maybeFail } from "../failpoint.ts";
import type { Handle } from "../handle/handle.ts";
import { type EdgeType, type NodeType, tableKeyFor, type TableType } from "../schema/catalog.ts";
import { isDefaultCardinality } from "../schema/property-types.ts";
import { projectRow } from "../schema/project.ts";
import { validateRow } from "../schema/row-validation.ts";
import { rowMatches } from "../storage/row-predicate.ts";
import type { Row, RowPredicate, Scalar, TableKey } from "../storage/types.ts";
import { countSourcesPerEdge, enforceCardinality } from "./cardinality.ts";
import { deleteWhere } from "./delete-where.ts";
import { ensureNodeIdExists } from "./endpoints.ts";
import { type OpenedTable, openTableForMutation, requireHead } from "./open-table.ts";
import { matches, type MutationOp, type MutationResult, type Where } from "./ops.ts";
import type { MutationStaging } from "./staging.ts";
import type { WriteTxn } from "./txn.ts";
import { stagedDeletes } from "./staged-deletes.ts";
import { regress298 } from "./regress298.ts";

const NONE: MutationResult = { affectedNodes: 0, affectedEdges: 0 };

export function nodeType(txn: WriteTxn, name: string): NodeType {
  const t = txn.catalog.nodes.get(name);
  if (!t) throw new OmniError("InvalidRow", { table: `node:${name}`, reason: "unknown node type" }, `unknown node type '${name}'`);
  return t;
}

export function edgeType(txn: WriteTxn, name: string): EdgeType {
  const t = txn.catalog.edges.get(name);
  if (!t) throw new OmniError("InvalidRow", { table: `edge:${name}`, reason: "unknown edge type" }, `unknown edge type '${name}'`);
  return t;
}

/** Upstream's value, enum and required-property checks. */
export function checkRow(type: TableType, row: Row): void {
  const violations = validateRow(type, row);
  if (violations.length > 0) {
    const tableKey = tableKeyFor(type.kind, type.name);
    throw new OmniError("InvalidRow", { table: tableKey, reason: violations[0]!.message }, `invalid row for ${tableKey}: ${violations[0]!.message}`);
  }
}

/** `enforce_unique_constraints_intra_batch`: @unique values may not repeat within the batch. */
function checkUniqueInBatch(type: NodeType, rows: readonly Row[]): void {
  for (const cols of type.uniques) {
    const seen = new Set<string>();
    for (const r of rows) {
      const key = JSON.stringify(cols.map((c) => r[c] ?? null));
      if (seen.has(key)) {
        throw new OmniError("InvalidRow", { table: `node:${type.name}`, reason: `duplicate @unique(${cols.join(", ")})` }, `duplicate @unique(${cols.join(", ")}) value ${key} in one batch`);
      }
      seen.add(key);
    }
  }
}

export function isDestructive(op: MutationOp): boolean {
  return op.kind === "deleteNode" || op.kind === "deleteEdge";
}

/** D2: one query is insert/update-only or delete-only. */
export function enforceNoMixedDestructiveConstructive(ops: readonly MutationOp[]): void {
  if (ops.some(isDestructive) && ops.some((o) => !isDestructive(o))) {
    throw new OmniError("MixedDestructiveConstructive", {}, "a mutation cannot mix inserts or updates with deletes");
  }
}

export async function executeOp(h: Handle, txn: WriteTxn, staging: MutationStaging, op: MutationOp): Promise<MutationResult> {
  switch (op.kind) {
    case "insertNode":
      return insertNode(h, txn, staging, op.type, op.props);
    case "insertEdge":
      return insertEdge(h, txn, staging, op.type, op.from, op.to, op.props ?? {});
    case "updateNode":
      return updateNode(h, txn, staging, op.type, op.where, op.set);
    case "deleteNode":
      return deleteNode(h, txn, staging, op.type, op.where);
    case "deleteEdge":
      return deleteEdge(h, txn, staging, op.type, op.where);
  }
}

async function insertNode(h: Handle, txn: WriteTxn, staging: MutationStaging, type: string, props: Readonly<Record<string, Scalar>>): Promise<MutationResult> {
  const t = nodeType(txn, type);
  const id = t.key !== null ? String(props[t.key] ?? "") : h.env.ids.ulid();
  const row: Row = { id, ...props };
  checkRow(t, row);
  const tableKey = tableKeyFor("node", type);
  await openTableForMutation(h, txn, staging, tableKey, t.key !== null ? "Merge" : "Insert");
  checkUniqueInBatch(t, [...staging.pendingRows(tableKey), row]);
  staging.appendRows(tableKey, t.key !== null ? "Merge" : "Append", [row]);
  return { affectedNodes: 1, affectedEdges: 0 };
}

async function insertEdge(
  h: Handle,
  txn: WriteTxn,
  staging: MutationStaging,
  type: string,
  from: string,
  to: string,
  props: Readonly<Record<string, Scalar>>,
): Promise<MutationResult> {
  const t = edgeType(txn, type);
  const row: Row = { id: h.env.ids.ulid(), src: from, dst: to, ...props };
  checkRow(t, row);
  // Upstream validates the endpoints before it opens the edge table.
  await ensureNodeIdExists(h, txn, staging, type, "src", t.from, from);
  await ensureNodeIdExists(h, txn, staging, type, "dst", t.to, to);
  const tableKey = tableKeyFor("edge", type);
  const opened = await openTableForMutation(h, txn, staging, tableKey, "Insert");
  staging.appendRows(tableKey, "Append", [row]);
  if (!isDefaultCardinality(t.cardinality)) {
    // #298: the scan must read live HEAD; `regress298` reads the pinned (stale) base instead.
    const at = regress298(h.env) ? opened.readAt : await h.env.storage.datasets.latestVersion(opened.path, opened.ref);
    const committed = await h.env.storage.datasets.checkout(opened.path, opened.ref, at);
    enforceCardinality(t, countSourcesPerEdge(committed.rows, staging.pendingRows(tableKey), false));
  }
  return { affectedNodes: 0, affectedEdges: 1 };
}

/** Rows at `at` with this mutation's pending rows shadowing them by id. */
async function rowsWithPending(h: Handle, staging: MutationStaging, opened: OpenedTable): Promise<Row[]> {
  const content = await h.env.storage.datasets.checkout(opened.path, opened.ref, opened.readAt);
  const tableKey = opened.tableKey;
  const byId = new Map<string, Row>();
  for (const r of content.rows) byId.set(r.id, r);
  for (const r of staging.pendingRows(tableKey)) byId.set(r.id, r);
  return [...byId.values()];
}

async function updateNode(
  h: Handle,
  txn: WriteTxn,
  staging: MutationStaging,
  type: string,
  where: Where,
  set: Readonly<Record<string, Scalar>>,
): Promise<MutationResult> {
  const t = nodeType(txn, type);
  if (t.key !== null && t.key in set) {
    throw new OmniError("InvalidRow", { table: `node:${type}`, reason: `cannot update @key property '${t.key}'` }, `cannot update @key property '${t.key}' — delete and re-insert instead`);
  }
  const tableKey = tableKeyFor("node", type);
  const opened = await openTableForMutation(h, txn, staging, tableKey, "Update");
  const matched = (await rowsWithPending(h, staging, opened)).filter((r) => matches(r, where));
  if (matched.length === 0) return NONE;
  // The scan projects through the write's catalog, as upstream's does: at the seed the handle's,
  // so columns a newer schema added (another handle's apply this handle has not reloaded) are
  // not carried, and ones it dropped come back; under `txnCatalog` the one validated at open.
  const updated = matched.map((r) => ({ ...projectRow(r, t), ...set }) as Row);
  for (const r of updated) checkRow(t, r);
  checkUniqueInBatch(t, updated);
  staging.appendRows(tableKey, "Merge", updated);
  return { affectedNodes: updated.length, affectedEdges: 0 };
}

async function deleteNode(h: Handle, txn: WriteTxn, staging: MutationStaging, type: string, where: Where): Promise<MutationResult> {
  nodeType(txn, type);
  const env = h.env;
  const tableKey = tableKeyFor("node", type);
  const opened = await openTableForMutation(h, txn, staging, tableKey, "Delete");
  const content = await env.storage.datasets.checkout(opened.path, opened.ref, opened.readAt);
  const ids = content.rows.filter((r) => matches(r, where)).map((r) => r.id);
  if (ids.length === 0) return NONE;
  const primary: RowPredicate = { anyOf: [{ column: "id", in: ids }] };
  // `reopen_for_mutation` runs before the failpoint: a writer that lands while the delete is
  // parked there is not seen until the inline delete rebases over it.
  const head = stagedDeletes(env) ? opened.readAt : await requireHead(env, tableKey, opened.path, opened.ref, opened.readAt);
  await maybeFail(env, FP.MUTATION_DELETE_NODE_PRE_PRIMARY_DELETE);
  if (stagedDeletes(env)) {
    staging.stageDelete(tableKey, primary.anyOf[0]!);
  } else {
    const done = await deleteWhere(env, tableKey, opened.path, opened.ref, head, primary);
    staging.recordInline(tableKey, { version: done.version, rowCount: done.rowCount });
  }
  let affectedEdges = 0;
  for (const edge of txn.catalog.edges.values()) {
    const clauses: RowPredicate["anyOf"][number][] = [];
    if (edge.from === type) clauses.push({ column: "src", in: ids });
    if (edge.to === type) clauses.push({ column: "dst", in: ids });
    if (clauses.length === 0) continue;
    affectedEdges += await deleteFrom(h, txn, staging, tableKeyFor("edge", edge.name), { anyOf: clauses });
  }
  return { affectedNodes: ids.length, affectedEdges };
}

async function deleteEdge(h: Handle, txn: WriteTxn, staging: MutationStaging, type: string, where: Where): Promise<MutationResult> {
  edgeType(txn, type);
  const tableKey = tableKeyFor("edge", type);
  const opened = await openTableForMutation(h, txn, staging, tableKey, "Delete");
  // Upstream hands the query's predicate straight to `delete_where`, which scans the opened
  // version itself; the seam's predicate names ids, so the scan is ours. A predicate matching
  // nothing still reaches the delete, as upstream's does.
  const content = await h.env.storage.datasets.checkout(opened.path, opened.ref, opened.readAt);
  const ids = content.rows.filter((r) => matches(r, where)).map((r) => r.id);
  const deleted = await deleteFrom(h, txn, staging, tableKey, { anyOf: [{ column: "id", in: ids }] }, opened);
  return { affectedNodes: 0, affectedEdges: deleted };
}

/** One table's delete: inline at the seed (only recorded when rows went), staged with the fix. */
async function deleteFrom(
  h: Handle,
  txn: WriteTxn,
  staging: MutationStaging,
  tableKey: TableKey,
  where: RowPredicate,
  opened?: OpenedTable,
): Promise<number> {
  const env = h.env;
  const table = opened ?? (await openTableForMutation(h, txn, staging, tableKey, "Delete"));
  if (stagedDeletes(env)) {
    const content = await env.storage.datasets.checkout(table.path, table.ref, table.readAt);
    const count = content.rows.filter((r) => rowMatches(r, where)).length;
    if (count > 0) for (const clause of where.anyOf) staging.stageDelete(tableKey, clause);
    return count;
  }
  const done = await deleteWhere(env, tableKey, table.path, table.ref, table.readAt, where);
  if (done.deletedRows > 0) staging.recordInline(tableKey, { version: done.version, rowCount: done.rowCount });
  return done.deletedRows;
}

// `load_as`: bulk rows for several tables in one write. Its referential-integrity and @card
// checks read the handle's warm snapshot (`snapshot_for_branch`), not live HEAD: a stale
// handle's load can exceed @card (B2''), the loader twin of #298.
import { snapshotForBranch } from "../handle/branch-snapshot.ts";
import { OmniError } from "../errors.ts";
import type { Handle } from "../handle/handle.ts";
import { healHandle } from "../handle/heal.ts";
import { writeBarrier } from "../handle/write-barrier.ts";
import { tableKeyFor } from "../schema/catalog.ts";
import { isDefaultCardinality } from "../schema/property-types.ts";
import type { Row, Scalar } from "../storage/types.ts";
import { countSourcesPerEdge, enforceCardinality } from "./cardinality.ts";
import { checkRow, edgeType, nodeType } from "./execute.ts";
import { openTableForMutation } from "./open-table.ts";
import { withReadSetRetry, type WriteOptions } from "./mutate.ts";
import { requestedBranch } from "./branch-write.ts";
import type { OpKind } from "./ops.ts";
import type { MutationStaging, PendingMode } from "./staging.ts";
import type { WriteTxn } from "./txn.ts";
import { enforceUniqueInBatch } from "./unique-in-batch.ts";

export type LoadMode = "Append" | "Merge" | "Overwrite";

export interface LoadSpec {
  readonly mode: LoadMode;
  readonly nodes?: Readonly<Record<string, readonly Readonly<Record<string, Scalar>>[]>>;
  readonly edges?: Readonly<Record<string, readonly { from: string; to: string; props?: Readonly<Record<string, Scalar>> }[]>>;
}

export interface LoadResult {
  readonly nodesLoaded: number;
  readonly edgesLoaded: number;
}

const OP_KIND: Record<LoadMode, OpKind> = { Append: "Insert", Merge: "Merge", Overwrite: "SchemaRewrite" };

export async function load(h: Handle, spec: LoadSpec, actor: string | null = null, options: WriteOptions = {}): Promise<LoadResult> {
  const observed = h.coordinator.snapshot;
  const unresolved = await healHandle(h);
  const branch = requestedBranch(h, options.branch, "load");
  writeBarrier(h.env, unresolved, [branch], "load");
  const touched = [...sorted(spec.nodes).map(([t]) => tableKeyFor("node", t)), ...sorted(spec.edges).map(([t]) => tableKeyFor("edge", t))].sort();
  return withReadSetRetry(h, branch, touched, observed, async (txn, staging) => ({ result: await prepareLoad(h, txn, staging, spec), kind: "Load" as const, actor }));
}

async function prepareLoad(h: Handle, txn: WriteTxn, staging: MutationStaging, spec: LoadSpec): Promise<LoadResult> {
  const mode: Exclude<PendingMode, "Delete"> = spec.mode;
  const kind = OP_KIND[spec.mode];
  let nodesLoaded = 0;
  let edgesLoaded = 0;
  for (const [type, propsList] of sorted(spec.nodes)) {
    const t = nodeType(txn, type);
    const rows = propsList.map((props): Row => ({ id: t.key !== null ? String(props[t.key] ?? "") : h.env.ids.ulid(), ...props }));
    for (const r of rows) checkRow(t, r);
    enforceUniqueInBatch(t, rows);
    const tableKey = tableKeyFor("node", type);
    await openTableForMutation(h, txn, staging, tableKey, kind);
    staging.appendRows(tableKey, mode, rows);
    nodesLoaded += rows.length;
  }
  const edgeSpecs = sorted(spec.edges);
  for (const [type, list] of edgeSpecs) {
    const t = edgeType(txn, type);
    const fromIds = await nodeIdsWithPending(h, txn, staging, t.from);
    const toIds = await nodeIdsWithPending(h, txn, staging, t.to);
    list.forEach((e, i) => {
      if (!fromIds.has(e.from)) throw missing(type, i, "src", e.from, t.from);
      if (!toIds.has(e.to)) throw missing(type, i, "dst", e.to, t.to);
    });
  }
  for (const [type, list] of edgeSpecs) {
    const t = edgeType(txn, type);
    const rows = list.map((e): Row => ({ id: h.env.ids.ulid(), src: e.from, dst: e.to, ...(e.props ?? {}) }));
    for (const r of rows) checkRow(t, r);
    enforceUniqueInBatch(t, rows);
    const tableKey = tableKeyFor("edge", type);
    await openTableForMutation(h, txn, staging, tableKey, kind);
    staging.appendRows(tableKey, mode, rows);
    edgesLoaded += rows.length;
  }
  for (const [type] of edgeSpecs) {
    const t = edgeType(txn, type);
    if (isDefaultCardinality(t.cardinality)) continue;
    // `validate_edge_cardinality_with_pending_loader` reads `snapshot_for_branch`: warm on the bound branch.
    const tableKey = tableKeyFor("edge", type);
    const entry = (await snapshotForBranch(h, txn.branch)).entry(tableKey);
    const committed = entry ? (await h.env.storage.datasets.checkout(entry.path, entry.branch, entry.version)).rows : [];
    enforceCardinality(t, countSourcesPerEdge(spec.mode === "Overwrite" ? [] : committed, staging.pendingRows(tableKey), spec.mode === "Merge"));
  }
  return { nodesLoaded, edgesLoaded };
}

/** Pending ids plus the committed ids at the warm snapshot's pin (unless the table is overwritten). */
async function nodeIdsWithPending(h: Handle, txn: WriteTxn, staging: MutationStaging, type: string): Promise<Set<string>> {
  const tableKey = tableKeyFor("node", type);
  const ids = new Set(staging.pendingRows(tableKey).map((r) => r.id));
  if (staging.pending.get(tableKey)?.mode === "Overwrite") return ids;
  const entry = (await snapshotForBranch(h, txn.branch)).entry(tableKey);
  if (entry) for (const r of (await h.env.storage.datasets.checkout(entry.path, entry.branch, entry.version)).rows) ids.add(r.id);
  return ids;
}

function missing(edge: string, index: number, role: "src" | "dst", id: string, nodeType: string): OmniError {
  return new OmniError("MissingEndpoint", { edge, role, nodeType, id }, `edge ${edge} row ${index + 1}: ${role} '${id}' not found in ${nodeType}`);
}

function sorted<T>(record: Readonly<Record<string, T>> | undefined): [string, T][] {
  return Object.entries(record ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

// `validate_merge_candidates`: the merged graph, table by table (the candidate's data: the
// source's for an adoption, the staged merge for a three-way merge, else the target's), must keep
// every value constraint, `@unique`, `@card` and referential integrity. Every violation found is
// reported together, and nothing is published.
import type { Env } from "../env.ts";
import { type MergeConflict, OmniError } from "../errors.ts";
import type { Snapshot } from "../manifest/snapshot.ts";
import { type Catalog, tableKeyFor, type TableType } from "../schema/catalog.ts";
import { validateRow } from "../schema/row-validation.ts";
import type { Row, TableKey } from "../storage/types.ts";
import type { Candidate } from "./candidates.ts";
import { rowsById } from "./rows.ts";

export async function validateMergeCandidates(
  env: Env,
  catalog: Catalog,
  source: Snapshot,
  target: Snapshot,
  candidates: ReadonlyMap<TableKey, Candidate>,
): Promise<void> {
  const conflicts: MergeConflict[] = [];
  const nodeIds = new Map<string, Set<string>>();
  for (const type of catalog.nodes.values()) {
    const tableKey = tableKeyFor("node", type.name);
    const rows = await candidateRows(env, source, target, candidates, tableKey);
    for (const r of rows) {
      const v = validateRow(type, r);
      if (v.length > 0) conflicts.push({ tableKey, rowId: null, kind: "ValueConstraintViolation", message: v[0]!.message });
    }
    uniqueViolations(tableKey, type, rows, conflicts);
    nodeIds.set(type.name, new Set(rows.map((r) => r.id)));
  }
  for (const edge of catalog.edges.values()) {
    const tableKey = tableKeyFor("edge", edge.name);
    const rows = await candidateRows(env, source, target, candidates, tableKey);
    uniqueViolations(tableKey, edge, rows, conflicts);
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(String(r.src), (counts.get(String(r.src)) ?? 0) + 1);
    const from = nodeIds.get(edge.from) ?? new Set<string>();
    const to = nodeIds.get(edge.to) ?? new Set<string>();
    for (const r of rows) {
      if (!from.has(String(r.src))) conflicts.push({ tableKey, rowId: r.id, kind: "OrphanEdge", message: `src '${String(r.src)}' not found in ${edge.from}` });
      if (!to.has(String(r.dst))) conflicts.push({ tableKey, rowId: r.id, kind: "OrphanEdge", message: `dst '${String(r.dst)}' not found in ${edge.to}` });
    }
    const { min, max } = edge.cardinality;
    for (const [src, count] of [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (max !== null && count > max) {
        conflicts.push({ tableKey, rowId: null, kind: "CardinalityViolation", message: `@card violation on edge ${edge.name}: source '${src}' has ${count} edges (max ${max})` });
      }
      if (count < min) {
        conflicts.push({ tableKey, rowId: null, kind: "CardinalityViolation", message: `@card violation on edge ${edge.name}: source '${src}' has ${count} edges (min ${min})` });
      }
    }
  }
  if (conflicts.length > 0) throw mergeConflicts(conflicts);
}

export function mergeConflicts(conflicts: readonly MergeConflict[]): OmniError<"MergeConflicts"> {
  return new OmniError("MergeConflicts", { conflicts }, `merge conflicts: ${conflicts.map((c) => `${c.tableKey}: ${c.message}`).join("; ")}`);
}

/** `candidate_dataset`: what the merged table would hold. */
async function candidateRows(env: Env, source: Snapshot, target: Snapshot, candidates: ReadonlyMap<TableKey, Candidate>, tableKey: TableKey): Promise<Row[]> {
  const c = candidates.get(tableKey);
  if (c?.kind === "RewriteMerged") return [...c.staged.full];
  const from = c === undefined ? target : source;
  return [...(await rowsById(env, from, tableKey)).values()];
}

/** `update_unique_constraints`: a second row with the same values of a `@unique` group (nulls exempt). */
function uniqueViolations(tableKey: TableKey, type: TableType, rows: readonly Row[], conflicts: MergeConflict[]): void {
  for (const columns of type.uniques) {
    const seen = new Map<string, string>();
    for (const r of rows) {
      const values = columns.map((c) => r[c] ?? null);
      if (values.some((v) => v === null)) continue;
      const key = JSON.stringify(values);
      const first = seen.get(key);
      if (first !== undefined) {
        conflicts.push({ tableKey, rowId: r.id, kind: "UniqueViolation", message: `unique constraint ${JSON.stringify(columns)} violated by '${first}' and '${r.id}'` });
      } else seen.set(key, r.id);
    }
  }
}

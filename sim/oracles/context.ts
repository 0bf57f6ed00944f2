// What every oracle gets to look at once a universe has run.
import type { Catalog } from "../../engine/schema/catalog.ts";
import type { Row, Scalar, Storage } from "../../engine/storage/types.ts";
import type { TraceEvent } from "../trace.ts";
import type { Violation } from "../violations.ts";
import type { History, OpRecord, RowRef } from "./history.ts";
import type { BranchHistory } from "./branch-snapshots.ts";
import type { PublishedSnapshot } from "./published.ts";

export interface JudgeContext {
  readonly events: readonly TraceEvent[];
  readonly history: History;
  readonly snapshots: readonly PublishedSnapshot[];
  /** Every live graph branch (but main) with the snapshots it published. */
  readonly branches: readonly BranchHistory[];
  /** The accepted schema at the end of the run. */
  readonly catalog: Catalog;
  readonly raw: Storage;
}

export type Oracle = (ctx: JudgeContext) => Violation[] | Promise<Violation[]>;

export function findRow(snapshot: PublishedSnapshot, ref: RowRef): Row | undefined {
  return snapshot.tables.get(ref.table)?.find((r) => (r[ref.column] ?? null) === ref.value);
}

export function sameRef(a: RowRef, b: RowRef): boolean {
  return a.table === b.table && a.column === b.column && a.value === b.value;
}

/**
 * Whether an operation other than `op` may change `ref`: it inserts, deletes or (when asked)
 * updates the same row, or deletes a row whose deletion cascades to it.
 */
export function touchedByOthers(ctx: JudgeContext, op: OpRecord, ref: RowRef, includeUpdates: boolean): boolean {
  const deps = ref.dependsOn ?? [];
  return ctx.history.ops.some(
    (o) =>
      o !== op &&
      (o.effect.deletes.some((d) => sameRef(d, ref) || deps.some((x) => sameRef(d, x))) ||
        o.effect.inserts.some((i) => sameRef(i, ref)) ||
        (includeUpdates && o.effect.updates.some((u) => sameRef(u.row, ref)))),
  );
}

/** The graph branch an operation writes (main unless its effect names another). */
export function branchOf(op: OpRecord): string {
  return op.effect.branch ?? "main";
}

export function describeRef(ref: RowRef): string {
  return `${ref.table}[${ref.column}=${String(ref.value)}]`;
}

export function valuesMatch(row: Row, set: Readonly<Record<string, Scalar>>): boolean {
  return Object.entries(set).every(([k, v]) => (row[k] ?? null) === v);
}

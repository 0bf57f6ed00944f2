// The mutations a query can express, as typed operations (the query language is abstracted
// away; engine-model section 10.4).
import type { Scalar } from "../storage/types.ts";

/** Rows selected by column equality; every clause must hold. Empty selects every row. */
export type Where = readonly { readonly column: string; readonly equals: Scalar }[];

export type MutationOp =
  /** Keyed types upsert by @key (a Merge); unkeyed types append with a fresh ULID id. */
  | { readonly kind: "insertNode"; readonly type: string; readonly props: Readonly<Record<string, Scalar>> }
  | {
      readonly kind: "insertEdge";
      readonly type: string;
      readonly from: string;
      readonly to: string;
      readonly props?: Readonly<Record<string, Scalar>>;
    }
  /** `update T set ... where ...`: strict (read-modify-write). */
  | { readonly kind: "updateNode"; readonly type: string; readonly where: Where; readonly set: Readonly<Record<string, Scalar>> }
  /** Deletes matching nodes and cascades to every edge touching them. */
  | { readonly kind: "deleteNode"; readonly type: string; readonly where: Where }
  | { readonly kind: "deleteEdge"; readonly type: string; readonly where: Where };

export interface MutationResult {
  readonly affectedNodes: number;
  readonly affectedEdges: number;
}

export function byId(id: string): Where {
  return [{ column: "id", equals: id }];
}

export function matches(row: Readonly<Record<string, Scalar>>, where: Where): boolean {
  return where.every((c) => (row[c.column] ?? null) === c.equals);
}

/** `MutationOpKind`: strict kinds must write on exactly the version they read. */
export type OpKind = "Insert" | "Merge" | "Update" | "Delete" | "SchemaRewrite";

export function isStrict(kind: OpKind): boolean {
  return kind === "Update" || kind === "Delete" || kind === "SchemaRewrite";
}

const STRICTNESS: Record<OpKind, number> = { Insert: 0, Merge: 1, Update: 2, Delete: 3, SchemaRewrite: 4 };

/** The strictest of two kinds (a table touched twice keeps the stricter). */
export function stricter(a: OpKind, b: OpKind): OpKind {
  return STRICTNESS[a] >= STRICTNESS[b] ? a : b;
}

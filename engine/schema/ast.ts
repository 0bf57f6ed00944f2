// The parsed `.pg` file, before validation. Every name keeps the position it was written at,
// so the catalog builder can point its validation errors at the offending token.

import type { SourcePos } from "./errors.ts";
import type { ScalarTypeName } from "./property-types.ts";

export interface NameAst {
  readonly name: string;
  readonly at: SourcePos;
}

/** The annotations this model understands; any other `@name` is a syntax error. */
export type AnnotationName = "key" | "index" | "unique" | "rename_from";

export interface AnnotationAst {
  readonly name: AnnotationName;
  /** The string argument of `@rename_from("Old")`; null for the others. */
  readonly value: string | null;
  readonly at: SourcePos;
}

export type ConstraintKind = "key" | "index" | "unique";

/** A body constraint such as `@index(a, b)`. */
export interface ConstraintAst {
  readonly kind: ConstraintKind;
  readonly columns: readonly NameAst[];
  readonly at: SourcePos;
}

export interface TypeRefAst {
  readonly at: SourcePos;
  readonly optional: boolean;
  readonly core:
    | { readonly kind: "scalar"; readonly scalar: ScalarTypeName }
    | { readonly kind: "list"; readonly element: ScalarTypeName }
    | { readonly kind: "enum"; readonly values: readonly NameAst[] };
}

export interface PropertyAst {
  readonly name: string;
  readonly at: SourcePos;
  readonly type: TypeRefAst;
  readonly annotations: readonly AnnotationAst[];
}

export interface CardinalityAst {
  readonly min: number;
  readonly max: number | null;
  readonly at: SourcePos;
}

export interface NodeDeclAst {
  readonly kind: "node";
  readonly name: string;
  readonly at: SourcePos;
  readonly annotations: readonly AnnotationAst[];
  readonly properties: readonly PropertyAst[];
  readonly constraints: readonly ConstraintAst[];
}

export interface EdgeDeclAst {
  readonly kind: "edge";
  readonly name: string;
  readonly at: SourcePos;
  readonly from: NameAst;
  readonly to: NameAst;
  /** Null when the source writes no `@card`: the default `0..`. */
  readonly cardinality: CardinalityAst | null;
  readonly annotations: readonly AnnotationAst[];
  readonly properties: readonly PropertyAst[];
  readonly constraints: readonly ConstraintAst[];
}

export type DeclAst = NodeDeclAst | EdgeDeclAst;

export interface SchemaFileAst {
  readonly declarations: readonly DeclAst[];
}

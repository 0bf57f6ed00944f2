// The value types a property can declare, and edge cardinality. Shared by the parser's AST,
// the catalog, the IR and the planner, so a type means the same thing at every stage.

export const SCALAR_TYPE_NAMES = ["String", "Bool", "I32", "I64", "F32", "F64", "DateTime", "Date"] as const;

export type ScalarTypeName = (typeof SCALAR_TYPE_NAMES)[number];

export function isScalarTypeName(word: string): word is ScalarTypeName {
  return (SCALAR_TYPE_NAMES as readonly string[]).includes(word);
}

/** A property's declared type. `optional` is the `?` suffix: the column may hold null. */
export type PropType =
  | { readonly kind: "scalar"; readonly scalar: ScalarTypeName; readonly optional: boolean }
  /** `[T]`: a list of non-null scalars. */
  | { readonly kind: "list"; readonly element: ScalarTypeName; readonly optional: boolean }
  /** `enum(a, b)`: stored as a string; values are kept sorted so declaration order is noise. */
  | { readonly kind: "enum"; readonly values: readonly string[]; readonly optional: boolean };

export function samePropType(a: PropType, b: PropType): boolean {
  return propTypeToString(a) === propTypeToString(b);
}

/** The type as `.pg` source writes it, e.g. `String?`, `[I32]`, `enum(a, b)`. */
export function propTypeToString(t: PropType): string {
  const suffix = t.optional ? "?" : "";
  switch (t.kind) {
    case "scalar":
      return t.scalar + suffix;
    case "list":
      return `[${t.element}]${suffix}`;
    case "enum":
      return `enum(${t.values.join(", ")})${suffix}`;
  }
}

/**
 * `@card(min..max)`. `max` null means unbounded. The default `0..` constrains nothing and is
 * never checked by the write path (upstream `Cardinality::is_default`).
 */
export interface Cardinality {
  readonly min: number;
  readonly max: number | null;
}

export const DEFAULT_CARDINALITY: Cardinality = { min: 0, max: null };

export function isDefaultCardinality(c: Cardinality): boolean {
  return c.min === 0 && c.max === null;
}

export function cardinalityToString(c: Cardinality): string {
  return `@card(${c.min}..${c.max ?? ""})`;
}

// The steps a schema-apply plan is made of (upstream `SchemaMigrationStep`, without the
// interface and metadata-only variants this model does not have).

import type { ConstraintColumns, TypeKind } from "./catalog.ts";
import type { Cardinality, PropType } from "./property-types.ts";

/**
 * Soft: the table is tombstoned or the column projected away, but older dataset versions keep
 * the data (time travel still reads it). Hard: the same writes, then the old versions are
 * cleaned up. Only `allowDataLoss` makes a drop Hard.
 */
export type DropMode = "Soft" | "Hard";

/** A constraint added to an existing type; none of them needs table work. */
export type AddedConstraint =
  | { readonly kind: "index"; readonly columns: ConstraintColumns }
  | { readonly kind: "unique"; readonly columns: ConstraintColumns }
  | { readonly kind: "cardinality"; readonly from: Cardinality; readonly to: Cardinality };

export type SchemaStep =
  | { readonly kind: "AddType"; readonly typeKind: TypeKind; readonly name: string }
  | { readonly kind: "RenameType"; readonly typeKind: TypeKind; readonly from: string; readonly to: string }
  | {
      readonly kind: "AddProperty";
      readonly typeKind: TypeKind;
      /** The type's desired (post-rename) name. */
      readonly typeName: string;
      readonly property: string;
      readonly propertyType: PropType;
    }
  | {
      readonly kind: "RenameProperty";
      readonly typeKind: TypeKind;
      readonly typeName: string;
      readonly from: string;
      readonly to: string;
    }
  | {
      readonly kind: "DropProperty";
      readonly typeKind: TypeKind;
      readonly typeName: string;
      readonly property: string;
      readonly mode: DropMode;
    }
  | { readonly kind: "DropType"; readonly typeKind: TypeKind; readonly name: string; readonly mode: DropMode }
  | {
      readonly kind: "AddConstraint";
      readonly typeKind: TypeKind;
      readonly typeName: string;
      readonly constraint: AddedConstraint;
    }
  | {
      readonly kind: "UnsupportedChange";
      /** `node:Person` or `node:Person.age`, as upstream names it. */
      readonly entity: string;
      readonly reason: string;
    };

export type SchemaStepKind = SchemaStep["kind"];

export type UnsupportedChange = Extract<SchemaStep, { kind: "UnsupportedChange" }>;

export function firstUnsupportedChange(steps: readonly SchemaStep[]): UnsupportedChange | undefined {
  return steps.find((s): s is UnsupportedChange => s.kind === "UnsupportedChange");
}

export function isPlanSupported(steps: readonly SchemaStep[]): boolean {
  return firstUnsupportedChange(steps) === undefined;
}

/** Every Soft drop made Hard when `allowDataLoss` (upstream `promote_drops_to_hard`). */
export function promoteDropsToHard(steps: readonly SchemaStep[], allowDataLoss: boolean): SchemaStep[] {
  if (!allowDataLoss) return [...steps];
  return steps.map((s) => (s.kind === "DropType" || s.kind === "DropProperty" ? { ...s, mode: "Hard" } : s));
}

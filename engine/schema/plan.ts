// The schema-apply planner (upstream `plan_schema_migration` + `promote_drops_to_hard`):
// compares the accepted catalog with the desired one and lists, in order, what applying the
// desired schema means. Node types are planned first (their renames feed the edge endpoint
// check), then edge types; within a type: rename, type-level checks, properties in name order,
// dropped properties, then constraints. Drops are Soft unless `allowDataLoss`.
//
// Where this differs from the seed's planner: adding `@unique` and changing `@card` are
// AddConstraint steps here (upstream rejects both as unsupported). Neither needs table work;
// note that a tightened bound is not re-checked against existing rows.

import type { Catalog, ConstraintColumns, EdgeType, NodeType, PropertyDef, TableType, TypeKind } from "./catalog.ts";
import { typesOfKind } from "./catalog.ts";
import { canonicalConstraintLists, constraintLabel } from "./canonical.ts";
import { propTypeToString, samePropType } from "./property-types.ts";
import { matchRenames, type RenameMatch, type Renameable } from "./rename-matching.ts";
import { promoteDropsToHard, type SchemaStep } from "./steps.ts";

export interface SchemaApplyOptions {
  readonly allowDataLoss: boolean;
}

export function planSchemaApply(accepted: Catalog, desired: Catalog, options: SchemaApplyOptions): SchemaStep[] {
  const steps: SchemaStep[] = [];
  const nodeRenames = planTypesOfKind("node", accepted, desired, new Map(), steps);
  planTypesOfKind("edge", accepted, desired, nodeRenames, steps);
  return promoteDropsToHard(steps, options.allowDataLoss);
}

/** Old name to new name. */
type Renames = ReadonlyMap<string, string>;

function renamed(name: string, renames: Renames): string {
  return renames.get(name) ?? name;
}

function unsupported(steps: SchemaStep[], entity: string, reason: string): void {
  steps.push({ kind: "UnsupportedChange", entity, reason });
}

function renameProblem(match: RenameMatch<Renameable>, what: string): string | null {
  switch (match.kind) {
    case "renameSourceMissing":
      return `${what} declares @rename_from("${match.from}") but nothing accepted has that name`;
    case "renameSourceTaken":
      return `${what} declares @rename_from("${match.from}") but '${match.from}' is already continued by another declaration`;
    default:
      return null;
  }
}

/** Plans every type of one kind; returns the type renames (old name to new name). */
function planTypesOfKind(kind: TypeKind, accepted: Catalog, desired: Catalog, nodeRenames: Renames, steps: SchemaStep[]): Renames {
  const acceptedTypes = new Map(typesOfKind(accepted, kind).map((t) => [t.name, t]));
  const { matches, leftovers } = matchRenames(acceptedTypes, typesOfKind(desired, kind));
  const renames = new Map<string, string>();
  for (const match of matches) {
    const name = match.desired.name;
    if (match.kind === "new") {
      steps.push({ kind: "AddType", typeKind: kind, name });
      continue;
    }
    if (match.kind !== "matched") {
      unsupported(steps, `${kind}:${name}`, renameProblem(match, `${kind} '${name}'`)!);
      continue;
    }
    const existing = match.existing;
    if (existing.name !== name) {
      renames.set(existing.name, name);
      steps.push({ kind: "RenameType", typeKind: kind, from: existing.name, to: name });
    }
    if (existing.kind === "edge" && match.desired.kind === "edge") {
      planEdgeShape(existing, match.desired, nodeRenames, steps);
    }
    const propertyRenames = planProperties(existing, match.desired, steps);
    if (existing.kind === "node" && match.desired.kind === "node") {
      planKey(existing, match.desired, propertyRenames, steps);
    }
    planConstraints(existing, match.desired, propertyRenames, steps);
  }
  for (const gone of leftovers) steps.push({ kind: "DropType", typeKind: kind, name: gone.name, mode: "Soft" });
  return renames;
}

function planEdgeShape(existing: EdgeType, desired: EdgeType, nodeRenames: Renames, steps: SchemaStep[]): void {
  if (renamed(existing.from, nodeRenames) !== desired.from || renamed(existing.to, nodeRenames) !== desired.to) {
    unsupported(
      steps,
      `edge:${desired.name}`,
      `changing edge endpoints on '${desired.name}' (${existing.from} -> ${existing.to} to ${desired.from} -> ${desired.to}) is not supported`,
    );
  }
  const from = existing.cardinality;
  const to = desired.cardinality;
  if (from.min !== to.min || from.max !== to.max) {
    steps.push({ kind: "AddConstraint", typeKind: "edge", typeName: desired.name, constraint: { kind: "cardinality", from, to } });
  }
}

/** Plans property changes; returns the property renames (old name to new name). */
function planProperties(existing: TableType, desired: TableType, steps: SchemaStep[]): Renames {
  const typeKind = desired.kind;
  const typeName = desired.name;
  const { matches, leftovers } = matchRenames<PropertyDef>(existing.properties, [...desired.properties.values()]);
  const renames = new Map<string, string>();
  for (const match of matches) {
    const property = match.desired;
    const entity = `${typeKind}:${typeName}.${property.name}`;
    const qualified = `'${typeName}.${property.name}'`;
    if (match.kind === "new") {
      if (property.type.optional) {
        steps.push({ kind: "AddProperty", typeKind, typeName, property: property.name, propertyType: property.type });
      } else {
        unsupported(steps, entity, `adding required property ${qualified} requires a backfill and is not supported`);
      }
      continue;
    }
    if (match.kind !== "matched") {
      unsupported(steps, entity, renameProblem(match, `property ${qualified}`)!);
      continue;
    }
    if (match.existing.name !== property.name) {
      renames.set(match.existing.name, property.name);
      steps.push({ kind: "RenameProperty", typeKind, typeName, from: match.existing.name, to: property.name });
    }
    if (!samePropType(match.existing.type, property.type)) {
      const change = `${propTypeToString(match.existing.type)} to ${propTypeToString(property.type)}`;
      unsupported(steps, entity, `changing the type of property ${qualified} (${change}) is not supported`);
    }
  }
  for (const gone of leftovers) {
    steps.push({ kind: "DropProperty", typeKind, typeName, property: gone.name, mode: "Soft" });
  }
  return renames;
}

function planKey(existing: NodeType, desired: NodeType, propertyRenames: Renames, steps: SchemaStep[]): void {
  const before = existing.key === null ? null : renamed(existing.key, propertyRenames);
  if (before === desired.key) return;
  const describe = (key: string | null) => (key === null ? "none" : `'${key}'`);
  unsupported(
    steps,
    `node:${desired.name}`,
    `changing the @key of node '${desired.name}' (${describe(before)} to ${describe(desired.key)}) is not supported: row ids are key values`,
  );
}

function planConstraints(existing: TableType, desired: TableType, propertyRenames: Renames, steps: SchemaStep[]): void {
  const removed: string[] = [];
  for (const kind of ["index", "unique"] as const) {
    const listsOf = (t: TableType) => (kind === "index" ? t.indexes : t.uniques);
    const before = canonicalConstraintLists(listsOf(existing).map((cols) => cols.map((c) => renamed(c, propertyRenames))));
    const beforeLabels = new Set(before.map(constraintLabel));
    const afterLabels = new Set(listsOf(desired).map(constraintLabel));
    for (const columns of listsOf(desired)) {
      if (!beforeLabels.has(constraintLabel(columns))) {
        steps.push({ kind: "AddConstraint", typeKind: desired.kind, typeName: desired.name, constraint: { kind, columns } });
      }
    }
    removed.push(...before.filter((cols) => !afterLabels.has(constraintLabel(cols))).map((cols) => describeConstraint(kind, cols)));
  }
  if (removed.length > 0) {
    unsupported(steps, `${desired.kind}:${desired.name}`, `removing constraints ${removed.join(", ")} from '${desired.name}' is not supported`);
  }
}

function describeConstraint(kind: "index" | "unique", columns: ConstraintColumns): string {
  return `@${kind}(${columns.join(", ")})`;
}

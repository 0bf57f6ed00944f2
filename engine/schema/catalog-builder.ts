// Turns a parsed `.pg` file into a catalog, checking what the grammar cannot: names are
// unique, edge endpoints exist, constraints name real properties, at most one @key per node
// and none on edges, @card bounds are ordered. Errors point at the offending token.

import type {
  AnnotationAst,
  ConstraintAst,
  DeclAst,
  EdgeDeclAst,
  NameAst,
  NodeDeclAst,
  PropertyAst,
  SchemaFileAst,
  TypeRefAst,
} from "./ast.ts";
import type { Catalog, EdgeType, NodeType, PropertyDef } from "./catalog.ts";
import { isSystemColumn } from "./catalog.ts";
import { canonicalConstraintLists, sortedMap, sortedStrings } from "./canonical.ts";
import { SchemaValidationError, type SchemaValidationErrorCode, type SourcePos } from "./errors.ts";
import { parseSchemaSource } from "./parser.ts";
import { DEFAULT_CARDINALITY, type PropType } from "./property-types.ts";

/** Parses and validates `.pg` source. Throws `SchemaParseError` (syntax or validation). */
export function compileSchema(source: string): Catalog {
  let catalog = compiled.get(source);
  if (catalog === undefined) {
    catalog = buildCatalog(parseSchemaSource(source));
    if (compiled.size >= REMEMBER_AT_MOST) compiled.clear();
    compiled.set(source, catalog);
  }
  return catalog;
}

/**
 * Catalogs by source text: compiling is a pure function of the text, every open, write check and
 * judge compiles the same few schemas again, and a catalog is never changed once built, so one
 * can be shared. (A source that does not compile is not remembered: it throws each time.)
 */
const compiled = new Map<string, Catalog>();
const REMEMBER_AT_MOST = 32;

export function buildCatalog(file: SchemaFileAst): Catalog {
  const nodeNames = new Set(file.declarations.filter((d) => d.kind === "node").map((d) => d.name));
  const nodes: [string, NodeType][] = [];
  const edges: [string, EdgeType][] = [];
  const seen = { node: new Set<string>(), edge: new Set<string>() };
  // Declarations in source order, so an earlier declaration's error is the one reported.
  for (const decl of file.declarations) {
    if (seen[decl.kind].has(decl.name)) {
      invalid("DuplicateType", decl.at, `duplicate ${decl.kind} type '${decl.name}'`);
    }
    seen[decl.kind].add(decl.name);
    if (decl.kind === "node") nodes.push([decl.name, buildNode(decl)]);
    else edges.push([decl.name, buildEdge(decl, nodeNames)]);
  }
  return { nodes: sortedMap(nodes), edges: sortedMap(edges) };
}

function invalid(code: SchemaValidationErrorCode, at: SourcePos, detail: string): never {
  throw new SchemaValidationError(code, at, detail);
}

function buildNode(decl: NodeDeclAst): NodeType {
  const renameFrom = typeRenameFrom(decl);
  const properties = buildProperties(decl);
  const constraints = collectConstraints(decl);
  return {
    kind: "node",
    name: decl.name,
    properties,
    key: nodeKey(decl, constraints),
    ...indexesAndUniques(constraints),
    renameFrom,
  };
}

function buildEdge(decl: EdgeDeclAst, nodeNames: ReadonlySet<string>): EdgeType {
  for (const [role, endpoint] of [["source", decl.from], ["target", decl.to]] as const) {
    if (!nodeNames.has(endpoint.name)) {
      invalid("UnknownEndpointType", endpoint.at, `edge '${decl.name}' references unknown ${role} node type '${endpoint.name}'`);
    }
  }
  const card = decl.cardinality;
  if (card !== null && card.max !== null && card.min > card.max) {
    invalid("CardinalityMinExceedsMax", card.at, `@card on edge '${decl.name}': min (${card.min}) exceeds max (${card.max})`);
  }
  const renameFrom = typeRenameFrom(decl);
  const properties = buildProperties(decl);
  const constraints = collectConstraints(decl);
  return {
    kind: "edge",
    name: decl.name,
    from: decl.from.name,
    to: decl.to.name,
    cardinality: card === null ? DEFAULT_CARDINALITY : { min: card.min, max: card.max },
    properties,
    ...indexesAndUniques(constraints),
    renameFrom,
  };
}

// ---- annotations ----

function renameFromOf(annotations: readonly AnnotationAst[], owner: string): string | null {
  const renames = annotations.filter((a) => a.name === "rename_from");
  if (renames.length > 1) invalid("DuplicateAnnotation", renames[1]!.at, `${owner} declares @rename_from more than once`);
  const rename = renames[0];
  if (rename === undefined) return null;
  if ((rename.value ?? "").trim() === "") invalid("EmptyRenameFrom", rename.at, `@rename_from on ${owner} needs a non-empty name`);
  return rename.value;
}

function typeRenameFrom(decl: DeclAst): string | null {
  const owner = `${decl.kind} '${decl.name}'`;
  for (const a of decl.annotations) {
    if (a.name === "rename_from") continue;
    if (decl.kind === "edge" && a.name === "key") invalid("KeyOnEdge", a.at, `@key is not supported on edges (${owner})`);
    invalid("AnnotationNotAllowedHere", a.at, `@${a.name} is only supported on properties or as a body constraint (${owner})`);
  }
  return renameFromOf(decl.annotations, owner);
}

// ---- properties ----

function buildProperties(decl: DeclAst): Map<string, PropertyDef> {
  const properties = new Map<string, PropertyDef>();
  for (const p of decl.properties) {
    const owner = `property '${decl.name}.${p.name}'`;
    if (isSystemColumn(decl.kind, p.name)) {
      invalid("ReservedPropertyName", p.at, `${owner}: '${p.name}' is a system column of every ${decl.kind} table`);
    }
    if (properties.has(p.name)) invalid("DuplicateProperty", p.at, `duplicate property '${p.name}' on ${decl.kind} '${decl.name}'`);
    for (const name of ["key", "index", "unique"] as const) {
      const repeats = p.annotations.filter((a) => a.name === name);
      if (repeats.length > 1) invalid("DuplicateAnnotation", repeats[1]!.at, `${owner} declares @${name} more than once`);
    }
    properties.set(p.name, { name: p.name, type: propType(p.type), renameFrom: renameFromOf(p.annotations, owner) });
  }
  return sortedMap(properties);
}

function propType(ref: TypeRefAst): PropType {
  const optional = ref.optional;
  switch (ref.core.kind) {
    case "scalar":
      return { kind: "scalar", scalar: ref.core.scalar, optional };
    case "list":
      return { kind: "list", element: ref.core.element, optional };
    case "enum": {
      const seen = new Set<string>();
      for (const v of ref.core.values) {
        if (seen.has(v.name)) invalid("DuplicateEnumValue", v.at, `enum value '${v.name}' appears more than once`);
        seen.add(v.name);
      }
      return { kind: "enum", values: sortedStrings(seen), optional };
    }
  }
}

// ---- constraints ----

/** A constraint from either spelling: a property annotation (`@index`) or the body (`@index(a)`). */
interface LocatedConstraint {
  readonly kind: ConstraintAst["kind"];
  readonly columns: readonly NameAst[];
  readonly at: SourcePos;
}

function bySourcePos(a: { at: SourcePos }, b: { at: SourcePos }): number {
  return a.at.line - b.at.line || a.at.column - b.at.column;
}

/** Every constraint of a declaration, checked, in source order. */
function collectConstraints(decl: DeclAst): LocatedConstraint[] {
  const properties = new Map<string, PropertyAst>(decl.properties.map((p) => [p.name, p]));
  const constraints: LocatedConstraint[] = [...decl.constraints];
  for (const p of decl.properties) {
    for (const a of p.annotations) {
      if (a.name !== "rename_from") constraints.push({ kind: a.name, columns: [{ name: p.name, at: p.at }], at: a.at });
    }
  }
  constraints.sort(bySourcePos);
  for (const c of constraints) {
    if (decl.kind === "edge" && c.kind === "key") {
      invalid("KeyOnEdge", c.at, `@key is not supported on edges (edge '${decl.name}')`);
    }
    for (const col of c.columns) {
      // Edge constraints may name the endpoint columns, as upstream allows `@unique(src, dst)`.
      if (decl.kind === "edge" && (col.name === "src" || col.name === "dst")) continue;
      const p = properties.get(col.name);
      if (p === undefined) {
        invalid("UnknownConstraintProperty", col.at, `@${c.kind} on ${decl.kind} '${decl.name}' references unknown property '${col.name}'`);
      }
      if (p.type.core.kind === "list") {
        invalid("ConstraintOnList", c.at, `@${c.kind} is not supported on list property '${decl.name}.${col.name}'`);
      }
    }
  }
  return constraints;
}

function nodeKey(decl: NodeDeclAst, constraints: readonly LocatedConstraint[]): string | null {
  const keys = constraints.filter((c) => c.kind === "key");
  if (keys.length > 1) invalid("MultipleKeys", keys[1]!.at, `node '${decl.name}' declares more than one @key; only one is supported`);
  const key = keys[0];
  if (key === undefined) return null;
  if (key.columns.length !== 1) {
    invalid("CompositeKey", key.at, `@key on node '${decl.name}' must name exactly one property (composite keys are not modelled)`);
  }
  const column = key.columns[0]!.name;
  const property = decl.properties.find((p) => p.name === column)!;
  if (property.type.optional) invalid("InvalidKeyProperty", key.at, `@key property '${decl.name}.${column}' cannot be optional`);
  return column;
}

function indexesAndUniques(constraints: readonly LocatedConstraint[]): Pick<NodeType, "indexes" | "uniques"> {
  const columnsOf = (kind: LocatedConstraint["kind"]) =>
    constraints.filter((c) => c.kind === kind).map((c) => c.columns.map((col) => col.name));
  return { indexes: canonicalConstraintLists(columnsOf("index")), uniques: canonicalConstraintLists(columnsOf("unique")) };
}

// The schema IR: the catalog as canonical JSON, and its hash. The hash identifies a schema in
// `__schema_state.json`; two sources that mean the same schema (whatever their whitespace,
// comments or declaration order) have the same IR and so the same hash, as upstream's
// `schema_ir_hash` ("sha256:" + hex of the compact JSON).

import { createHash } from "node:crypto";
import type { Catalog, ConstraintColumns, EdgeType, NodeType, PropertyDef } from "./catalog.ts";
import { compileSchema } from "./catalog-builder.ts";
import { SchemaParseError } from "./errors.ts";
import { formatSchema } from "./format.ts";
import { isScalarTypeName, SCALAR_TYPE_NAMES, type PropType, type ScalarTypeName } from "./property-types.ts";

export const SCHEMA_IR_VERSION = 1;

// JSON shapes. Field order is fixed by how `catalogToIr` builds them, so the JSON text is
// canonical without sorting keys.
export interface PropertyIr {
  readonly name: string;
  readonly type: PropType;
  readonly rename_from: string | null;
}

interface TypeIrBase {
  readonly name: string;
  readonly rename_from: string | null;
  readonly properties: readonly PropertyIr[];
  readonly indexes: readonly ConstraintColumns[];
  readonly uniques: readonly ConstraintColumns[];
}

export interface NodeIr extends TypeIrBase {
  readonly key: string | null;
}

export interface EdgeIr extends TypeIrBase {
  readonly from: string;
  readonly to: string;
  readonly cardinality: { readonly min: number; readonly max: number | null };
}

export interface SchemaIr {
  readonly ir_version: number;
  readonly nodes: readonly NodeIr[];
  readonly edges: readonly EdgeIr[];
}

/** The IR (or its JSON) does not describe a valid schema. `path` locates the bad field. */
export class SchemaIrError extends Error {
  override readonly name = "SchemaIrError";
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(path === "" ? detail : `${path}: ${detail}`);
  }
}

// ---- catalog -> IR ----

function propTypeIr(t: PropType): PropType {
  switch (t.kind) {
    case "scalar":
      return { kind: "scalar", scalar: t.scalar, optional: t.optional };
    case "list":
      return { kind: "list", element: t.element, optional: t.optional };
    case "enum":
      return { kind: "enum", values: [...t.values], optional: t.optional };
  }
}

function propertiesIr(properties: ReadonlyMap<string, PropertyDef>): PropertyIr[] {
  return [...properties.values()].map((p) => ({ name: p.name, type: propTypeIr(p.type), rename_from: p.renameFrom }));
}

function nodeIr(n: NodeType): NodeIr {
  return {
    name: n.name,
    rename_from: n.renameFrom,
    key: n.key,
    properties: propertiesIr(n.properties),
    indexes: n.indexes.map((c) => [...c]),
    uniques: n.uniques.map((c) => [...c]),
  };
}

function edgeIr(e: EdgeType): EdgeIr {
  return {
    name: e.name,
    rename_from: e.renameFrom,
    from: e.from,
    to: e.to,
    cardinality: { min: e.cardinality.min, max: e.cardinality.max },
    properties: propertiesIr(e.properties),
    indexes: e.indexes.map((c) => [...c]),
    uniques: e.uniques.map((c) => [...c]),
  };
}

export function catalogToIr(catalog: Catalog): SchemaIr {
  return {
    ir_version: SCHEMA_IR_VERSION,
    nodes: [...catalog.nodes.values()].map(nodeIr),
    edges: [...catalog.edges.values()].map(edgeIr),
  };
}

/** Compact canonical JSON: what the hash is taken over. */
export function schemaIrJson(catalog: Catalog): string {
  return JSON.stringify(catalogToIr(catalog));
}

/** The text of `_schema.ir.json`: the same IR, indented two spaces. */
export function schemaIrPrettyJson(catalog: Catalog): string {
  return JSON.stringify(catalogToIr(catalog), null, 2);
}

export function schemaIrHash(catalog: Catalog): string {
  return "sha256:" + createHash("sha256").update(schemaIrJson(catalog)).digest("hex");
}

// ---- IR JSON -> catalog ----

/** Reads an IR's JSON text back into a catalog. Throws `SchemaIrError`. */
export function catalogFromIrJson(text: string): Catalog {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new SchemaIrError("", `not valid JSON: ${(e as Error).message}`);
  }
  return catalogFromIr(value);
}

/**
 * Reads a parsed IR value into a catalog. The shape is checked field by field; its meaning
 * (endpoints exist, keys and constraints name real properties...) by compiling the catalog's
 * `.pg` rendering, so the IR obeys exactly the rules the source does.
 */
export function catalogFromIr(value: unknown): Catalog {
  const ir = readObject(value, "");
  const version = readInteger(ir["ir_version"], "ir_version");
  if (version !== SCHEMA_IR_VERSION) {
    throw new SchemaIrError("ir_version", `unsupported schema ir_version ${version} (expected ${SCHEMA_IR_VERSION})`);
  }
  const nodes = readArray(ir["nodes"], "nodes").map((n, i) => readNode(n, `nodes[${i}]`));
  const edges = readArray(ir["edges"], "edges").map((e, i) => readEdge(e, `edges[${i}]`));
  const raw: Catalog = {
    nodes: new Map(nodes.map((n) => [n.name, n])),
    edges: new Map(edges.map((e) => [e.name, e])),
  };
  if (raw.nodes.size !== nodes.length || raw.edges.size !== edges.length) {
    throw new SchemaIrError("", "the IR declares a type name twice");
  }
  try {
    return compileSchema(formatSchema(raw));
  } catch (e) {
    if (e instanceof SchemaParseError) throw new SchemaIrError("", `the IR does not describe a valid schema: ${e.detail}`);
    throw e;
  }
}

type JsonObject = Readonly<Record<string, unknown>>;

function readObject(v: unknown, path: string): JsonObject {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new SchemaIrError(path, "expected an object");
  return v as JsonObject;
}

function readArray(v: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(v)) throw new SchemaIrError(path, "expected an array");
  return v;
}

function readString(v: unknown, path: string): string {
  if (typeof v !== "string") throw new SchemaIrError(path, "expected a string");
  return v;
}

function readNullableString(v: unknown, path: string): string | null {
  return v === null ? null : readString(v, path);
}

function readInteger(v: unknown, path: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) throw new SchemaIrError(path, "expected a non-negative integer");
  return v;
}

function readBoolean(v: unknown, path: string): boolean {
  if (typeof v !== "boolean") throw new SchemaIrError(path, "expected a boolean");
  return v;
}

function readScalar(v: unknown, path: string): ScalarTypeName {
  const s = readString(v, path);
  if (!isScalarTypeName(s)) throw new SchemaIrError(path, `expected one of ${SCALAR_TYPE_NAMES.join(", ")}`);
  return s;
}

function readPropType(v: unknown, path: string): PropType {
  const o = readObject(v, path);
  const optional = readBoolean(o["optional"], `${path}.optional`);
  switch (o["kind"]) {
    case "scalar":
      return { kind: "scalar", scalar: readScalar(o["scalar"], `${path}.scalar`), optional };
    case "list":
      return { kind: "list", element: readScalar(o["element"], `${path}.element`), optional };
    case "enum": {
      const values = readArray(o["values"], `${path}.values`).map((x, i) => readString(x, `${path}.values[${i}]`));
      return { kind: "enum", values, optional };
    }
    default:
      throw new SchemaIrError(`${path}.kind`, "expected 'scalar', 'list' or 'enum'");
  }
}

function readColumnLists(v: unknown, path: string): ConstraintColumns[] {
  return readArray(v, path).map((list, i) =>
    readArray(list, `${path}[${i}]`).map((c, j) => readString(c, `${path}[${i}][${j}]`)),
  );
}

function readTypeBase(v: unknown, path: string): { o: JsonObject } & Omit<NodeType, "kind" | "key"> {
  const o = readObject(v, path);
  const properties = readArray(o["properties"], `${path}.properties`).map((p, i): PropertyDef => {
    const at = `${path}.properties[${i}]`;
    const po = readObject(p, at);
    return {
      name: readString(po["name"], `${at}.name`),
      type: readPropType(po["type"], `${at}.type`),
      renameFrom: readNullableString(po["rename_from"], `${at}.rename_from`),
    };
  });
  const byName = new Map(properties.map((p) => [p.name, p]));
  if (byName.size !== properties.length) throw new SchemaIrError(`${path}.properties`, "a property name appears twice");
  return {
    o,
    name: readString(o["name"], `${path}.name`),
    renameFrom: readNullableString(o["rename_from"], `${path}.rename_from`),
    properties: byName,
    indexes: readColumnLists(o["indexes"], `${path}.indexes`),
    uniques: readColumnLists(o["uniques"], `${path}.uniques`),
  };
}

function readNode(v: unknown, path: string): NodeType {
  const { o, ...base } = readTypeBase(v, path);
  const key = readNullableString(o["key"], `${path}.key`);
  // Checked here because the rendering would silently drop a key naming no property.
  if (key !== null && !base.properties.has(key)) throw new SchemaIrError(`${path}.key`, `names no property of '${base.name}'`);
  return { kind: "node", ...base, key };
}

function readEdge(v: unknown, path: string): EdgeType {
  const { o, ...base } = readTypeBase(v, path);
  const card = readObject(o["cardinality"], `${path}.cardinality`);
  const max = card["max"];
  return {
    kind: "edge",
    ...base,
    from: readString(o["from"], `${path}.from`),
    to: readString(o["to"], `${path}.to`),
    cardinality: {
      min: readInteger(card["min"], `${path}.cardinality.min`),
      max: max === null ? null : readInteger(max, `${path}.cardinality.max`),
    },
  };
}

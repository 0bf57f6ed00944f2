// The catalog: the node and edge types a schema declares, in canonical order (types and
// properties sorted by name, constraint columns sorted), and where each type's table lives.
// Two sources that mean the same schema produce equal catalogs; the IR is this, as JSON.

import type { DatasetPath, TableKey } from "../storage/types.ts";
import { fnv1a64Hex } from "../util/hash.ts";
import type { Cardinality, PropType } from "./property-types.ts";

export type TypeKind = "node" | "edge";

export interface PropertyDef {
  readonly name: string;
  readonly type: PropType;
  /** `@rename_from("old")`: the accepted property this one continues, if any. */
  readonly renameFrom: string | null;
}

/** Column lists of `@index` / `@unique` constraints; columns sorted, lists sorted and unique. */
export type ConstraintColumns = readonly string[];

interface TypeDefBase {
  readonly name: string;
  /** Sorted by name. */
  readonly properties: ReadonlyMap<string, PropertyDef>;
  readonly indexes: readonly ConstraintColumns[];
  readonly uniques: readonly ConstraintColumns[];
  /** `@rename_from("Old")` on the type: the accepted type this one continues, if any. */
  readonly renameFrom: string | null;
}

export interface NodeType extends TypeDefBase {
  readonly kind: "node";
  /** The `@key` property, whose value is the row `id`; null means ids are ULIDs. */
  readonly key: string | null;
}

export interface EdgeType extends TypeDefBase {
  readonly kind: "edge";
  readonly from: string;
  readonly to: string;
  readonly cardinality: Cardinality;
}

export type TableType = NodeType | EdgeType;

export interface Catalog {
  /** Sorted by name. */
  readonly nodes: ReadonlyMap<string, NodeType>;
  /** Sorted by name. */
  readonly edges: ReadonlyMap<string, EdgeType>;
}

/** Columns every row of a table has besides its declared properties. */
export type SystemColumn = "id" | "src" | "dst";

const NODE_SYSTEM_COLUMNS: readonly SystemColumn[] = ["id"];
const EDGE_SYSTEM_COLUMNS: readonly SystemColumn[] = ["id", "src", "dst"];

export function systemColumns(kind: TypeKind): readonly SystemColumn[] {
  return kind === "node" ? NODE_SYSTEM_COLUMNS : EDGE_SYSTEM_COLUMNS;
}

export function isSystemColumn(kind: TypeKind, column: string): boolean {
  return (systemColumns(kind) as readonly string[]).includes(column);
}

export function tableKeyFor(kind: TypeKind, name: string): TableKey {
  return kind === "node" ? `node:${name}` : `edge:${name}`;
}

export function tableKeyOf(type: TableType): TableKey {
  return tableKeyFor(type.kind, type.name);
}

export function parseTableKey(key: TableKey): { readonly kind: TypeKind; readonly name: string } {
  const colon = key.indexOf(":");
  return { kind: key.slice(0, colon) as TypeKind, name: key.slice(colon + 1) };
}

/** `nodes/<fnv1a64-hex(Name)>` or `edges/<...>`, as upstream's `table_path_for_table_key`. */
export function tablePathForTableKey(key: TableKey): DatasetPath {
  const { kind, name } = parseTableKey(key);
  return `${kind === "node" ? "nodes" : "edges"}/${fnv1a64Hex(name)}` as DatasetPath;
}

/** Every table the catalog declares: node tables, then edge tables, each sorted by name. */
export function catalogTableKeys(catalog: Catalog): TableKey[] {
  return [
    ...[...catalog.nodes.keys()].map((n) => tableKeyFor("node", n)),
    ...[...catalog.edges.keys()].map((n) => tableKeyFor("edge", n)),
  ];
}

export function lookupTable(catalog: Catalog, key: TableKey): TableType | undefined {
  const { kind, name } = parseTableKey(key);
  return kind === "node" ? catalog.nodes.get(name) : catalog.edges.get(name);
}

export function lookupType(catalog: Catalog, kind: TypeKind, name: string): TableType | undefined {
  return kind === "node" ? catalog.nodes.get(name) : catalog.edges.get(name);
}

/** Types of one kind, in name order. */
export function typesOfKind(catalog: Catalog, kind: TypeKind): TableType[] {
  return kind === "node" ? [...catalog.nodes.values()] : [...catalog.edges.values()];
}

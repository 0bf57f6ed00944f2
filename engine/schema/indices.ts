// Which physical indices a table should have, as upstream's `ensure_indices` decides
// (`build_indices_on_dataset_for_catalog`, `node_prop_index_kind`):
// - every node table: a BTree on `id`, plus one index per single-column `@index` or `@key`
//   property: a BTree for enums and orderable scalars, a full-text (FTS) index for free-text
//   Strings, none for lists. Composite `@index(a, b)` is recorded intent only.
// - every edge table: BTrees on `id`, `src` and `dst`; edge `@index` builds nothing.
// The names are stable (`btree:id`, `fts:name`), so "is this index there" is a string compare.

import type { TableKey } from "../storage/types.ts";
import { lookupTable, type Catalog, type NodeType, type TableType } from "./catalog.ts";
import { sortedStrings } from "./canonical.ts";
import type { PropType } from "./property-types.ts";

export type IndexKind = "btree" | "fts";

export interface IndexSpec {
  /** `<kind>:<column>`, e.g. `btree:id`. */
  readonly name: string;
  readonly kind: IndexKind;
  readonly column: string;
}

export function indexSpec(kind: IndexKind, column: string): IndexSpec {
  return { name: `${kind}:${column}`, kind, column };
}

function propertyIndexKind(type: PropType): IndexKind | null {
  switch (type.kind) {
    case "list":
      return null;
    case "enum":
      // Enums are filtered by equality, so upstream gives them a BTree, not FTS.
      return "btree";
    case "scalar":
      return type.scalar === "String" ? "fts" : "btree";
  }
}

function nodeIndices(node: NodeType): IndexSpec[] {
  const singleColumns = node.indexes.filter((cols) => cols.length === 1).map((cols) => cols[0]!);
  if (node.key !== null) singleColumns.push(node.key);
  const specs = [indexSpec("btree", "id")];
  for (const column of sortedStrings(singleColumns)) {
    const kind = propertyIndexKind(node.properties.get(column)!.type);
    if (kind !== null) specs.push(indexSpec(kind, column));
  }
  return specs;
}

/** The indices a table of this type should carry, `btree:id` first, then by column name. */
export function requiredIndicesForType(type: TableType): IndexSpec[] {
  if (type.kind === "edge") return ["id", "src", "dst"].map((c) => indexSpec("btree", c));
  return nodeIndices(type);
}

/** As `requiredIndicesForType`; empty when the catalog has no such table. */
export function requiredIndices(catalog: Catalog, key: TableKey): IndexSpec[] {
  const type = lookupTable(catalog, key);
  return type === undefined ? [] : requiredIndicesForType(type);
}

// Which physical indices the schema declares for a table, as the oracles read upstream's rule
// (`build_indices_on_dataset_for_catalog` and `node_prop_index_kind` in
// crates/omnigraph/src/db/omnigraph/table_ops.rs): a node table carries a BTree on `id` and one
// index per single-column `@index` or `@key` property (a BTree for an enum or an orderable
// scalar, full text for a String, none for a list); an edge table carries BTrees on `id`, `src`
// and `dst`. Written here, apart from the engine's own `engine/schema/indices.ts`, so that an
// engine that forgets an index cannot also teach the index-coverage oracle to forget it.
import type { TableType } from "../../engine/schema/catalog.ts";

/** The index names (`btree:id`, `fts:name`) a table of this type must carry after an optimize. */
export function declaredIndexNames(type: TableType): string[] {
  if (type.kind === "edge") return ["btree:id", "btree:src", "btree:dst"];
  const columns = new Set(type.indexes.filter((cols) => cols.length === 1).map((cols) => cols[0]!));
  if (type.key !== null) columns.add(type.key);
  const names = ["btree:id"];
  for (const column of columns) {
    const prop = type.properties.get(column);
    if (prop === undefined) throw new Error(`the schema indexes ${column}, which is not a property of ${type.name}`);
    if (prop.type.kind === "list") continue;
    names.push(prop.type.kind === "scalar" && prop.type.scalar === "String" ? `fts:${column}` : `btree:${column}`);
  }
  return names;
}

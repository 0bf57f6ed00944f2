// Projects a row written under the accepted schema onto a type of the desired schema, as
// schema apply's table rewrite does (upstream `batch_for_schema_apply_rewrite`): the target
// type's columns, in order, each taken from the source column of the same name, or of its old
// name when renamed; a column the source lacks (a new optional property) becomes null, and a
// source column the target lacks (a dropped property) is left behind.

import type { Row, Scalar } from "../storage/types.ts";
import { systemColumns, type TableType } from "./catalog.ts";

/**
 * @param renames new column name to old column name, as `SchemaApplyBuckets.propertyRenames`
 *   holds it for the target table.
 */
export function projectRow(row: Row, target: TableType, renames: ReadonlyMap<string, string> = new Map()): Row {
  const out: Record<string, Scalar> = {};
  const columns = [...systemColumns(target.kind), ...target.properties.keys()];
  for (const column of columns) {
    const source = renames.get(column) ?? column;
    out[column] = Object.hasOwn(row, source) ? row[source]! : null;
  }
  return out as Row;
}

export function projectRows(rows: readonly Row[], target: TableType, renames?: ReadonlyMap<string, string>): Row[] {
  return rows.map((r) => projectRow(r, target, renames));
}

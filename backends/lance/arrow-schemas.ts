// The explicit Arrow schemas of the Lance backend's tables, and one builder of Arrow tables
// from records. Key columns are non-nullable and carry Lance's unenforced-primary-key field
// metadata: `setUnenforcedPrimaryKey` rejects nullable columns, and setting the key in the
// schema at creation costs no version (calling it later would add one that the virtual store
// does not have).
import {
  Field,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table as ArrowTable,
  Utf8,
  vectorFromArray,
  type DataType,
} from "apache-arrow";

const PRIMARY_KEY = new Map([["lance-schema:unenforced-primary-key", "true"]]);

const key = (name: string) => new Field(name, new Utf8(), false, PRIMARY_KEY);
const text = (name: string, nullable = true) => new Field(name, new Utf8(), nullable);
const int64 = (name: string) => new Field(name, new Int64(), true);

/**
 * Every data dataset (node and edge tables, `_graph_commits`, `_graph_commit_recoveries`).
 * The seam's rows are schemaless: each table's columns come from a graph schema the storage
 * layer never sees, and a Lance table's schema is fixed at creation (evolving it would add
 * versions the virtual store does not have). So `id` is the key column, `src` and `dst` are
 * fixed columns (edges have them, and cascades select on them), and `props` holds the row's
 * other columns, `src` and `dst` included, as one JSON object. JSON round-trips every Scalar
 * exactly (string, finite number, boolean, null) and keeps an absent column apart from a null
 * one. `src` and `dst` are copies of string values, for SQL predicates and for reading the
 * tables by hand; decoding uses `props` alone.
 */
export const DATA_SCHEMA = new Schema([key("id"), text("src"), text("dst"), text("props", false)]);

/**
 * `__manifest`, keyed by `object_id` as upstream's. The typed columns mirror upstream's
 * `manifest_schema`; `row_json` is the exact row (optional fields may be absent, null or set,
 * and the engine can tell those apart), and is what decoding uses.
 */
export const MANIFEST_SCHEMA = new Schema([
  key("object_id"),
  text("object_type", false),
  text("table_key"),
  text("location"),
  int64("table_version"),
  text("table_branch"),
  int64("row_count"),
  text("metadata"),
  text("row_json", false),
]);

/** An Arrow table of `records` under `schema`; a missing value is null. Typed even when empty. */
export function arrowTable(schema: Schema, records: readonly Readonly<Record<string, unknown>>[]): ArrowTable {
  const children = schema.fields.map((field: Field<DataType>) => {
    const values = records.map((record) => record[field.name] ?? null);
    return vectorFromArray(values, field.type).data[0];
  });
  const data = makeData({ type: new Struct(schema.fields), length: records.length, nullCount: 0, children });
  return new ArrowTable([new RecordBatch(schema, data)]);
}

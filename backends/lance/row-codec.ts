// Rows and manifest rows to and from the records of the Arrow schemas (arrow-schemas.ts).
import { StorageError } from "../../engine/storage/errors.ts";
import type { ManifestRow, Row, Scalar } from "../../engine/storage/types.ts";

/** A data-table record as LanceDB returns it (other columns ignored). */
export interface DataRecord {
  readonly id: string;
  readonly props: string;
}

/** A manifest record as LanceDB returns it (other columns ignored). */
export interface ManifestRecord {
  readonly row_json: string;
}

export function dataRecord(row: Row): Record<string, unknown> {
  const { id, ...rest } = checkedRow(row);
  return {
    id,
    src: typeof rest.src === "string" ? rest.src : null,
    dst: typeof rest.dst === "string" ? rest.dst : null,
    props: JSON.stringify(rest),
  };
}

export function rowFromRecord(record: DataRecord): Row {
  return Object.freeze({ id: record.id, ...(JSON.parse(record.props) as Record<string, Scalar>) });
}

/** The JSON `props` of a row, as stored: what an exact delete predicate compares. */
export function propsOf(row: Row): string {
  return dataRecord(row).props as string;
}

/** InvalidInput for what the virtual store would also refuse, or JSON cannot carry exactly. */
export function checkedRow(row: Row): Row {
  if (typeof row.id !== "string") throw new StorageError("InvalidInput", "Invalid input, row id must be a string");
  for (const [column, value] of Object.entries(row)) {
    // JSON has no NaN or infinities: refuse them rather than store null.
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw new StorageError("InvalidInput", `Invalid input, column ${column} of row ${row.id} is not a finite number`);
    }
  }
  return row;
}

export function manifestRecord(row: ManifestRow): Record<string, unknown> {
  return {
    object_id: row.objectId,
    object_type: row.objectType,
    table_key: row.tableKey,
    location: row.location ?? null,
    table_version: integerOrNull(row.tableVersion),
    table_branch: row.tableBranch ?? null,
    row_count: integerOrNull(row.rowCount),
    metadata: row.metadata ?? null,
    row_json: JSON.stringify(row),
  };
}

export function manifestRowFromRecord(record: ManifestRecord): ManifestRow {
  return Object.freeze(JSON.parse(record.row_json) as ManifestRow);
}

/** The typed Int64 mirror of a number; the exact value lives in `row_json`. */
function integerOrNull(n: number | undefined): bigint | null {
  return n !== undefined && Number.isSafeInteger(n) ? BigInt(n) : null;
}

// Reading a table's rows together with the Lance fragment each lives in. Lance's `_rowid` is
// the row address (fragment id << 32 | offset) unless stable row ids are enabled, which the
// adapter never does; the fragment ids are what the conflict rules compare.
import type { Row, Version } from "../../engine/storage/types.ts";
import type { LanceTable } from "./connection.ts";
import { lanceCall } from "./errors.ts";
import { rowFromRecord, type DataRecord } from "./row-codec.ts";

export interface LocatedRow {
  readonly row: Row;
  readonly fragment: number;
  readonly rowId: bigint;
}

/** Every row of the version `table` has checked out, sorted by id (ties by row address). */
export async function scanRows(table: LanceTable): Promise<LocatedRow[]> {
  const records = (await lanceCall(() => table.query().select(["id", "props"]).withRowId().toArray())) as (DataRecord & {
    readonly _rowid: bigint;
  })[];
  const located = records.map((record) => ({
    row: rowFromRecord(record),
    fragment: Number(BigInt(record._rowid) >> 32n),
    rowId: BigInt(record._rowid),
  }));
  return located.sort((a, b) => (a.row.id < b.row.id ? -1 : a.row.id > b.row.id ? 1 : a.rowId < b.rowId ? -1 : a.rowId > b.rowId ? 1 : 0));
}

export function fragmentsOf(rows: readonly LocatedRow[]): Set<number> {
  return new Set(rows.map((r) => r.fragment));
}

/** Runs `read` with `table` checked out at `at`, and returns the handle to tracking HEAD. */
export async function atVersion<T>(table: LanceTable, at: Version, read: () => Promise<T>): Promise<T> {
  await lanceCall(() => table.checkout(at));
  try {
    return await read();
  } finally {
    await lanceCall(() => table.checkoutLatest());
  }
}

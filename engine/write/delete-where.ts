// `delete_where`, the seed's inline delete: the dataset commits a Delete at once, during
// execution, before any sidecar exists (B8). Lance's `Dataset::delete` commits a version even
// when the predicate matches nothing; callers record the table only when rows went, so at the
// seed a zero-row delete leaves HEAD past the pin with nothing covering it (B11, #308).
import type { Env } from "../env.ts";
import type { Branch, DatasetPath, RowPredicate, TableKey, Version } from "../storage/types.ts";
import { commitTable } from "./commit-table.ts";
import { deletesNothing } from "./fix308.ts";

export interface DeleteOutcome {
  readonly version: Version;
  readonly deletedRows: number;
  readonly rowCount: number;
}

export async function deleteWhere(env: Env, tableKey: TableKey, path: DatasetPath, ref: Branch, head: Version, where: RowPredicate): Promise<DeleteOutcome> {
  const noop = await deletesNothing(env, path, ref, head, where);
  if (noop) return noop;
  const r = await commitTable(env, tableKey, path, ref, head, { op: "Delete", where });
  const after = await env.storage.datasets.checkout(path, ref, r.version);
  return { version: r.version, deletedRows: r.rowsAffected, rowCount: after.rows.length };
}

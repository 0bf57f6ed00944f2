// `delete_where`, the seed's inline delete: the dataset commits a Delete at once, during
// execution, before any sidecar exists (B8). A predicate that matches nothing commits nothing.
import type { Env } from "../env.ts";
import { rowMatches } from "../storage/row-predicate.ts";
import type { DatasetPath, RowPredicate, TableKey, Version } from "../storage/types.ts";
import { commitTable } from "./commit-table.ts";

export interface DeleteOutcome {
  readonly version: Version;
  readonly deletedRows: number;
  readonly rowCount: number;
}

export async function deleteWhere(env: Env, tableKey: TableKey, path: DatasetPath, head: Version, where: RowPredicate): Promise<DeleteOutcome> {
  const before = await env.storage.datasets.checkout(path, null, head);
  if (!before.rows.some((r) => rowMatches(r, where))) return { version: head, deletedRows: 0, rowCount: before.rows.length };
  const r = await commitTable(env, tableKey, path, head, { op: "Delete", where });
  const after = await env.storage.datasets.checkout(path, null, r.version);
  return { version: r.version, deletedRows: r.rowsAffected, rowCount: after.rows.length };
}

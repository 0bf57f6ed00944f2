// What a branch merge compares: a table's rows at one snapshot's entry, and each row's signature
// (`row_signature`: every column's value; a null and an absent column are the same).
import type { Env } from "../env.ts";
import type { Snapshot } from "../manifest/snapshot.ts";
import { canonicalRow } from "../util/canonical-row.ts";
import type { Row, TableKey } from "../storage/types.ts";

/** A table's rows at `snapshot`'s entry, by id; empty when the snapshot has no such table. */
export async function rowsById(env: Env, snapshot: Snapshot, tableKey: TableKey): Promise<Map<string, Row>> {
  const entry = snapshot.entry(tableKey);
  const out = new Map<string, Row>();
  if (!entry) return out;
  for (const r of (await env.storage.datasets.checkout(entry.path, entry.branch, entry.version)).rows) out.set(r.id, r);
  return out;
}

/** `row_signature`. */
export function signature(row: Row | undefined): string | null {
  return row === undefined ? null : canonicalRow(row);
}

/** Ids of several row maps, sorted (the ordered cursors' merge walk). */
export function idsOf(...maps: readonly ReadonlyMap<string, Row>[]): string[] {
  const ids = new Set<string>();
  for (const m of maps) for (const id of m.keys()) ids.add(id);
  return [...ids].sort();
}

// Facts derived from one manifest version's rows, computed once per rows array. A manifest
// version never changes, and the virtual store hands out one frozen rows array per version, so
// the many loads of one version (every lease poll, publish and refresh) share one answer. A
// backend that builds a fresh array on every load (Lance) simply misses and computes, as
// before. Nothing here may be mutated by a caller.
import type { ManifestRow } from "../storage/types.ts";

type Rows = readonly ManifestRow[];

/** `compute(rows)`, remembered for this very array. */
export function memoOnRows<T>(memo: WeakMap<Rows, T>, rows: Rows, compute: (rows: Rows) => T): T {
  let value = memo.get(rows);
  if (value === undefined) {
    value = compute(rows);
    memo.set(rows, value);
  }
  return value;
}

/**
 * The rows asked for by objectId in each version, found or not (null). Remembered per id, not
 * as an index of every row: the engine asks one version for one or two ids (a branch's head
 * token row), and an index of every row of every version stayed alive as long as the version,
 * for the garbage collector to copy.
 */
const byObjectId = new WeakMap<Rows, Map<string, ManifestRow | null>>();

/** The row with `objectId` in `rows`, if any (objectIds are unique within a version). */
export function rowById(rows: Rows, objectId: string): ManifestRow | undefined {
  let asked = byObjectId.get(rows);
  if (asked === undefined) {
    asked = new Map();
    byObjectId.set(rows, asked);
  }
  let row = asked.get(objectId);
  if (row === undefined) {
    row = lastWithId(rows, objectId);
    asked.set(objectId, row);
  }
  return row ?? undefined;
}

/**
 * The last row with `objectId` (the one an index by objectId would keep, were an id ever held
 * twice), or null. Indexed: Node 20 allocates per element when for-of walks a frozen array, and
 * the virtual store's rows are frozen.
 */
function lastWithId(rows: Rows, objectId: string): ManifestRow | null {
  for (let i = rows.length - 1; i >= 0; i--) if (rows[i]!.objectId === objectId) return rows[i]!;
  return null;
}

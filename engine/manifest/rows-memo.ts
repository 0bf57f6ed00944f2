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

const byObjectId = new WeakMap<Rows, ReadonlyMap<string, ManifestRow>>();

/** The row with `objectId` in `rows`, if any (objectIds are unique within a version). */
export function rowById(rows: Rows, objectId: string): ManifestRow | undefined {
  return memoOnRows(byObjectId, rows, indexById).get(objectId);
}

/**
 * A loop of sets rather than `new Map(rows.map(...))`: no [objectId, row] pair per row (a later
 * row with the same id wins either way). Indexed: Node 20 allocates per element when for-of
 * walks a frozen array, and the virtual store's rows are frozen.
 */
function indexById(rows: Rows): ReadonlyMap<string, ManifestRow> {
  const out = new Map<string, ManifestRow>();
  for (let i = 0; i < rows.length; i++) out.set(rows[i]!.objectId, rows[i]!);
  return out;
}

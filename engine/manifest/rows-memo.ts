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
  return memoOnRows(byObjectId, rows, (all) => new Map(all.map((r) => [r.objectId, r]))).get(objectId);
}

// `@card` validation on the write path: count edges per source over committed rows plus the
// pending batch, over every source in the table, and enforce the bounds. Validated once, at
// execution; never re-checked at commit (the seed's validate -> commit gap, B2').
import { OmniError } from "../errors.ts";
import type { EdgeType } from "../schema/catalog.ts";
import type { Row } from "../storage/types.ts";

/**
 * `count_src_per_edge`: edges per source, committed and pending. With `dedupeById` (a Merge
 * load) a pending row shadows the committed row of its id and pending rows of one id count once
 * (the last), as the merge will publish them; otherwise (mutations, Append and Overwrite loads,
 * whose edge ids are fresh) every row counts.
 */
export function countSourcesPerEdge(committed: readonly Row[], pending: readonly Row[], dedupeById: boolean): Map<string, number> {
  const counts = new Map<string, number>();
  const count = (r: Row) => {
    const src = String(r.src);
    counts.set(src, (counts.get(src) ?? 0) + 1);
  };
  if (!dedupeById) {
    for (const r of [...committed, ...pending]) count(r);
    return counts;
  }
  const pendingById = new Map<string, Row>();
  for (const r of pending) pendingById.set(r.id, r);
  for (const r of committed) if (!pendingById.has(r.id)) count(r);
  for (const r of pendingById.values()) count(r);
  return counts;
}

/** `enforce_cardinality_bounds`: max for every source; min only for sources that appear. */
export function enforceCardinality(edge: EdgeType, counts: ReadonlyMap<string, number>): void {
  const { min, max } = edge.cardinality;
  for (const [source, count] of [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if ((max !== null && count > max) || count < min) {
      const bound = max !== null && count > max ? `max ${max}` : `min ${min}`;
      throw new OmniError(
        "CardinalityViolation",
        { edge: edge.name, source, count, min, max },
        `@card violation on edge ${edge.name}: source '${source}' has ${count} edges (${bound})`,
      );
    }
  }
}

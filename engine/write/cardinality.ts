// `@card` validation on the write path: count edges per source over committed rows plus the
// pending batch, over every source in the table, and enforce the bounds. Validated once, at
// execution; never re-checked at commit (the seed's validate -> commit gap, B2').
import { OmniError } from "../errors.ts";
import type { EdgeType } from "../schema/catalog.ts";
import type { Row } from "../storage/types.ts";

/** `count_src_per_edge`: edges per source, committed and pending (pending wins on equal ids). */
export function countSourcesPerEdge(committed: readonly Row[], pending: readonly Row[]): Map<string, number> {
  const byId = new Map<string, Row>();
  for (const r of committed) byId.set(r.id, r);
  for (const r of pending) byId.set(r.id, r);
  const counts = new Map<string, number>();
  for (const r of byId.values()) {
    const src = String(r.src);
    counts.set(src, (counts.get(src) ?? 0) + 1);
  }
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

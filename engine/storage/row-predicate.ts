// Whether a row is selected by a Delete's predicate: any clause whose column value is in its
// list. Values compare by SameValueZero (so null selects null); a missing column selects nothing.
// Part of the storage seam's contract: both backends and the engine's own counts use it.
import type { Row, RowPredicate } from "./types.ts";

export function rowMatches(row: Row, predicate: RowPredicate): boolean {
  return predicate.anyOf.some((clause) => {
    const value = row[clause.column];
    return value !== undefined && clause.in.includes(value);
  });
}

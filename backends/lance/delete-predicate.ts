// A Delete's RowPredicate as the SQL predicate LanceDB's `delete` takes. The seam's predicate
// may name any column, and only `id`, `src` and `dst` are SQL columns (the rest live in the
// JSON `props`), so the adapter evaluates the predicate itself on HEAD's rows (it reads them
// anyway, for the conflict footprint) and hands Lance an exact predicate over what matched:
// `id IN (...)` for ids whose every row matched, and `id = ... AND props = ...` for an id with
// several rows only some of which matched. Two rows with one id and equal `props` are equal in
// every column, so no predicate can tell them apart either.
import { rowMatches } from "../../engine/storage/row-predicate.ts";
import type { Row, RowPredicate } from "../../engine/storage/types.ts";
import { propsOf } from "./row-codec.ts";

/** The SQL that deletes exactly the rows of `all` that `predicate` selects. */
export function deleteSql(all: readonly Row[], predicate: RowPredicate): string {
  const matching = all.filter((row) => rowMatches(row, predicate));
  const partial = new Set(all.filter((row) => !rowMatches(row, predicate)).map((row) => row.id));
  const whole = [...new Set(matching.filter((row) => !partial.has(row.id)).map((row) => row.id))];
  const pairs = [...new Set(matching.filter((row) => partial.has(row.id)).map((row) => `(id = ${sql(row.id)} AND props = ${sql(propsOf(row))})`))];
  const terms = [...(whole.length > 0 ? [`id IN (${whole.map(sql).join(", ")})`] : []), ...pairs];
  return terms.length === 0 ? "false" : terms.join(" OR ");
}

/** A SQL string literal. */
function sql(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

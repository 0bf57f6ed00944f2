// The one home of the `adoptAboveTarget` flag (engine/fixes.ts), F10 (docs/fixes.md). A table's
// versions on a Lance branch continue its parent's numbering, so a graph branch's manifest can
// hold version N of a table from its own fork while main (or another branch's fork) holds a
// different version N. A fast-forward into a graph branch that adopts the source's state by a
// pointer switch or a fork registers it at the source's version; when that is at or below the
// target's own version of the table, the target already holds a row there (the publisher
// refuses it: "table version N already exists") or a newer one that would hide it. With the fix
// such an adoption is a row delta applied on the target's own lineage (forked first if the
// target does not own the table), landing above every version the target holds. Read by
// `candidates.ts`.
import type { Env } from "../env.ts";
import type { TableEntry } from "../manifest/snapshot.ts";
import type { Branch } from "../storage/types.ts";

/** Whether adopting `source` onto graph branch `active`'s `target` goes on the target's lineage. */
export function adoptsOnTargetLineage(env: Env, source: TableEntry, target: TableEntry | undefined, active: Branch): boolean {
  return env.fixes.adoptAboveTarget && active !== null && target !== undefined && source.version <= target.version;
}

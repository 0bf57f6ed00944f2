// The `fix308` flag's one home (#308, `0dcdcf5a`): Lance 7.0's two-phase delete
// (`DeleteBuilder::execute_uncommitted`) counts the rows a delete removes before anything is
// committed, so a delete that matches nothing commits no version. Without it, the seed's
// `Dataset::delete` commits an empty Delete, which moves HEAD past the pin unrecorded.
import type { Env } from "../env.ts";
import { rowMatches } from "../storage/row-predicate.ts";
import type { Branch, DatasetPath, RowPredicate, Version } from "../storage/types.ts";

/** With the fix, a delete that would remove nothing: the outcome without a commit. Else null. */
export async function deletesNothing(
  env: Env,
  path: DatasetPath,
  ref: Branch,
  head: Version,
  where: RowPredicate,
): Promise<{ version: Version; deletedRows: 0; rowCount: number } | null> {
  if (!env.fixes.fix308) return null;
  const before = await env.storage.datasets.checkout(path, ref, head);
  if (before.rows.some((r) => rowMatches(r, where))) return null;
  return { version: head, deletedRows: 0, rowCount: before.rows.length };
}

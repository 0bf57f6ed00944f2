// Which graph branch owns a table's Lance ref. At the seed a table forked onto graph branch `b`
// lives on the Lance branch `b` of its dataset. With `fix695` each first-touch fork gets a name of
// its own, `b~<id>`, so an old fork a fast-forward left behind (and a child branch may still
// read) is never in the way of a new one. Every "is this table on branch b" question asks the
// ref's owner, so both namings read alike.
import type { Branch } from "../storage/types.ts";

/** The separator between a fork's owner and its own id (never in a seed fork's name). */
export const FORK_SUFFIX = "~";

/** The graph branch that owns Lance ref `ref` (null: main). */
export function forkOwner(ref: Branch): Branch {
  if (ref === null) return null;
  const at = ref.indexOf(FORK_SUFFIX);
  return at < 0 ? ref : ref.slice(0, at);
}

/** Whether a table on ref `ref` belongs to graph branch `branch`. */
export function ownedBy(ref: Branch, branch: Branch): boolean {
  return forkOwner(ref) === branch;
}

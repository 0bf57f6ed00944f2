// Which graph branch owns a table's Lance ref. At the seed a table forked onto graph branch `b`
// lives on the Lance branch `b` of its dataset. With `fix695` each first-touch fork gets a name of
// its own, `b.fork-<ULID>` (Lance allows only alphanumerics, '.', '-' and '_' in a ref segment),
// so an old fork a fast-forward left behind (and a child branch may still read) is never in the
// way of a new one. Every "is this table on branch b" question asks the ref's owner, so both
// namings read alike.
import type { Branch } from "../storage/types.ts";

/** The separator between a fork's owner and its own id. */
export const FORK_SUFFIX = ".fork-";

/** A unique fork's name: its owner, the separator, a ULID (26 characters), and nothing after. */
const UNIQUE_FORK = /^(.+)\.fork-[0-9A-HJKMNP-TV-Z]{26}$/;

/** The graph branch that owns Lance ref `ref` (null: main). */
export function forkOwner(ref: Branch): Branch {
  if (ref === null) return null;
  return UNIQUE_FORK.exec(ref)?.[1] ?? ref;
}

/** Whether a table on ref `ref` belongs to graph branch `branch`. */
export function ownedBy(ref: Branch, branch: Branch): boolean {
  return forkOwner(ref) === branch;
}

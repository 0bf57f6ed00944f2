// The one home of the `fix695` flag (engine/fixes.ts): #695 (for #683). At the seed a table's fork
// onto graph branch `b` is the Lance branch `b`; a first write that finds a leftover `b` ref
// (the branch no longer owns the table, e.g. after a fast-forward merge moved its entry back
// to main) reclaims it, although a child branch's manifest may still read that fork. With the
// fix each fork gets a unique name (`b~<id>`), persisted in the write's sidecar and publish,
// the write path reclaims nothing, and forks are reclaimed only by `cleanup`, and only when no
// live branch's manifest reads them. Read by `fork.ts`, `cleanup.ts` and the branch delete.
import type { Env } from "../env.ts";
import { FORK_SUFFIX } from "./fork-names.ts";

/** Whether forks are uniquely named and reclaimed only when nothing reads them. */
export function uniqueForks(env: Env): boolean {
  return env.fixes.fix695;
}

/** The Lance ref a new first-touch fork of `table` onto `branch` gets. */
export function newForkRef(env: Env, branch: string): string {
  return uniqueForks(env) ? `${branch}${FORK_SUFFIX}${env.ids.ulid()}` : branch;
}

/**
 * A second touch, in one write, of a table that write forked: with unique forks it writes on the
 * fork it made; at the seed it forks again (and so reclaims its own fresh fork first).
 */
export function keepsOwnFork(env: Env, forkedByThisWrite: string | null | undefined): string | null {
  return uniqueForks(env) && forkedByThisWrite !== undefined && forkedByThisWrite !== null ? forkedByThisWrite : null;
}

/**
 * A deleted branch's forks: at the seed reclaimed at once, best effort; with unique forks left to
 * `cleanup`, which reclaims only what no live branch reads.
 */
export function forksLeftToCleanup(env: Env): boolean {
  return uniqueForks(env);
}

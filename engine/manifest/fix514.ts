// The one home of the `fix514` flag (engine/fixes.ts): #514 (`dbcfca35`): a branch listing that
// meets a ref deleted after its LIST lists again, up to three attempts. Read by `branch-list.ts`.
import type { Env } from "../env.ts";

/** Listing attempts upstream's fix allows (`BRANCH_ENUMERATION_MAX_ATTEMPTS`). */
export const BRANCH_ENUMERATION_MAX_ATTEMPTS = 3;

/** How many times a listing may be tried: once at the seed, three times with the fix. */
export function branchListingAttempts(env: Env): number {
  return env.fixes.fix514 ? BRANCH_ENUMERATION_MAX_ATTEMPTS : 1;
}

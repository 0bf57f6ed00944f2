// The one home of the `ownInitClaimRelease` flag (engine/fixes.ts), found by omnisim (F15): an
// init releases the root's init claim (#502's `__init_claim.json`) with a blind delete, as
// upstream's `best_effort_release_init_claim` does (omnigraph.rs at `62a9c3fe`), so it deletes
// whatever claim is there, another init's too. Two roads lead there on the fixed engine:
// - a create-if-absent of the claim that a storage fault misdirected reports success while
//   another init's claim holds the key; `verifySchemaFiles` reads the other's claim back, fails
//   the init, and its release deletes the other's claim;
// - an init paused past its claim's lease is taken over (`initTakeover`); when it resumes and
//   fails or finishes, its release deletes its successor's claim.
// Either way the successor runs unclaimed: a third init may enter beside it, and an indeterminate
// successor loses the claim it must keep for an operator.
//
// With the flag a release reads the claim first and deletes it only if it is this attempt's: it
// names this attempt (its `attempt_id`, unique per attempt) and, when it carries a lease
// (`initTakeover`), at least half of that lease is left; or it is a torn prefix of the claim this
// attempt wrote (`verifySchemaFiles` failed the init on reading it back). A claim that is gone,
// another's, or this attempt's own with its lease nearly out (a takeover may be under way: the
// claim is left to it) stays. A read then a delete is not atomic on an object store (none offers
// a delete conditional on content), so a window remains between the two:
// - a takeover needs the lease run out, so a successor's claim can be there by the delete only if
//   the release was held up between its read and its delete for longer than half a lease. Only a
//   pause struck on the delete itself does that (a step of the other actors costs a millisecond of
//   virtual time); it breaks the fixed engine's assumption of bounded pauses (docs/fixes.md, "What
//   the fixed engine assumes") and the faults judge counts it as that limit (`sim/faults/judge.ts`);
// - a torn claim holds no lease anyone can read, and `initTakeover` takes it over at once, so the
//   release of one goes the takers' way: it deletes the claim only after winning the takeover's
//   create-if-absent marker for it (its one winner alone deletes it; a release that loses leaves
//   it to the taker that won). Deleting it after the read alone let a taker delete it and put its
//   own claim in between, which the delete then took (`dead-init-bricks-root` seed 261 with
//   `--faults all`: a 5 s pause on the delete, the taker then indeterminate without its claim);
//   leaving it to the takers bricked the root when the one taker a dead attempt allows failed
//   part way (seed 95).
// A torn prefix short enough to hold no whole attempt id might be another init's torn claim,
// when this attempt's own create was misdirected: that init failed reading it back, so it is
// dead all the same, and the marker still lets one deleter at it.
import type { Env } from "../env.ts";
import { LEASE_TTL_MS } from "../lease/lease.ts";
import { deleteConfirmed } from "../storage/confirmed-delete.ts";
import { isStorageError } from "../storage/errors.ts";
import { clearTornClaim, parseClaim } from "./init-takeover.ts";

/** How much of its claim's lease a release must still have when it reads the claim. */
export const CLAIM_RELEASE_MARGIN_MS = LEASE_TTL_MS / 2;

/**
 * Releases the init claim at `claimFile` that attempt `attemptId` took, writing `written`. Without
 * the flag, a blind delete (upstream's). With it, only a claim naming this attempt, its lease not
 * nearly out, or a torn prefix of `written`. A storage failure of the read fails the release as
 * the delete's would.
 */
export async function releaseInitClaim(env: Env, claimFile: string, attemptId: string, written: string): Promise<void> {
  if (!env.fixes.ownInitClaimRelease) return env.storage.objects.delete(claimFile);
  let text: string;
  try {
    text = await env.storage.objects.get(claimFile);
  } catch (e) {
    if (isStorageError(e, "NotFound")) return;
    throw e;
  }
  const claim = parseClaim(text);
  if (claim === null) {
    if (!written.startsWith(text)) return;
    // The marker is never deleted: once it is won, only this release removes the torn claim, so
    // its delete is confirmed by a read and tried again (seed 95: an error on it; seed 626: an
    // error, then a lost delete); a claim torn to the same text later takes the next marker.
    await clearTornClaim(env, claimFile, text, attemptId, () => deleteConfirmed(env, claimFile, text));
    return;
  } else {
    if (claim.attempt_id !== attemptId) return;
    if (claim.until_ms !== undefined && claim.until_ms - env.clock.now() < CLAIM_RELEASE_MARGIN_MS) return;
  }
  // The residual window (above): a takeover between this read and this delete.
  await env.storage.objects.delete(claimFile);
}
